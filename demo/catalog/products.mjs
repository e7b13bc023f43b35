// The demo shop's catalog, written by hand: a few dozen products across four
// categories, six brands and every price band the profile knows
// (p0 < 25 €, p1 < 100 €, p2 < 300 €, p3 ≥ 300 €). `build.mjs` turns it into pages.

/** Categories with the copy their pages use. */
export const CATEGORIES = [
  { id: 'running', name: 'Running', blurb: 'Shoes, layers and fuel for road and trail.' },
  { id: 'camping', name: 'Camping', blurb: 'Tents, sleeping bags and camp kitchens.' },
  { id: 'hiking', name: 'Hiking', blurb: 'Boots, packs and poles for long days out.' },
  { id: 'cycling', name: 'Cycling', blurb: 'Helmets, lights and kit for the commute and the climb.' },
];

/** Brands: two premium, two mid-range, one budget house brand, one specialist. */
export const BRANDS = { stride: 'Stride', summit: 'Summit', trailhead: 'Trailhead', ridgeline: 'Ridgeline', basecamp: 'Basecamp', velo: 'Velo' };

// [id, name, category, brand, price, tags, description]
const ROWS = [
  ['sku-trail-1', 'Trail runner', 'running', 'stride', 129, 'trail,shoes', 'Grippy, light, waterproof.'],
  ['sku-road-1', 'Road racer', 'running', 'stride', 159, 'road,shoes', 'A carbon-plated shoe for race day.'],
  ['sku-road-2', 'Daily trainer', 'running', 'ridgeline', 99, 'road,shoes', 'Soft, durable, for every easy mile.'],
  ['sku-run-jacket', 'Storm running jacket', 'running', 'stride', 189, 'trail,apparel,waterproof', 'Taped seams, 140 g, packs into its pocket.'],
  ['sku-run-vest', 'Hydration vest 8 l', 'running', 'trailhead', 89, 'trail,hydration', 'Two soft flasks, room for a jacket.'],
  ['sku-run-socks', 'Merino running socks', 'running', 'basecamp', 14, 'apparel,merino', 'Thin, blister-free, machine washable.'],
  ['sku-run-gel', 'Energy gels, 12 pack', 'running', 'basecamp', 18, 'nutrition', 'Citrus, 25 g carbs each.'],
  ['sku-run-watch', 'GPS running watch', 'running', 'ridgeline', 329, 'electronics,gps', 'Maps, heart rate, 40-hour battery.'],
  ['sku-run-tee', 'Breathable tee', 'running', 'basecamp', 22, 'apparel', 'Recycled polyester, flat seams.'],
  ['sku-tent-1', 'Ridge tent', 'camping', 'summit', 349, 'tent,2-person', 'Two people, three seasons, 2.1 kg.'],
  ['sku-tent-2', 'Family dome tent', 'camping', 'trailhead', 279, 'tent,4-person', 'Stand-up height, two rooms.'],
  ['sku-tent-3', 'Ultralight shelter', 'camping', 'summit', 459, 'tent,1-person,ultralight', '890 g with trekking-pole pitch.'],
  ['sku-bag-1', 'Down sleeping bag −5 °C', 'camping', 'summit', 299, 'sleeping-bag,down', '800-fill down, 950 g.'],
  ['sku-bag-2', 'Synthetic sleeping bag', 'camping', 'basecamp', 69, 'sleeping-bag', 'Warm when damp, packs small.'],
  ['sku-mat-1', 'Insulated sleeping mat', 'camping', 'ridgeline', 119, 'sleeping-mat', 'R-value 4.2, quiet fabric.'],
  ['sku-stove-1', 'Compact gas stove', 'camping', 'trailhead', 49, 'kitchen,stove', 'Boils a litre in three minutes.'],
  ['sku-mug-1', 'Titanium mug', 'camping', 'basecamp', 19, 'kitchen,ultralight', '450 ml, 60 g, folding handles.'],
  ['sku-lantern-1', 'Camp lantern', 'camping', 'basecamp', 24, 'light', 'USB-C, 300 lumen, warm glow.'],
  ['sku-boot-1', 'Leather hiking boot', 'hiking', 'ridgeline', 219, 'boots,waterproof', 'Resoleable, Vibram outsole.'],
  ['sku-boot-2', 'Light hiking shoe', 'hiking', 'trailhead', 129, 'boots', 'Trail-runner comfort, hiking grip.'],
  ['sku-pack-1', 'Day pack 24 l', 'hiking', 'trailhead', 79, 'pack', 'Ventilated back, rain cover.'],
  ['sku-pack-2', 'Trekking pack 55 l', 'hiking', 'summit', 239, 'pack,multi-day', 'Adjustable back length, 1.6 kg.'],
  ['sku-poles-1', 'Carbon trekking poles', 'hiking', 'summit', 139, 'poles,ultralight', 'Folding, 390 g the pair.'],
  ['sku-map-1', 'Map case', 'hiking', 'basecamp', 12, 'navigation', 'Clear, waterproof, A4.'],
  ['sku-bottle-1', 'Insulated bottle', 'hiking', 'basecamp', 21, 'hydration', 'Cold 24 h, hot 12 h.'],
  ['sku-headlamp-1', 'Headlamp 400', 'hiking', 'ridgeline', 39, 'light', 'Red mode, lock, rechargeable.'],
  ['sku-shell-1', 'Hardshell jacket', 'hiking', 'summit', 389, 'apparel,waterproof', 'Three-layer membrane, helmet hood.'],
  ['sku-helmet-1', 'Commuter helmet', 'cycling', 'velo', 89, 'helmet,commute', 'MIPS, rear light built in.'],
  ['sku-helmet-2', 'Aero road helmet', 'cycling', 'velo', 249, 'helmet,road', 'Wind-tunnel shaped, 260 g.'],
  ['sku-light-1', 'Bike light set', 'cycling', 'basecamp', 24, 'light,commute', 'Front and rear, USB-C.'],
  ['sku-lock-1', 'Folding lock', 'cycling', 'velo', 79, 'commute,security', 'Level 10 security, frame mount.'],
  ['sku-jersey-1', 'Merino jersey', 'cycling', 'stride', 119, 'apparel,merino', 'Three pockets, reflective tab.'],
  ['sku-gloves-1', 'Summer gloves', 'cycling', 'basecamp', 16, 'apparel', 'Padded palm, towel thumb.'],
  ['sku-bike-1', 'Gravel bike', 'cycling', 'velo', 1890, 'bike,gravel', 'Aluminium frame, 40 mm tyres, 1×11.'],
  ['sku-pump-1', 'Mini pump', 'cycling', 'basecamp', 19, 'tools', 'Presta and Schrader, 120 psi.'],
  ['sku-bag-3', 'Pannier 20 l', 'cycling', 'trailhead', 69, 'commute,waterproof', 'Roll top, quick-release hooks.'],
];

