// Building the page. Every string is put in as a text node or an attribute value, never parsed
// as HTML: ids, versions, tags, names and reasons come from devices, uploads and operators, and a
// device that reports version=<img src=x onerror=...> must change nothing but the text shown.
// Nothing here uses innerHTML, outerHTML, insertAdjacentHTML or document.write.

/** An element: h('a', {href: '#/devices', class: 'x'}, 'text', child, [more]). */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (v == null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'href') el.setAttribute('href', safeHref(v));
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  add(el, children);
  return el;
}

/** Replaces what {@code el} holds. */
export function mount(el, ...children) {
  el.replaceChildren();
  add(el, children);
  return el;
}

function add(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c == null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** Links stay inside the page: only "#/..." (no javascript:, no other site). */
export function safeHref(v) {
  const s = String(v);
  return s.startsWith('#/') ? s : '#/';
}

/** The page's own link to a view, its parts URI-encoded: link('devices', id). */
export function route(...parts) {
  return '#/' + parts.map(p => encodeURIComponent(String(p))).join('/');
}

/** A link to a view with a query: query('devices', {group: 'lab'}). */
export function query(view, params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v != null && v !== '') q.set(k, v);
  }
  const s = q.toString();
  return '#/' + view + (s ? '?' + s : '');
}

/** A stacked bar: one segment per [state, count], widths from the counts (set through CSSOM). */
export function bar(segments, total) {
  const el = h('div', {class: 'bar', role: 'img'});
  const sum = total || segments.reduce((a, [, n]) => a + n, 0);
  const label = [];
  for (const [state, n] of segments) {
    if (!n) continue;
    const seg = h('span', {class: 'seg s-' + state, title: state + ': ' + n, 'data-state': state});
    seg.style.width = (100 * n / Math.max(sum, 1)) + '%';
    el.append(seg);
    label.push(state + ' ' + n);
  }
  el.setAttribute('aria-label', label.join(', ') || 'nothing yet');
  return el;
}

/** A label/value list. */
export function facts(pairs) {
  return h('dl', {class: 'facts'}, pairs.filter(p => p).map(([k, v]) => [h('dt', null, k), h('dd', null, v)]));
}

/** A table from a header row and rows of cells (strings or nodes). */
export function table(head, rows, props) {
  return h('table', props || null,
    h('thead', null, h('tr', null, head.map(c => h('th', null, c)))),
    h('tbody', null, rows));
}

/** A message box for errors and verdicts. */
export function note(kind, ...text) {
  return h('p', {class: 'note ' + kind, role: kind === 'bad' ? 'alert' : 'status'}, ...text);
}
