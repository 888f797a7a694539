// One device: who it is, what it runs, whether it is online, its update history; and the
// places where crash groups, logs and metrics go once devices report them.
import {api} from './api.js';
import {h, mount, query, facts, table} from './dom.js';
import {time, ago} from './format.js';
import {onChange} from './live.js';

/** While the fleet changes (a rollout runs), the device is fetched again at most this often. */
const REFRESH_MS = 3000;

export async function render(root, parts) {
  const path = 'devices/' + encodeURIComponent(parts[1]);
  const draw = async () => {
    const [d, history] = await Promise.all([api.get(path), api.get(path + '/history')]);
    show(root, d, history);
  };
  await draw();
  return onChange(draw, REFRESH_MS);
}

function show(root, d, history) {
  mount(root,
    h('p', {class: 'crumbs'}, h('a', {href: '#/devices'}, 'Devices'), ' / '),
    h('h1', null, h('span', {id: 'device-id'}, d.id), ' ',
      h('span', {class: d.online ? 'badge on' : 'badge off', id: 'device-online'}, d.online ? 'online' : 'offline')),
    h('section', {class: 'card'}, facts([
      ['Group', d.group ? h('a', {href: query('devices', {group: d.group})}, d.group) : '—'],
      ['Tags', d.tags.length ? d.tags.map(t => h('a', {href: query('devices', {tag: t}), class: 'tag'}, t)) : '—'],
      ['Profile', d.profile || 'not seen yet'],
      ['Version', h('span', {id: 'device-version'}, d.version || '—')],
      ['Security counter', String(d.securityCounter)],
      ['Slot', d.slot || '—'],
      ['First seen', time(d.firstSeen)],
      ['Last seen', d.lastSeen ? [time(d.lastSeen), ' (', ago(d.lastSeen), ')'] : 'never'],
      ['Job in flight', d.activeJob ? String(d.activeJob) : 'none'],
    ])),
    h('section', null, h('h2', null, 'Update history'),
      history.length
        ? table(['time', 'event', 'job', 'detail'], history.slice().reverse().map(e => h('tr', null,
          h('td', {class: 'muted nowrap'}, time(e.at)),
          h('td', null, h('span', {class: 'badge js-' + e.event}, e.event)),
          h('td', null, e.job == null ? '' : String(e.job)),
          h('td', {class: 'detail'}, e.detail || ''))), {class: 'list', id: 'history'})
        : h('p', {class: 'muted'}, 'Nothing yet.')),
    h('section', {class: 'grid'},
      later('Crash groups', 'crashes'),
      later('Logs', 'logs'),
      later('Metrics', 'metrics')));
}

/** A section whose data devices do not report yet. */
function later(title, id) {
  return h('div', {class: 'card', id: 'device-' + id}, h('h2', null, title),
    h('p', {class: 'muted'}, 'Not collected yet: devices do not report ' + title.toLowerCase() + ' to the server.'));
}
