// Scripted visitors for QA. Each one is replayed into a fresh profile by
// personas.js (`?o2o_persona=<id>` on any demo page), then the browser lands on
// `landing` the way that visitor would arrive. `device` says which viewport to
// use when you want the whole picture (DevTools device mode, or the browser tests).

/** @typedef {{ event: string, sku?: string, skus?: string[], term?: string }} Step */
/** @typedef {{ id: string, name: string, summary: string, device: 'mobile' | 'desktop' | 'tablet', landing: string, steps: Step[] }} Persona */

/** @type {Persona[]} */
export const PERSONAS = [
  {
    id: 'loyal-runner',
    name: 'Loyal runner on desktop',
    summary: 'Comes back every few weeks for running kit, bought twice already, arrives by typing the address.',
    device: 'desktop',
    landing: '/',
    steps: [
      { event: 'view_item', sku: 'sku-road-1' },
      { event: 'view_item', sku: 'sku-trail-1' },
      { event: 'add_to_cart', sku: 'sku-trail-1' },
      { event: 'purchase', skus: ['sku-trail-1'] },
      { event: 'view_item', sku: 'sku-run-jacket' },
      { event: 'view_item', sku: 'sku-run-watch' },
      { event: 'add_to_cart', sku: 'sku-run-jacket' },
      { event: 'purchase', skus: ['sku-run-jacket'] },
      { event: 'view_item', sku: 'sku-road-2' },
    ],
  },
  {
    id: 'bargain-hunter',
    name: 'Bargain hunter on mobile from a social ad',
    summary: 'Clicked an Instagram ad for the summer sale, browses cheap add-ons in every category, puts one in the cart.',
    device: 'mobile',
    landing: '/?utm_source=instagram&utm_medium=paid_social&utm_campaign=summer-sale',
    steps: [
      { event: 'view_item', sku: 'sku-run-socks' },
      { event: 'view_item', sku: 'sku-mug-1' },
      { event: 'view_item', sku: 'sku-gloves-1' },
      { event: 'view_item', sku: 'sku-map-1' },
      { event: 'view_item', sku: 'sku-lantern-1' },
      { event: 'view_item', sku: 'sku-pump-1' },
      { event: 'add_to_cart', sku: 'sku-bottle-1' },
    ],
  },
  {
    id: 'weekend-camper',
    name: 'Weekend camper planning a trip, from search',
    summary: 'Searched for tents, compares shelters and sleeping bags, read the wild-camping guide.',
    device: 'desktop',
    landing: '/?utm_source=google&utm_medium=organic',
    steps: [
      { event: 'search', term: 'lightweight tent' },
      { event: 'view_item', sku: 'sku-tent-1' },
      { event: 'view_item', sku: 'sku-tent-3' },
      { event: 'view_item', sku: 'sku-bag-1' },
      { event: 'view_item', sku: 'sku-mat-1' },
      { event: 'view_item', sku: 'guide-first-wild-camp' },
    ],
  },
  {
    id: 'bike-commuter',
    name: 'Bike commuter on a tablet, from the newsletter',
    summary: 'Opened the newsletter, looks at helmets, lights and a lock for the daily ride.',
    device: 'tablet',
    landing: '/?utm_source=newsletter&utm_medium=email&utm_campaign=commute',
    steps: [
      { event: 'view_item', sku: 'sku-helmet-1' },
      { event: 'view_item', sku: 'sku-lock-1' },
      { event: 'view_item', sku: 'sku-bag-3' },
      { event: 'add_to_cart', sku: 'sku-helmet-1' },
    ],
  },
  {
    id: 'first-visit',
    name: 'First-time visitor',
    summary: 'Never been here: no history at all, so every slot should keep its default.',
    device: 'desktop',
    landing: '/',
    steps: [],
  },
];
