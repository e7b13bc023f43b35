// Generates the demo shop's static pages and its catalog module from
// products.mjs. The output is committed so `npm run demo` serves plain files;
// run `node demo/catalog/build.mjs` after editing the catalog, and
// `node demo/catalog/build.mjs --check` (the unit suite does) to prove the
// committed pages are up to date.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ARTICLES, BRANDS, CATEGORIES, PRODUCTS } from './products.mjs';
import { PERSONAS } from '../public/js/personas-data.js';

const PUBLIC = join(dirname(fileURLToPath(import.meta.url)), '..', 'public');
const BY_ID = new Map(PRODUCTS.map((p) => [p.id, p]));

const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
const euro = (n) => `${n.toLocaleString('en-US')} €`;
const product = (id) => {
  const p = BY_ID.get(id);
  if (!p) throw new Error(`unknown product ${id}`);
  return p;
};

/** The markup a product needs for OneToOne to read it as an item. */
const itemAttrs = (p, main = false) =>
  `data-o2o-item="${p.id}" data-o2o-category="${p.category}" data-o2o-brand="${p.brand}" data-o2o-price="${p.price}" data-o2o-tags="${p.tags.join(',')}"${main ? ' data-o2o-main' : ''}`;

const card = (p) => `<article class="card" ${itemAttrs(p)}>
          <a href="${p.page}"><span class="thumb thumb-${p.category}" aria-hidden="true"></span><span class="card-name">${esc(p.name)}</span></a>
          <span class="card-meta">${esc(BRANDS[p.brand])} · <span class="price">${euro(p.price)}</span></span>
          <button type="button" class="add" data-add="${p.id}">Add to cart</button>
        </article>`;

const grid = (ids) => `<div class="grid">
        ${ids.map((id) => card(product(id))).join('\n        ')}
      </div>`;

const NAV = [
  ...CATEGORIES.map((c) => `<a href="/category/${c.id}.html">${esc(c.name)}</a>`),
  '<a href="/article.html">Journal</a>',
  '<a href="/app.html">App view</a>',
].join('');

