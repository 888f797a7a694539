// The fleet at a glance: devices in all and online; by version, profile, group and update
// state (each row links to the device list, filtered); the rollouts running now, live.
import {api} from './api.js';
import {h, mount, bar, query, route, note} from './dom.js';
import {count, percent, segments, progress, target} from './format.js';
import {subscribe} from './live.js';

/** Counts refresh at most this often while a rollout runs (the rollouts part follows every pulse). */
const REFRESH_MS = 5000;

export async function render(root) {
  const o = await api.get('overview');
  const totals = h('section', {class: 'cards', id: 'totals'});
  const running = h('section', {id: 'running'});
  const groups = h('section', {class: 'grid', id: 'breakdown'});
  mount(root, h('h1', null, 'Fleet'), totals, running, groups);
  draw(o);

  let lastFetch = Date.now();
  let pending = null;
  const unsubscribe = subscribe(p => {
    drawTotals(totals, p.devices, p.online, p.rollouts.filter(r => unfinished(r.rollout)).length);
    drawRunning(running, p.rollouts.map(r => r.rollout));
    if (!pending) {
      pending = setTimeout(async () => {
        pending = null;
        lastFetch = Date.now();
        try {
          drawBreakdown(groups, await api.get('overview'));
        } catch (e) {
          // the next pulse tries again
        }
      }, Math.max(0, REFRESH_MS - (Date.now() - lastFetch)));
    }
  });
  return () => {
    unsubscribe();
    clearTimeout(pending);
  };

  function draw(o) {
    drawTotals(totals, o.devices, o.online, o.rollouts.length);
    drawRunning(running, o.rollouts);
    drawBreakdown(groups, o);
  }
}

function unfinished(r) {
  return r.state === 'running' || r.state === 'paused';
}

function drawTotals(el, devices, online, rollouts) {
  mount(el,
    card('Devices', count(devices), h('a', {href: '#/devices'}, 'all devices'), 'total-devices'),
    card('Online', count(online), devices ? percent(online / devices) + ' of the fleet' : '', 'total-online'),
    card('Rollouts running or paused', count(rollouts), h('a', {href: '#/rollouts'}, 'all rollouts'), 'total-rollouts'));
}

function card(label, value, sub, id) {
  return h('div', {class: 'card stat'}, h('div', {class: 'label'}, label), h('div', {class: 'value', id}, value),
    h('div', {class: 'muted'}, sub));
}

function drawRunning(el, rollouts) {
  const open = rollouts.filter(unfinished);
  if (!open.length) {
    mount(el, h('h2', null, 'Rollouts now'), h('p', {class: 'muted'}, 'No rollout is running. ',
      h('a', {href: '#/rollouts/new'}, 'Start one'), '.'));
    return;
  }
  mount(el, h('h2', null, 'Rollouts now'), open.map(r => {
    const p = progress(r.counts);
    return h('div', {class: 'card rollout-line'},
      h('div', {class: 'row'},
        h('a', {href: route('rollouts', r.id), class: 'strong'}, '#' + r.id + ' ', r.name),
        h('span', {class: 'badge st-' + r.state}, r.state),
        h('span', {class: 'muted'}, r.version, ' to ', target(r), ', phase ', r.phase, ' of ', r.phaseCount),
        h('span', {class: 'right'}, count(p.ended), ' of ', count(p.jobs), ' done')),
      bar(segments(r.counts)),
      r.state === 'paused' && r.reason ? note('warn', 'Paused: ', r.reason) : null);
  }));
}

function drawBreakdown(el, o) {
  mount(el,
    breakdown('By version', o.versions, o.devices, v => ({version: v}), 'versions'),
    breakdown('By update state', o.updateStates, o.devices, s => ({state: s}), 'states'),
    breakdown('By profile', o.profiles, o.devices, p => ({profile: p}), 'profiles'),
    breakdown('By group', o.groups, o.devices, g => ({group: g}), 'groups'),
    breakdown('Online', {online: o.online, offline: o.devices - o.online}, o.devices,
      k => ({online: String(k === 'online')}), 'online'));
}

function breakdown(title, counts, total, filter, id) {
  const rows = Object.entries(counts || {}).filter(([, n]) => n > 0).map(([k, n]) => {
    const meter = h('span', {class: 'meter'}, h('span', {class: 'fill'}));
    meter.firstChild.style.width = (100 * n / Math.max(total, 1)) + '%';
    const label = k === '' ? h('span', {class: 'muted'}, '(none)') : k;
    const link = k === '' ? label : h('a', {href: query('devices', filter(k))}, label);
    return h('tr', null, h('td', {class: 'key'}, link), h('td', {class: 'num'}, count(n)), h('td', {class: 'wide'}, meter));
  });
  return h('div', {class: 'card', id: 'by-' + id}, h('h2', null, title),
    rows.length ? h('table', {class: 'compact'}, h('tbody', null, rows)) : h('p', {class: 'muted'}, 'No devices yet.'));
}
