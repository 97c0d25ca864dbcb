// The statement form works without this file: its first button, "Find person", is what Enter presses there. With it,
// Enter in the name or actor field finds matches in the registry, and Enter elsewhere previews, as before the pickers.
// An external file, so a strict CSP (no inline script) holds.
document.addEventListener('keydown', event => {
  const field = event.target;
  if (event.key !== 'Enter' || !(field instanceof HTMLInputElement) || !field.form?.classList.contains('statement-form')) return;
  const button = field.form.querySelector(`button[data-finds="${field.id}"]`) ?? field.form.querySelector('button[data-default]');
  if (!button) return;
  event.preventDefault();
  button.click();
});
