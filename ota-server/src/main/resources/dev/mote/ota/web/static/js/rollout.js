// One rollout: its spec and thresholds, the reason it paused or ended, every phase's jobs per
// state as a bar, the failed devices; pause, resume and cancel. Live: each pulse that carries this
// rollout redraws it, without a request.
import {api} from './api.js';
import {h, mount, route, bar, facts, table, note} from './dom.js';
import {count, percent, seconds, segments, progress, target, time, shortSha, STATES} from './format.js';
import {subscribe} from './live.js';

export async function render(root, parts) {
  const id = Number(parts[1]);
  const base = 'rollouts/' + id;
  let [r, phases] = await Promise.all([api.get(base), api.get(base + '/phases')]);

  const title = h('h1', null);
  const reason = h('div', {id: 'rollout-reason-box'});
  const controls = h('div', {class: 'controls', id: 'controls'});
  const actionError = h('div', {id: 'action-error'});
  const summary = h('section', {class: 'card', id: 'summary'});
  const overall = h('section', {class: 'card', id: 'overall'});
  const phaseList = h('section', {id: 'phases'});
  const failed = h('section', {id: 'failed'});
  mount(root, h('p', {class: 'crumbs'}, h('a', {href: '#/rollouts'}, 'Rollouts'), ' / '),
    title, reason, controls, actionError, overall, phaseList, summary, failed);

  let failures = -1;
  let controlsFor = null;   // the state the controls were drawn for
  // A pulse redraws the controls only when the state changed: an open "cancel?" question or a
  // half-typed pause reason survives the live updates that arrive while the operator decides.
  // The title and the reason are redrawn only when they change, so text an operator selects there
  // stays selected while the counts below update.
  let titleFor = null;
  const draw = (controlsToo) => {
    const t = JSON.stringify([r.name, r.state, r.reason]);
    if (t !== titleFor) {
      titleFor = t;
      mount(title, h('span', {id: 'rollout-name'}, r.name), ' ',
        h('span', {class: 'badge big st-' + r.state, id: 'rollout-state'}, r.state));
      mount(reason, r.reason ? note(r.state === 'paused' ? 'warn' : r.state === 'completed' ? 'good' : 'info',
        h('strong', null, label(r.state)), ' ', h('span', {id: 'rollout-reason'}, r.reason)) : null);
    }
    if (controlsToo || r.state !== controlsFor) drawControls();
    drawSummary(summary, r);
    drawOverall(overall, r);
    drawPhases(phaseList, r, phases);
    const f = (r.counts.failed || 0) + (r.counts.rolledback || 0);
    if (f !== failures) {
      failures = f;
      drawFailed(failed, base);
    }
  };

  const act = async (what, body) => {
    mount(actionError);
    for (const b of controls.querySelectorAll('button')) b.disabled = true;
    try {
      r = await api.post(base + '/' + what, body);
      phases = await api.get(base + '/phases');
    } catch (e) {
      mount(actionError, note('bad', 'Not done: ', e.message));
    }
    draw(true);
  };

  const drawControls = () => {
    controlsFor = r.state;
    const buttons = [];
    if (r.state === 'running') {
      const why = h('input', {id: 'pause-reason', type: 'text', placeholder: 'reason (optional)',
        'aria-label': 'pause reason', maxlength: 200});
      buttons.push(why, h('button', {type: 'button', id: 'pause', onclick: () =>
        act('pause', why.value.trim() ? {reason: why.value.trim()} : {})}, 'Pause'));
    }
    if (r.state === 'paused') {
      buttons.push(h('button', {type: 'button', id: 'resume', onclick: () => act('resume')}, 'Resume'));
    }
    if (r.state === 'running' || r.state === 'paused') {
      const really = h('span', {class: 'confirm', hidden: true},
        'Cancel the rollout? Queued devices are not updated; devices in flight are told to stop. ',
        h('button', {type: 'button', class: 'danger', id: 'cancel-confirm', onclick: () => act('cancel')},
          'Yes, cancel it'), ' ',
        h('button', {type: 'button', class: 'quiet', id: 'cancel-no', onclick: () => {
          really.hidden = true;
          ask.hidden = false;
        }}, 'No'));
      const ask = h('button', {type: 'button', class: 'danger', id: 'cancel', onclick: () => {
        really.hidden = false;
        ask.hidden = true;
      }}, 'Cancel rollout');
      buttons.push(ask, really);
    }
    mount(controls, buttons);
  };

  draw(true);
  return subscribe(p => {
    const mine = p.rollouts.find(x => x.rollout.id === id);
    if (!mine) return;
    r = mine.rollout;
    phases = mine.phases;
    draw();
  });
}

