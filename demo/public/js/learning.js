// The learning loop from the persona simulator: "Train now" asks the demo's
// collector to train (POST /v1/admin/train; open in development mode) and says
// what happened; the uplift report is at /report.
const button = document.querySelector('[data-train]');
const out = document.querySelector('[data-train-result]');

button?.addEventListener('click', async () => {
  button.disabled = true;
  out.textContent = 'Training…';
  try {
    const response = await fetch('/v1/admin/train', { method: 'POST' });
    const result = await response.json();
    if (!response.ok) out.textContent = `Training refused (${response.status}): ${result.error ?? ''}`;
    else if (result.version === undefined) out.textContent = `Nothing trained: ${result.reason}. Live model: version ${result.live}.`;
    else out.textContent = `Version ${result.version} ${result.promoted ? 'promoted' : 'kept back'}: ${result.reason}. Live model: version ${result.live}.`;
  } catch (error) {
    out.textContent = `Training failed: ${error instanceof Error ? error.message : String(error)}`;
  } finally {
    button.disabled = false;
  }
});
