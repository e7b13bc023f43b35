// The single-page-app view of the shop (/app.html): the same catalog rendered
// client-side, navigated with history.pushState, so OneToOne's route-change
// tracking sees page views without page loads.
import { BRANDS, CATEGORIES, PRODUCTS } from './catalog.js';

const view = () => document.getElementById('app-view');

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, String(value));
  node.append(...children);
  return node;
}

function card(p) {
  return el(
    'article',
    { class: 'card', 'data-o2o-item': p.id, 'data-o2o-category': p.category, 'data-o2o-brand': p.brand, 'data-o2o-price': p.price, 'data-o2o-tags': p.tags.join(',') },
    el('a', { href: `/app.html?p=${p.id}` }, el('span', { class: `thumb thumb-${p.category}`, 'aria-hidden': 'true' }), el('span', { class: 'card-name' }, p.name)),
    el('span', { class: 'card-meta' }, `${BRANDS[p.brand]} · ${p.price} €`),
    el('button', { type: 'button', class: 'add', 'data-add': p.id }, 'Add to cart'),
  );
}

/** Renders the route in `search` and returns its title. */
function render(search) {
  const params = new URLSearchParams(search);
  const product = PRODUCTS.find((p) => p.id === params.get('p'));
  const category = CATEGORIES.find((c) => c.id === params.get('c'));
  const root = view();
  root.replaceChildren();
  if (product) {
    root.append(
      el(
        'article',
        { class: 'product', 'data-o2o-item': product.id, 'data-o2o-category': product.category, 'data-o2o-brand': product.brand, 'data-o2o-price': product.price, 'data-o2o-tags': product.tags.join(','), 'data-o2o-main': '' },
        el('span', { class: `thumb thumb-${product.category}`, 'aria-hidden': 'true' }),
        el('div', {}, el('h1', {}, product.name), el('p', {}, `${BRANDS[product.brand]} · ${product.price} €`), el('button', { type: 'button', class: 'add primary', 'data-add': product.id }, 'Add to cart')),
      ),
    );
    return `${product.name} — app view`;
  }
  const shown = category ? PRODUCTS.filter((p) => p.category === category.id) : PRODUCTS.slice(0, 12);
  root.append(el('h1', {}, category ? category.name : 'Everything'), el('div', { class: 'grid', 'data-list': category?.id ?? 'all' }, ...shown.map(card)));
  return `${category ? category.name : 'Everything'} — app view`;
}

function navigate(url) {
  // Render first, then change the URL, so a route-change listener sees the new page.
  document.title = render(url.search);
  history.pushState({}, '', url.pathname + url.search);
}

/** Starts the app view: renders the current route and takes over in-app links. */
export function start() {
  document.title = render(location.search);
  document.addEventListener('click', (event) => {
    const link = event.target instanceof Element ? event.target.closest('a[href^="/app.html"]') : null;
    if (!link || event.defaultPrevented || event.metaKey || event.ctrlKey || event.shiftKey) return;
    event.preventDefault();
    navigate(new URL(link.href));
  });
  addEventListener('popstate', () => (document.title = render(location.search)));
}