function layout({ title, pageType, body }) {
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <link rel="icon" href="data:,">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${esc(title)}</title>
  <link rel="stylesheet" href="/style.css">
  <!-- OneToOne, pasted as a site owner would (README quick start); everything below is the shop's own code.
       The stylesheet is the head rule: undecided slots stay hidden until decided (at most 300 ms), so the async
       script never makes them jump; a link, not an inline <style>, because this shop's CSP is style-src 'self'. -->
  <link rel="stylesheet" href="/dist/onetoone.css">
  <script async src="/dist/onetoone.min.js" data-endpoint="/" data-write-key="demo"></script>
  <script type="module" src="/js/shop.js"></script>
</head>
<body data-o2o-page="${pageType}">
  <header class="site">
    <a class="logo" href="/">Stride <span>&amp;</span> Summit</a>
    <nav>${NAV}</nav>
    <a class="cart-link" href="/cart.html">Cart (<span data-cart-count>0</span>)</a>
  </header>
  <main>
${body}
  </main>
  <footer class="site">
    <p>Stride &amp; Summit is a fictional shop that demonstrates OneToOne. <a href="/personas.html">QA: persona simulator</a> · <a href="?o2o_debug=1">open the debug panel</a></p>
  </footer>
</body>
</html>
`;
}

const heroVariant = (id, tags, title, text, cta, href) => `      <template data-o2o-variant="${id}" data-o2o-tags="${tags}">
        <h1>${esc(title)}</h1>
        <p>${esc(text)}</p>
        <a class="button" href="${href}">${esc(cta)}</a>
      </template>`;

const recVariant = (id, tags, heading, ids) => `      <template data-o2o-variant="${id}" data-o2o-tags="${tags}">
        <h2>${esc(heading)}</h2>
        ${grid(ids)}
      </template>`;

function home() {
  const cheap = PRODUCTS.filter((p) => p.price < 25).slice(0, 4).map((p) => p.id);
  const body = `    <div class="hero" data-o2o-slot="hero">
      <h1>Gear for every path</h1>
      <p>New season, new adventures. Kit for running, camping, hiking and cycling.</p>
      <a class="button" href="/category/hiking.html">Browse the shop</a>
${heroVariant('running', 'running', 'Run further this season', 'Trail shoes picked for runners like you.', 'Shop running', '/category/running.html')}
${heroVariant('camping', 'camping', 'Nights under the stars', 'Tents and sleeping bags for your next trip.', 'Shop camping', '/category/camping.html')}
${heroVariant('hiking', 'hiking', 'Higher, lighter, drier', 'Boots and packs for your next long day out.', 'Shop hiking', '/category/hiking.html')}
${heroVariant('cycling', 'cycling', 'Ride every day', 'Helmets, lights and locks for the commute.', 'Shop cycling', '/category/cycling.html')}
${heroVariant('deals', 'price:p0', 'Summer sale: small prices, big days out', 'Favourites under 25 €, in every category.', 'See the deals', '/category/running.html')}
    </div>
    <section class="recs" data-o2o-slot="recommendations">
      <h2>Popular right now</h2>
      ${grid(['sku-trail-1', 'sku-tent-1', 'sku-boot-1', 'sku-helmet-1'])}
${recVariant('running', 'running', 'Picked for your next run', ['sku-road-1', 'sku-run-vest', 'sku-run-watch', 'sku-run-gel'])}
${recVariant('camping', 'camping', 'For your next night outside', ['sku-tent-3', 'sku-bag-1', 'sku-mat-1', 'sku-stove-1'])}
${recVariant('hiking', 'hiking', 'For the long way round', ['sku-boot-2', 'sku-pack-2', 'sku-poles-1', 'sku-shell-1'])}
${recVariant('cycling', 'cycling', 'For the daily ride', ['sku-light-1', 'sku-lock-1', 'sku-bag-3', 'sku-jersey-1'])}
${recVariant('deals', 'price:p0', 'Under 25 €', cheap)}
    </section>
    <section class="journal">
      <h2>From the journal</h2>
      <ul>${ARTICLES.map((a) => `<li><a href="${a.page}">${esc(a.title)}</a></li>`).join('')}</ul>
    </section>`;
  return layout({ title: 'Stride & Summit — home', pageType: 'home', body });
}

function categoryPage(c) {
  const items = PRODUCTS.filter((p) => p.category === c.id);
  const body = `    <h1>${esc(c.name)}</h1>
    <p class="lead">${esc(c.blurb)}</p>
    <div class="grid" data-list="${c.id}">
      ${items.map(card).join('\n      ')}
    </div>`;
  return layout({ title: `${c.name} — Stride & Summit`, pageType: 'category', body });
}

function productPage(p) {
  const related = PRODUCTS.filter((o) => o.category === p.category && o.id !== p.id).slice(0, 3).map((o) => o.id);
  const body = `    <p class="crumbs"><a href="/category/${p.category}.html">${esc(CATEGORIES.find((c) => c.id === p.category).name)}</a> › ${esc(p.name)}</p>
    <article class="product" ${itemAttrs(p, true)}>
      <span class="thumb thumb-${p.category}" aria-hidden="true"></span>
      <div>
        <h1>${esc(p.name)}</h1>
        <p class="card-meta">${esc(BRANDS[p.brand])}</p>
        <p>${esc(p.description)} ${euro(p.price)}</p>
        <button type="button" class="add primary" data-add="${p.id}">Add to cart</button>
      </div>
    </article>
    <section>
      <h2>You might also like</h2>
      ${grid(related)}
    </section>`;
  return layout({ title: `${p.name} — Stride & Summit`, pageType: 'product', body });
}

function articlePage(a) {
  const body = `    <article class="story" data-o2o-item="${a.id}" data-o2o-category="${a.category}" data-o2o-tags="${a.tags.join(',')}" data-o2o-main>
      <p class="crumbs"><a href="/article.html">Journal</a></p>
      <h1>${esc(a.title)}</h1>
      ${a.paragraphs.map((t) => `<p>${esc(t)}</p>`).join('\n      ')}
    </article>
    <section>
      <h2>In this guide</h2>
      ${grid(a.products)}
    </section>`;
  return layout({ title: `${a.title} — Stride & Summit`, pageType: 'article', body });
}

function cartPage() {
  const body = `    <h1>Your cart</h1>
    <div id="cart-lines" class="cart-lines"><p>Your cart is empty.</p></div>
    <p class="cart-total">Total: <strong data-cart-total>0 €</strong></p>
    <a class="button primary" id="to-checkout" href="/checkout.html">Checkout</a>`;
  return layout({ title: 'Cart — Stride & Summit', pageType: 'cart', body });
}

function checkoutPage() {
  const body = `    <h1>Checkout</h1>
    <form id="checkout" class="checkout" autocomplete="on">
      <label>Name <input name="name" autocomplete="name" required></label>
      <label>Email <input name="email" type="email" autocomplete="email" required></label>
      <label>Address <input name="address" autocomplete="street-address" required></label>
      <p class="cart-total">To pay: <strong data-cart-total>0 €</strong></p>
      <button class="primary" type="submit">Place order</button>
    </form>
    <p id="thanks" class="thanks" hidden>Thank you! Your order is on its way (not really — this shop is fictional).</p>`;
  return layout({ title: 'Checkout — Stride & Summit', pageType: 'checkout', body });
}

function appPage() {
  const body = `    <div class="banner" data-o2o-slot="app-banner">
      <p>Free delivery on orders over 50 €.</p>
      <template data-o2o-variant="running" data-o2o-tags="running"><p>New: the Road racer is back in stock.</p></template>
      <template data-o2o-variant="deals" data-o2o-tags="price:p0"><p>Summer sale: add-ons from 12 €.</p></template>
    </div>
    <nav class="app-nav" id="app-nav"><a href="/app.html">All</a>${CATEGORIES.map((c) => `<a href="/app.html?c=${c.id}">${esc(c.name)}</a>`).join('')}</nav>
    <div id="app-view" class="app-view" aria-live="polite"><p>Loading…</p></div>`;
  return layout({ title: 'Stride & Summit — app view', pageType: 'app', body });
}

function personasPage() {
  const body = `    <h1>Persona simulator</h1>
    <p class="lead">Each button erases this browser's OneToOne profile, replays a scripted visitor into a fresh one and lands on the page that visitor arrives on. Open the debug panel there (add <code>?o2o_debug=1</code> to the address or press Alt+Shift+O) to read why each slot chose what it chose.</p>
    <p>To compare two personas side by side, open one in a normal window and the other in a private window (they have separate storage). The <em>device</em> is a hint: use DevTools' device mode for mobile and tablet personas.</p>
    <ul class="personas">
      ${PERSONAS.map((p) => `<li><a class="button" href="/?o2o_persona=${p.id}">${esc(p.name)}</a><span>${esc(p.summary)} <em>Device: ${p.device}.</em></span></li>`).join('\n      ')}
    </ul>
    <h2>Learning loop</h2>
    <p>Every decision the pages make is logged to the collector with what followed it. After browsing as a few personas, train a new model from those logs (it is served only if the off-policy evaluation says it is better with confidence), then see how personalized visitors compare with the holdout. Command line: <code>curl -X POST http://127.0.0.1:8080/v1/admin/train</code> or <code>npm run train</code>.</p>
    <p><button class="button" type="button" data-train>Train now</button> <a class="button" href="/report">Open the uplift report</a></p>
    <p data-train-result role="status"></p>
    <script type="module" src="/js/learning.js"></script>`;
  return layout({ title: 'Persona simulator — Stride & Summit', pageType: 'qa', body });
}

function catalogModule() {
  return `// Generated by demo/catalog/build.mjs from demo/catalog/products.mjs; do not edit.
export const CATEGORIES = ${JSON.stringify(CATEGORIES)};
export const BRANDS = ${JSON.stringify(BRANDS)};
export const PRODUCTS = ${JSON.stringify(PRODUCTS.map(({ description, ...p }) => p))};
export const ARTICLES = ${JSON.stringify(ARTICLES.map(({ id, page, category, tags, title }) => ({ id, page, category, tags, title })))};
`;
}

/** Every generated file, path relative to demo/public → content. */
export function pages() {
  const out = new Map();
  out.set('index.html', home());
  for (const c of CATEGORIES) out.set(`category/${c.id}.html`, categoryPage(c));
  for (const p of PRODUCTS) out.set(p.page.slice(1), productPage(p));
  for (const a of ARTICLES) out.set(a.page.slice(1), articlePage(a));
  out.set('cart.html', cartPage());
  out.set('checkout.html', checkoutPage());
  out.set('app.html', appPage());
  out.set('personas.html', personasPage());
  out.set('js/catalog.js', catalogModule());
  return out;
}

const check = process.argv.includes('--check');
const stale = [];
for (const [path, content] of pages()) {
  const file = join(PUBLIC, path);
  if (check) {
    let current = '';
    try {
      current = readFileSync(file, 'utf8');
    } catch {}
    if (current !== content) stale.push(path);
  } else {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
}
if (check && stale.length) {
  console.error(`demo pages out of date (run node demo/catalog/build.mjs): ${stale.join(', ')}`);
  process.exit(1);
}
if (!check) console.log(`wrote ${pages().size} files under demo/public`);