/** One product. `page` is its URL path. */
export const PRODUCTS = ROWS.map(([id, name, category, brand, price, tags, description]) => ({
  id, name, category, brand, price, tags: tags.split(','), description,
  // The two products the thin-loop test has always used keep their old URLs.
  page: id === 'sku-trail-1' ? '/running-shoe.html' : id === 'sku-tent-1' ? '/tent.html' : `/product/${id}.html`,
}));

/** Editorial pages: an article is an item too, so reading it feeds the same affinities. */
export const ARTICLES = [
  {
    id: 'guide-first-trail-race', page: '/article.html', category: 'running', tags: ['guide', 'trail'],
    title: 'Your first trail race: a six-week plan',
    paragraphs: [
      'Trail races reward patience. Start with two easy runs a week on soft ground and one longer outing where walking the climbs is part of the plan.',
      'From week three, add hills: six to eight climbs of a minute, jogging back down. Practise eating on the move with the gels you will race with.',
      'In the last week, cut the distance in half, keep a little speed, and check your shoes have the grip the course needs.',
    ],
    products: ['sku-trail-1', 'sku-run-vest', 'sku-run-gel'],
  },
  {
    id: 'guide-first-wild-camp', page: '/article-camping.html', category: 'camping', tags: ['guide', 'tent'],
    title: 'Wild camping for beginners',
    paragraphs: [
      'Pick a spot above the valley floor where cold air pools, away from paths, and arrive late and leave early.',
      'A warm night is mostly about what is under you: a mat with an R-value of 3 or more matters more than a heavier bag.',
      'Pack out everything you carried in, and keep your stove on stable ground away from the tent door.',
    ],
    products: ['sku-tent-1', 'sku-mat-1', 'sku-stove-1'],
  },
];
