// The dashboard's entry: sign-in, then one view at a time, chosen by the URL's hash
// (#/devices?group=lab, #/rollouts/3): the browser's back button and links work, and
// the server serves one page.
import {resume, signOut, onSignedOut} from './api.js';
import {connect, disconnect} from './live.js';
import {h, mount} from './dom.js';
import * as signin from './signin.js';
import * as overview from './overview.js';
import * as devices from './devices.js';
import * as device from './device.js';
import * as images from './images.js';
import * as rollouts from './rollouts.js';
import * as rollout from './rollout.js';

const main = document.getElementById('main');
let cleanup = null;
let signedIn = false;

/** The view for a hash: [module, nav name, path parts, query]. */
function resolve(hash) {
  const [path, qs] = hash.replace(/^#\/?/, '').split('?');
  const parts = path.split('/').filter(p => p).map(decodeURIComponent);
  const q = new URLSearchParams(qs || '');
  if (parts[0] === 'devices') return parts[1] ? [device, 'devices', parts, q] : [devices, 'devices', parts, q];
  if (parts[0] === 'images') return [images, 'images', parts, q];
  if (parts[0] === 'rollouts' && parts[1] === 'new') return [{render: rollouts.renderNew}, 'rollouts', parts, q];
  if (parts[0] === 'rollouts') return parts[1] ? [rollout, 'rollouts', parts, q] : [rollouts, 'rollouts', parts, q];
  return [overview, 'overview', parts, q];
}

async function show() {
  if (cleanup) {
    cleanup();
    cleanup = null;
  }
  if (!signedIn) return;
  const [view, nav, parts, q] = resolve(location.hash);
  for (const a of document.querySelectorAll('#nav a')) {
    a.classList.toggle('here', a.dataset.view === nav);
  }
  const root = h('div', {class: 'view', id: 'view-' + nav});
  mount(main, root);
  try {
    cleanup = (await view.render(root, parts, q)) || null;
  } catch (e) {
    if (e.status !== 401) mount(root, h('p', {class: 'note bad', role: 'alert'}, e.message));
  }
}

function chrome(on) {
  document.getElementById('nav').hidden = !on;
  document.getElementById('signout').hidden = !on;
}

function signedOutNow() {
  if (cleanup) {
    cleanup();
    cleanup = null;
  }
  signedIn = false;
  disconnect();
  chrome(false);
  signin.render(main, enter);
}

function enter() {
  signedIn = true;
  chrome(true);
  connect(signedOutNow);
  show();
}

async function start() {
  onSignedOut(signedOutNow);
  document.getElementById('signout').addEventListener('click', async () => {
    try {
      await signOut();
    } finally {
      signedOutNow();
    }
  });
  window.addEventListener('hashchange', show);
  let s = null;
  try {
    s = await resume();
  } catch (e) {
    mount(main, h('p', {class: 'note bad', role: 'alert'}, e.message));
    return;
  }
  if (s) enter();
  else signedOutNow();
}

start();
