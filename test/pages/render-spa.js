// Stands for a single-page app: renders a slot when asked (a route change), the way a framework would.
window.addEventListener('spa-render', () => {
  const root = document.getElementById('spa-root');
  root.textContent = '';
  const slot = document.createElement('div');
  slot.className = 'hero';
  slot.setAttribute('data-o2o-slot', 'promo');
  const heading = document.createElement('h1');
  heading.textContent = 'Default promo';
  const template = document.createElement('template');
  template.setAttribute('data-o2o-variant', 'trail');
  template.setAttribute('data-o2o-tags', 'running');
  const variant = document.createElement('h1');
  variant.textContent = 'Trail promo';
  template.content.append(variant);
  slot.append(heading, template);
  root.append(slot);
  // What the first paint after insertion would show, read in the same task.
  window.spaShownAtInsert = null;
  queueMicrotask(() => { window.spaShownAtInsert = slot.getAttribute('data-o2o-shown'); });
});
