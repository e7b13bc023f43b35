// The persona simulator: `?o2o_persona=<id>` on any demo page erases this
// browser's OneToOne profile, replays the persona's scripted visit into a
// fresh one through the public API, and lands where that visitor arrives.
import { ARTICLES } from './catalog.js';
import { PERSONAS } from './personas-data.js';

const BADGE_KEY = 'shop-persona';

/** Resolves with the running OneToOne client once the script tag has loaded it. */
export function client(timeoutMs = 10000) {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const poll = () => {
      if (window.OneToOne) resolve(window.OneToOne);
      else if (Date.now() - started > timeoutMs) reject(new Error('OneToOne did not load'));
      else setTimeout(poll, 20);
    };
    poll();
  });
}

const toItem = (p) => ({ id: p.id, category: p.category, brand: p.brand, price: p.price, tags: p.tags });

function stepItems(step, products) {
  const ids = step.skus ?? (step.sku ? [step.sku] : []);
  return ids.flatMap((id) => {
    const product = products.get(id);
    if (product) return [toItem(product)];
    const article = ARTICLES.find((a) => a.id === id);
    return article ? [{ id: article.id, category: article.category, tags: article.tags }] : [];
  });
}

/** Replays one persona into a fresh profile; resolves when every event is stored. */
export async function replay(persona, products) {
  const o2o = await client();
  await o2o.ready;
  await o2o.forget();
  for (const step of persona.steps) {
    const items = stepItems(step, products);
    const properties = step.term ? { term: step.term } : {};
    if (items.length) properties.items = items;
    if (step.event === 'purchase') properties.value = items.reduce((sum, i) => sum + (i.price ?? 0), 0);
    const stored = await o2o.track(step.event, properties);
    if (!stored) console.warn(`persona ${persona.id}: ${step.event} was not stored`);
  }
  await o2o.flush();
  await modelCached();
}

/**
 * `forget()` erases the cached model along with the profile, and the SDK pulls
 * it again in the background. Waiting for it (read-only, up to 3 s) makes the
 * landing page decide with the collector's model every time, not the built-in
 * one, so QA sees the same thing on every run. QA-tool shortcut: it reads the
 * SDK's default database directly.
 */
function modelCached(timeoutMs = 3000) {
  const started = Date.now();
  const read = () =>
    new Promise((resolve) => {
      const open = indexedDB.open('onetoone');
      open.onerror = () => resolve(false);
      open.onsuccess = () => {
        const db = open.result;
        if (!db.objectStoreNames.contains('kv')) return resolve(false), db.close();
        const get = db.transaction('kv', 'readonly').objectStore('kv').get('model');
        get.onsuccess = () => resolve(get.result !== undefined);
        get.onerror = () => resolve(false);
        get.transaction.oncomplete = () => db.close();
      };
    });
  return new Promise((resolve) => {
    const poll = async () => ((await read()) || Date.now() - started > timeoutMs ? resolve() : setTimeout(poll, 50));
    void poll();
  });
}

/** Runs the persona named by `?o2o_persona=`, if any, then navigates to its landing page. */
export async function runPersonaFromUrl(products) {
  const id = new URLSearchParams(location.search).get('o2o_persona');
  if (!id) return;
  const persona = PERSONAS.find((p) => p.id === id);
  if (!persona) {
    console.warn(`unknown persona "${id}"; known: ${PERSONAS.map((p) => p.id).join(', ')}`);
    return;
  }
  document.documentElement.classList.add('replaying');
  localStorage.removeItem('shop-cart');
  await replay(persona, products);
  sessionStorage.setItem(BADGE_KEY, persona.name);
  location.replace(persona.landing);
}

/** Shows which persona this browser is simulating, so screenshots and side-by-side windows say so. */
export function showPersonaBadge() {
  const name = sessionStorage.getItem(BADGE_KEY);
  const header = document.querySelector('header.site');
  if (!name || !header) return;
  const badge = document.createElement('span');
  badge.className = 'persona-badge';
  badge.textContent = `Persona: ${name}`;
  header.append(badge);
}
