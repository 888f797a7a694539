// The device list: search and filters in the URL (#/devices?q=lab&online=true&offset=50), one
// page at a time from the server (GET /api/device-page), so it stays fast at any fleet size.
import {api} from './api.js';
import {h, mount, route, query, table, note} from './dom.js';
import {count, ago, UPDATE_STATES} from './format.js';
import {onChange} from './live.js';

const PAGE = 50;
const FIELDS = ['q', 'group', 'tag', 'profile', 'version', 'online', 'state'];
/** While devices change (a rollout runs), the page shown is fetched again at most this often. */
const REFRESH_MS = 3000;

export async function render(root, parts, params) {
  const q = {};
  for (const f of FIELDS) q[f] = params.get(f) || '';
  const offset = Math.max(0, parseInt(params.get('offset') || '0', 10) || 0);
  const o = await api.get('overview');

  const go = (changes, newOffset) => {
    location.hash = query('devices', {...q, ...changes, offset: newOffset || ''});
  };
  const search = h('input', {id: 'f-q', type: 'search', placeholder: 'id, version or group', value: q.q,
    'aria-label': 'search'});
  let typing = null;
  search.addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(() => go({q: search.value.trim()}), 300);
  });
  const select = (name, label, values) => {
    const s = h('select', {id: 'f-' + name, 'aria-label': label},
      h('option', {value: ''}, label + ': any'),
      values.map(v => h('option', {value: v}, v)));
    s.value = q[name];
    if (s.value !== q[name]) {   // a value the overview does not list (a link from elsewhere)
      s.append(h('option', {value: q[name]}, q[name]));
      s.value = q[name];
    }
    s.addEventListener('change', () => go({[name]: s.value}));
    return s;
  };
  const tag = h('input', {id: 'f-tag', type: 'text', placeholder: 'tag', value: q.tag, 'aria-label': 'tag'});
  tag.addEventListener('change', () => go({tag: tag.value.trim()}));
  const filters = h('form', {class: 'filters', id: 'filters', onsubmit: e => e.preventDefault()},
    search,
    select('group', 'group', Object.keys(o.groups).filter(g => g)),
    tag,
    select('profile', 'profile', Object.keys(o.profiles).filter(p => p)),
    select('version', 'version', Object.keys(o.versions).filter(v => v)),
    select('online', 'online', ['true', 'false']),
    select('state', 'update state', UPDATE_STATES),
    FIELDS.some(f => q[f]) ? h('a', {href: '#/devices', class: 'quiet', id: 'f-clear'}, 'clear filters') : null);

  const list = h('div', {id: 'device-list'});
  mount(root, h('h1', null, 'Devices'), filters, list);

  const load = async () => {
    const page = await api.get('device-page' + query('', {...q, offset, limit: PAGE}).slice(2));
    draw(list, page, go);
  };
  await load();

  const stop = onChange(load, REFRESH_MS);
  return () => {
    stop();
    clearTimeout(typing);
  };
}

function draw(el, page, go) {
  const from = page.total ? page.offset + 1 : 0;
  const to = page.offset + page.devices.length;
  const prev = h('button', {type: 'button', id: 'page-prev', class: 'quiet', disabled: page.offset === 0},
    '← previous');
  prev.addEventListener('click', () => go({}, Math.max(0, page.offset - page.limit)));
  const next = h('button', {type: 'button', id: 'page-next', class: 'quiet', disabled: to >= page.total},
    'next →');
  next.addEventListener('click', () => go({}, page.offset + page.limit));
  const rows = page.devices.map(d => h('tr', {'data-id': d.id},
    h('td', null, h('a', {href: route('devices', d.id), class: 'device-id'}, d.id)),
    h('td', null, d.group || h('span', {class: 'muted'}, '—')),
    h('td', null, d.tags.map(t => h('span', {class: 'tag'}, t))),
    h('td', null, d.profile || h('span', {class: 'muted'}, 'not seen')),
    h('td', {class: 'version'}, d.version || ''),
    h('td', null, d.slot || ''),
    h('td', null, h('span', {class: d.online ? 'dot on' : 'dot off'}), d.online ? 'online' : 'offline'),
    h('td', {class: 'muted'}, ago(d.lastSeen)),
    h('td', null, h('span', {class: 'badge js-' + d.updateState}, d.updateState),
      d.rollout ? [' ', h('a', {href: route('rollouts', d.rollout), class: 'muted'}, '#' + d.rollout)] : null)));
  mount(el,
    h('div', {class: 'pager'}, h('span', {id: 'page-info'}, count(from), '–', count(to), ' of ', count(page.total),
      ' devices'), prev, next),
    page.devices.length
      ? table(['id', 'group', 'tags', 'profile', 'version', 'slot', 'online', 'last seen', 'update'], rows,
        {class: 'list', id: 'devices-table'})
      : note('info', 'No device matches.'));
}
