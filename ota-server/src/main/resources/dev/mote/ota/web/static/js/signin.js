// The sign-in form: the server's admin token (DATA/admin.token), checked by the server, which
// answers with a session cookie the page never sees.
import {signIn} from './api.js';
import {h, mount} from './dom.js';

export function render(main, entered) {
  const token = h('input', {id: 'token', type: 'password', autocomplete: 'current-password', required: true,
    spellcheck: 'false', 'aria-label': 'admin token'});
  const error = h('p', {id: 'signin-error', class: 'note bad', role: 'alert', hidden: true});
  const button = h('button', {id: 'signin', type: 'submit'}, 'Sign in');
  const form = h('form', {class: 'signin card', id: 'signin-form'},
    h('h1', null, 'Sign in'),
    h('label', {for: 'token'}, 'Admin token'),
    token,
    h('p', {class: 'muted'}, 'The server\'s admin token: ', h('code', null, 'cat ota-data/admin.token'),
      ' (the data directory given to ', h('code', null, 'mote ota serve --data'), ').'),
    button, error);
  form.addEventListener('submit', async e => {
    e.preventDefault();
    button.disabled = true;
    error.hidden = true;
    try {
      await signIn(token.value);
      token.value = '';
      entered();
    } catch (err) {
      error.textContent = err.status === 401 ? 'Wrong admin token.' : err.message;
      error.hidden = false;
      token.select();
    } finally {
      button.disabled = false;
    }
  });
  mount(main, form);
  token.focus();
}