function label(state) {
  return {paused: 'Paused:', completed: 'Completed:', cancelled: 'Cancelled:', running: ''}[state] || '';
}

function drawSummary(el, r) {
  mount(el, h('h2', null, 'Spec'), facts([
    ['Image', [r.version, ' ', h('span', {class: 'mono muted'}, shortSha(r.image))]],
    ['Target', target(r)],
    ['Phases', r.phases.join(', ')],
    ['Max in flight', count(r.maxInFlight)],
    ['Deadline', seconds(r.deadlineSeconds)],
    ['Success threshold', 'at least ' + percent(r.successThreshold) + ' of a phase confirmed to go on'],
    ['Failure threshold', 'more than ' + percent(r.failureThreshold) + ' of a phase failed pauses it'],
    ['Created', time(r.createdAt)],
    ['Updated', time(r.updatedAt)],
  ]));
}

function drawOverall(el, r) {
  const p = progress(r.counts);
  mount(el, h('div', {class: 'row'}, h('h2', null, 'Progress'),
    h('span', {class: 'muted'}, 'phase ', h('span', {id: 'rollout-phase'}, r.phase), ' of ', r.phaseCount),
    h('span', {class: 'right', id: 'rollout-done'}, count(p.ended), ' of ', count(p.jobs), ' ended, ',
      count(r.counts.confirmed || 0), ' confirmed')),
  bar(segments(r.counts)), legend(r.counts, 'total'));
}

function drawPhases(el, r, phases) {
  mount(el, phases.filter(ph => ph.phase > 0 || ph.counts.skipped > 0).map(ph => {
    const current = ph.phase === r.phase && (r.state === 'running' || r.state === 'paused');
    const head = ph.phase === 0
      ? h('h3', null, 'Skipped when created (', count(ph.counts.skipped), ')')
      : h('h3', null, 'Phase ', ph.phase, ' ', h('span', {class: 'muted'}, 'up to ', ph.target, ', ', count(ph.jobs),
        ph.jobs === 1 ? ' device' : ' devices'), current ? h('span', {class: 'badge now'}, 'now') : null);
    return h('div', {class: 'card phase' + (current ? ' current' : ''), id: 'phase-' + ph.phase}, head,
      bar(segments(ph.counts)), legend(ph.counts, 'phase-' + ph.phase));
  }));
}

function legend(counts, prefix) {
  return h('div', {class: 'legend'}, STATES.filter(s => counts[s]).map(s =>
    h('span', {class: 'item', 'data-state': s, id: prefix + '-' + s},
      h('span', {class: 'swatch s-' + s}), s, ' ', h('span', {class: 'n'}, count(counts[s])))));
}

async function drawFailed(el, base) {
  let jobs;
  try {
    jobs = await api.get(base + '/jobs?state=failed,rolledback&limit=100');
  } catch (e) {
    mount(el, note('bad', e.message));
    return;
  }
  if (!jobs.length) {
    mount(el);
    return;
  }
  mount(el, h('h2', null, 'Failed devices'), table(['device', 'phase', 'state', 'reason', 'when'],
    jobs.map(j => h('tr', null,
      h('td', null, h('a', {href: route('devices', j.device)}, j.device)),
      h('td', {class: 'num'}, String(j.phase)),
      h('td', null, h('span', {class: 'badge js-' + j.state}, j.state)),
      h('td', {class: 'detail'}, j.reason || ''),
      h('td', {class: 'muted nowrap'}, time(j.updatedAt)))), {class: 'list', id: 'failed-table'}));
}
