// Live updates: one EventSource on /ui/events while signed in. The server sends a "pulse"
// (devices in all and online, every unfinished rollout with its phases) whenever something
// changed, at most twice a second; views subscribe while they are shown.

const listeners = new Set();
let source = null;
let last = null;
let onSignOut = () => {};
const dot = () => document.getElementById('live');

/** Opens the stream (once signed in); {@code signedOut} runs if the server ends the session. */
export function connect(signedOut) {
  onSignOut = signedOut;
  if (source) return;
  source = new EventSource('/ui/events');
  source.addEventListener('pulse', e => {
    last = JSON.parse(e.data);
    show(true);
    for (const fn of listeners) {
      try {
        fn(last);
      } catch (err) {
        console.error(err);
      }
    }
  });
  source.addEventListener('signout', () => {
    disconnect();
    onSignOut();
  });
  source.onerror = () => show(false);
}

export function disconnect() {
  if (source) source.close();
  source = null;
  last = null;
  const d = dot();
  if (d) d.hidden = true;
}

/** Calls {@code fn} with every pulse (and the last one now, if any); returns the unsubscribe. */
export function subscribe(fn) {
  listeners.add(fn);
  if (last) fn(last);
  return () => listeners.delete(fn);
}

function show(up) {
  const d = dot();
  if (!d) return;
  d.hidden = false;
  d.textContent = up ? 'live' : 'reconnecting…';
  d.classList.toggle('down', !up);
}

/**
 * Calls {@code fn} (async) when pulses say something changed, at most once every {@code ms}:
 * for views that fetch what they show again rather than read it from the pulse. Returns the
 * unsubscribe.
 */
export function onChange(fn, ms) {
  let seen = null;
  let last = 0;
  let timer = null;
  const unsubscribe = subscribe(p => {
    const first = seen === null;
    const moved = seen !== p.changes;
    seen = p.changes;
    if (first || !moved || timer) return;
    timer = setTimeout(async () => {
      timer = null;
      last = Date.now();
      try {
        await fn();
      } catch (e) {
        // the next change tries again
      }
    }, Math.max(0, ms - (Date.now() - last)));
  });
  return () => {
    unsubscribe();
    clearTimeout(timer);
  };
}
