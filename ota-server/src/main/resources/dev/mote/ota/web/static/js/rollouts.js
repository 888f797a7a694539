// Rollouts: the list (live while any runs), and the form that creates one.
import {api} from './api.js';
import {h, mount, route, bar, table, note} from './dom.js';
import {count, segments, progress, target, time, shortSha} from './format.js';
import {subscribe} from './live.js';

export async function render(root) {
  const list = h('div', {id: 'rollout-list'});
  mount(root, h('div', {class: 'row'}, h('h1', null, 'Rollouts'),
    h('a', {href: '#/rollouts/new', class: 'button right', id: 'new-rollout'}, 'New rollout')), list);
  let rollouts = await api.get('rollouts');
  draw(list, rollouts);
  return subscribe(p => {
    const byId = new Map(p.rollouts.map(r => [r.rollout.id, r.rollout]));
    if (p.rollouts.some(r => !rollouts.find(x => x.id === r.rollout.id))) {
      api.get('rollouts').then(all => {
        rollouts = all;
        draw(list, rollouts);
      }, () => {});
      return;
    }
    rollouts = rollouts.map(r => byId.get(r.id) || r);
    draw(list, rollouts);
  });
}

function draw(el, rollouts) {
  if (!rollouts.length) {
    mount(el, h('p', {class: 'muted'}, 'No rollout yet. ', h('a', {href: '#/rollouts/new'}, 'Create one'), '.'));
    return;
  }
  mount(el, table(['#', 'name', 'image', 'target', 'state', 'phase', 'progress', 'devices', 'created'],
    rollouts.slice().reverse().map(r => {
      const p = progress(r.counts);
      return h('tr', {'data-id': r.id},
        h('td', null, h('a', {href: route('rollouts', r.id)}, '#' + r.id)),
        h('td', null, h('a', {href: route('rollouts', r.id), class: 'strong'}, r.name)),
        h('td', null, r.version, ' ', h('span', {class: 'muted mono'}, shortSha(r.image).slice(0, 8))),
        h('td', null, target(r)),
        h('td', null, h('span', {class: 'badge st-' + r.state}, r.state)),
        h('td', {class: 'num'}, r.phase, ' / ', r.phaseCount),
        h('td', {class: 'wide'}, bar(segments(r.counts)), h('span', {class: 'muted small'}, count(p.ended), ' of ',
          count(p.jobs), ' ended')),
        h('td', {class: 'num'}, count(r.devices)),
        h('td', {class: 'muted nowrap'}, time(r.createdAt)));
    }), {class: 'list', id: 'rollouts-table'}));
}

/** #/rollouts/new: the form; on success, the new rollout's page. */
export async function renderNew(root) {
  const [images, overview] = await Promise.all([api.get('images'), api.get('overview')]);
  const field = (label, input, help) => h('div', {class: 'field'}, h('label', {for: input.id}, label), input,
    help ? h('span', {class: 'muted small'}, help) : null);
  const image = h('select', {id: 'r-image', required: true},
    images.slice().reverse().map(i => h('option', {value: i.sha256},
      i.version + ' (' + i.app + ', ' + i.profile + ', counter ' + i.securityCounter + ') ' + shortSha(i.sha256))));
  const groups = h('datalist', {id: 'r-groups'}, Object.keys(overview.groups).filter(g => g)
    .map(g => h('option', {value: g})));
  const name = h('input', {id: 'r-name', type: 'text', maxlength: 128, placeholder: 'default: app and version'});
  const group = h('input', {id: 'r-group', type: 'text', list: 'r-groups', placeholder: 'any group'});
  const tag = h('input', {id: 'r-tag', type: 'text', placeholder: 'any tag'});
  const phases = h('input', {id: 'r-phases', type: 'text', value: '10%,100%', required: true});
  const inFlight = h('input', {id: 'r-inflight', type: 'number', min: 1, value: 100, required: true});
  const deadline = h('input', {id: 'r-deadline', type: 'number', min: 1, value: 1800, required: true});
  const success = h('input', {id: 'r-success', type: 'number', min: 1, max: 100, step: 'any', value: 95,
    required: true});
  const failure = h('input', {id: 'r-failure', type: 'number', min: 0, max: 99, step: 'any', value: 10,
    required: true});
  const error = h('div', {id: 'r-error'});
  const submit = h('button', {type: 'submit', id: 'r-create'}, 'Create and start');
  const form = h('form', {class: 'card form', id: 'rollout-form'},
    field('Image', image),
    field('Name', name),
    field('Group', group, 'devices of this group (empty: any)'), groups,
    field('Tag', tag, 'devices with this tag (empty: any); group and tag both empty: every device'),
    field('Phases', phases, 'cumulative: device counts or percentages, the last 100%, e.g. 10,50%,100%'),
    field('Max in flight', inFlight, 'devices updating at once, at most'),
    field('Deadline (s)', deadline, 'a device not confirmed this long after its offer has failed'),
    field('Success threshold (%)', success, 'confirmed share of a phase needed to go on'),
    field('Failure threshold (%)', failure, 'failed share of a phase that pauses the rollout when exceeded'),
    h('div', {class: 'row'}, submit, h('a', {href: '#/rollouts', class: 'quiet'}, 'back')),
    error);
  if (!images.length) {
    mount(root, h('h1', null, 'New rollout'), note('info', 'Upload an image first: ',
      h('a', {href: '#/images'}, 'Images'), '.'));
    return;
  }
  form.addEventListener('submit', async e => {
    e.preventDefault();
    submit.disabled = true;
    mount(error);
    try {
      const r = await api.post('rollouts', {
        name: name.value.trim() || null,
        image: image.value,
        group: group.value.trim() || null,
        tag: tag.value.trim() || null,
        phases: phases.value.split(',').map(p => p.trim()).filter(p => p),
        maxInFlight: Number(inFlight.value),
        deadlineSeconds: Number(deadline.value),
        successThreshold: Number(success.value) / 100,
        failureThreshold: Number(failure.value) / 100,
      });
      location.hash = route('rollouts', r.id);
    } catch (err) {
      mount(error, note('bad', 'Not created: ', err.message));
    } finally {
      submit.disabled = false;
    }
  });
  mount(root, h('p', {class: 'crumbs'}, h('a', {href: '#/rollouts'}, 'Rollouts'), ' / '),
    h('h1', null, 'New rollout'), form);
}
