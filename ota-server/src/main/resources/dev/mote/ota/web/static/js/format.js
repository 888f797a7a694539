// Numbers, times and states as the page shows them.

/** Job states in the order their bars stack: done first, then in flight, then the rest. */
export const STATES = ['confirmed', 'rebooting', 'installed', 'verifying', 'downloading', 'offered', 'queued',
  'failed', 'rolledback', 'cancelled', 'skipped'];

/** Update states a device can be in (its latest job's state, or none). */
export const UPDATE_STATES = ['none', 'queued', 'offered', 'downloading', 'verifying', 'installed', 'rebooting',
  'confirmed', 'failed', 'rolledback', 'cancelled', 'skipped'];

export function count(n) {
  return Number(n || 0).toLocaleString('en-US');
}

export function percent(fraction) {
  const p = fraction * 100;
  return (Number.isInteger(p) ? p : p.toFixed(1)) + '%';
}

export function bytes(n) {
  if (n < 1024) return n + ' B';
  if (n < 1024 * 1024) return (n / 1024).toFixed(1) + ' KiB';
  return (n / 1024 / 1024).toFixed(2) + ' MiB';
}

/** An epoch-ms time as "2026-11-02 14:03:11" (local), or "never". */
export function time(ms) {
  if (!ms) return 'never';
  const d = new Date(ms);
  const p = n => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** "5 s ago", "3 min ago", ... */
export function ago(ms) {
  if (!ms) return 'never';
  const s = Math.max(0, Math.round((Date.now() - ms) / 1000));
  if (s < 60) return s + ' s ago';
  if (s < 3600) return Math.floor(s / 60) + ' min ago';
  if (s < 86400) return Math.floor(s / 3600) + ' h ago';
  return Math.floor(s / 86400) + ' d ago';
}

export function seconds(s) {
  if (s % 3600 === 0) return (s / 3600) + ' h';
  if (s % 60 === 0) return (s / 60) + ' min';
  return s + ' s';
}

export function shortSha(sha) {
  return String(sha || '').slice(0, 12);
}

/** A rollout's target: "group lab", "tag beta", "group lab and tag beta", "all devices". */
export function target(r) {
  const parts = [];
  if (r.group) parts.push('group ' + r.group);
  if (r.tag) parts.push('tag ' + r.tag);
  return parts.length ? parts.join(' and ') : 'all devices';
}

/** [state, count] pairs in bar order, from a counts map. */
export function segments(counts) {
  return STATES.map(s => [s, (counts && counts[s]) || 0]);
}

/** Jobs that were not skipped, and those that have ended. */
export function progress(counts) {
  let jobs = 0, ended = 0;
  for (const s of STATES) {
    const n = (counts && counts[s]) || 0;
    if (s === 'skipped') continue;
    jobs += n;
    if (['confirmed', 'failed', 'rolledback', 'cancelled'].includes(s)) ended += n;
  }
  return {jobs, ended};
}
