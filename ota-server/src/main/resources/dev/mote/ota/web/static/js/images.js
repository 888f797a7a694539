// Images: upload one (the server checks its signature against its trusted keys and says why
// it refuses one), and every stored image with its signed header and the rollouts using it.
import {api} from './api.js';
import {h, mount, route, table, note} from './dom.js';
import {bytes, time, shortSha} from './format.js';

export async function render(root) {
  const file = h('input', {id: 'image-file', type: 'file', accept: '.img,application/octet-stream',
    'aria-label': 'image file'});
  const button = h('button', {id: 'image-upload', type: 'submit'}, 'Upload and verify');
  const verdict = h('div', {id: 'image-verdict', 'aria-live': 'polite'});
  const list = h('div', {id: 'image-list'});
  const form = h('form', {class: 'card upload'}, h('h2', null, 'Upload a signed image'),
    h('p', {class: 'muted'}, 'A .img file from ', h('code', null, 'mote build --key'),
      '. The server checks its structure, hash and signature before storing it.'),
    h('div', {class: 'row'}, file, button), verdict);
  form.addEventListener('submit', async e => {
    e.preventDefault();
    const f = file.files[0];
    if (!f) {
      mount(verdict, note('bad', 'Choose a file first.'));
      return;
    }
    button.disabled = true;
    mount(verdict, note('info', 'Uploading ', f.name, '…'));
    try {
      const img = await api.upload(await f.arrayBuffer());
      mount(verdict, note('good', 'Signature verified (key ', img.keyId, '): ', img.app, ' ', img.version, ' for ',
        img.profile, ', stored as ', shortSha(img.sha256), '.'));
      await drawList(list);
    } catch (err) {
      mount(verdict, note('bad', 'Refused: ', err.message));
    } finally {
      button.disabled = false;
    }
  });
  mount(root, h('h1', null, 'Images'), form, list);
  await drawList(list);
}

async function drawList(el) {
  const [images, rollouts] = await Promise.all([api.get('images'), api.get('rollouts')]);
  if (!images.length) {
    mount(el, h('p', {class: 'muted'}, 'No image uploaded yet.'));
    return;
  }
  const uses = new Map();
  for (const r of rollouts) {
    if (!uses.has(r.image)) uses.set(r.image, []);
    uses.get(r.image).push(r);
  }
  mount(el, table(['version', 'app', 'profile', 'arch', 'counter', 'size', 'key', 'uploaded', 'sha-256', 'rollouts'],
    images.slice().reverse().map(i => h('tr', {'data-sha': i.sha256},
      h('td', {class: 'strong'}, i.version),
      h('td', null, i.app),
      h('td', {class: 'nowrap'}, i.profile),
      h('td', null, i.arch),
      h('td', {class: 'num'}, String(i.securityCounter)),
      h('td', {class: 'num'}, bytes(i.size)),
      h('td', {class: 'mono', title: i.keyId}, String(i.keyId).slice(0, 16)),
      h('td', {class: 'muted nowrap'}, time(i.uploadedAt)),
      h('td', {class: 'mono', title: i.sha256}, shortSha(i.sha256)),
      h('td', null, (uses.get(i.sha256) || []).map(r =>
        h('a', {href: route('rollouts', r.id), class: 'chip st-' + r.state, title: r.state}, '#' + r.id))))),
  {class: 'list', id: 'images-table'}));
}
