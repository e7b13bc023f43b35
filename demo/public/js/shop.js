// The demo shop's own code, the kind every shop already has: a cart in
// localStorage, GA4-style dataLayer pushes, a checkout form and a small
// single-page-app view. It talks to OneToOne only through the documented
// documented `o2o(...)` queue and the GA4 dataLayer it already feeds.
import { PRODUCTS } from './catalog.js';
import { runPersonaFromUrl, showPersonaBadge } from './personas.js';

const BY_ID = new Map(PRODUCTS.map((p) => [p.id, p]));
const CART_KEY = 'shop-cart';

// The documented pre-load stub: calls made before the SDK arrives are queued.
window.o2o = window.o2o || function () { (window.o2o.q = window.o2o.q || []).push(arguments); };
window.dataLayer = window.dataLayer || [];

/** GA4 ecommerce item shape. */
const ga4Item = (p, quantity = 1) => ({ item_id: p.id, item_name: p.name, item_brand: p.brand, item_category: p.category, price: p.price, quantity });
/**
 * Reports a commerce event the way the shop always has: a GA4 dataLayer push.
 * OneToOne ingests these pushes itself, so the shop needs no second call.
 */
function emit(event, products, value) {
  const total = value ?? products.reduce((sum, [p, q]) => sum + p.price * q, 0);
  window.dataLayer.push({ event, ecommerce: { currency: 'EUR', value: total, items: products.map(([p, q]) => ga4Item(p, q)) } });
}

function readCart() {
  try {
    const cart = JSON.parse(localStorage.getItem(CART_KEY) ?? '{}');
    return cart && typeof cart === 'object' ? cart : {};
  } catch {
    return {};
  }
}

function writeCart(cart) {
  localStorage.setItem(CART_KEY, JSON.stringify(cart));
  renderCartCount();
}

const cartLines = () => Object.entries(readCart()).flatMap(([id, q]) => (BY_ID.has(id) ? [[BY_ID.get(id), Number(q) || 1]] : []));
const cartTotal = () => cartLines().reduce((sum, [p, q]) => sum + p.price * q, 0);
const euro = (n) => `${n.toLocaleString('en-US')} €`;

function renderCartCount() {
  const count = cartLines().reduce((n, [, q]) => n + q, 0);
  document.querySelectorAll('[data-cart-count]').forEach((el) => (el.textContent = String(count)));
  document.querySelectorAll('[data-cart-total]').forEach((el) => (el.textContent = euro(cartTotal())));
}

function addToCart(id, button) {
  const product = BY_ID.get(id);
  if (!product) return;
  const cart = readCart();
  cart[id] = (cart[id] ?? 0) + 1;
  writeCart(cart);
  emit('add_to_cart', [[product, 1]]);
  if (button) {
    button.textContent = 'Added ✓';
    button.classList.add('added');
  }
}

function removeFromCart(id) {
  const product = BY_ID.get(id);
  const cart = readCart();
  if (!product || !cart[id]) return;
  const quantity = cart[id];
  delete cart[id];
  writeCart(cart);
  emit('remove_from_cart', [[product, quantity]]);
  renderCartPage();
}

function renderCartPage() {
  const host = document.getElementById('cart-lines');
  if (!host) return;
  const lines = cartLines();
  host.replaceChildren();
  if (!lines.length) {
    const empty = document.createElement('p');
    empty.textContent = 'Your cart is empty.';
    host.append(empty);
  }
  for (const [p, q] of lines) {
    const row = document.createElement('div');
    row.className = 'cart-line';
    const name = document.createElement('a');
    name.href = p.page;
    name.textContent = `${p.name} × ${q}`;
    const price = document.createElement('span');
    price.textContent = euro(p.price * q);
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.textContent = 'Remove';
    remove.dataset.remove = p.id;
    row.append(name, price, remove);
    host.append(row);
  }
  renderCartCount();
}

function setUpCheckout() {
  const form = document.getElementById('checkout');
  if (!form) return;
  const lines = cartLines();
  if (lines.length) emit('begin_checkout', lines);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const paid = cartLines();
    if (paid.length) emit('purchase', paid, cartTotal());
    writeCart({});
    form.hidden = true;
    document.getElementById('thanks').hidden = false;
  });
}

/** Category pages report the list they show; product views come from the page's `data-o2o-main` markup. */
function pageDataLayer() {
  const list = document.querySelector('[data-list]');
  if (!list) return;
  const items = Array.from(list.querySelectorAll('[data-o2o-item]'), (el) => BY_ID.get(el.getAttribute('data-o2o-item'))).filter(Boolean);
  window.dataLayer.push({ event: 'view_item_list', ecommerce: { item_list_id: list.dataset.list, items: items.map((p) => ga4Item(p)) } });
}

document.addEventListener('click', (event) => {
  const target = event.target instanceof Element ? event.target : null;
  const add = target?.closest('[data-add]');
  if (add) addToCart(add.getAttribute('data-add'), add);
  const remove = target?.closest('[data-remove]');
  if (remove) removeFromCart(remove.getAttribute('data-remove'));
});

renderCartCount();
renderCartPage();
setUpCheckout();
pageDataLayer();
showPersonaBadge();
if (document.getElementById('app-view')) import('./app.js').then((app) => app.start());
void runPersonaFromUrl(BY_ID);
