// Follows a planning run: updates the progress bar each second and shows the plan when the run
// is done. Without this script the page offers a link that reloads it.
'use strict';
(function () {
  const box = document.getElementById('plan-run');
  if (!box) return;
  const bar = document.getElementById('plan-progress');
  const text = document.getElementById('plan-progress-text');
  const started = Date.now();
  async function poll() {
    try {
      const res = await fetch(box.dataset.status, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
      if (res.ok) {
        const s = await res.json();
        if (!s.running) { window.location.assign(box.dataset.done); return; }
        bar.value = s.percent;
        bar.textContent = s.percent + ' %';
        text.textContent = text.textContent.replace(/^\d+/, String(s.elapsed_seconds));
      }
    } catch (e) {
      // The next poll tries again; the reload link still works.
    }
    if (Date.now() - started < 10 * 60 * 1000) setTimeout(poll, 1000);
  }
  setTimeout(poll, 1000);
})();
