// A progress bar that follows a background job (a caseload import, a hand-over archive) without
// reloading the page until it ends. Without JavaScript the page's "Refresh" link does the same.
const box = document.querySelector('[data-progress-url]');
if (box) {
  const text = box.querySelector('#progress-text');
  const bar = box.querySelector('#progress-bar');
  const poll = async () => {
    try {
      const response = await fetch(box.dataset.progressUrl, {
        headers: { Accept: 'application/json' },
        credentials: 'same-origin',
      });
      if (response.ok) {
        const state = await response.json();
        if (state.finished) {
          window.location.reload();
          return;
        }
        bar.value = state.percent;
        bar.textContent = `${state.percent}%`;
        text.textContent = `${state.status_text}: ${state.done} of ${state.total} (${state.percent}%).`;
      }
    } catch (error) {
      // A dropped connection: try again at the next tick.
    }
    window.setTimeout(poll, 2000);
  };
  window.setTimeout(poll, 2000);
}
