// The page the critical-path benches load: one hero slot with two tagged
// variants and a running product, under the documented head rule.
import { readFileSync } from 'node:fs';

/** The hero slot (default, `running`, `camping`) and a running shoe for the visitor to view. */
export const SLOT = `<div data-o2o-slot="hero" style="min-height:120px"><h1>Default</h1>
<template data-o2o-variant="running" data-o2o-tags="running"><h1>Running</h1></template>
<template data-o2o-variant="camping" data-o2o-tags="camping"><h1>Camping</h1></template></div>
<article data-o2o-item="sku-1" data-o2o-category="running" data-o2o-price="129" data-o2o-main>Trail runner</article>`;

/** The head rule as shipped (src/render/anti-flicker.css), for an inline `<style>`. */
export const HEAD_RULE = readFileSync('src/render/anti-flicker.css', 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
