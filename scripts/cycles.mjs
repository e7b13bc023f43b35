#!/usr/bin/env node
/**
 * Fails when the import graph of src/ has a cycle. Type-only imports count
 * too: a cycle of types still ties the files' meanings together, and the
 * two stages must be readable one without the other.
 *
 * Usage: node scripts/cycles.mjs [dir]   (default: src)
 */
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(process.argv[2] ?? 'src');

/** Every .ts/.tsx file under `dir`. */
function sourceFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

const IMPORT = /(?:^|[\s;])(?:import|export)\s+(?:type\s+)?(?:[^'"`;]*?\s+from\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

/** The src/ files `file` imports (relative specifiers only; `.js` maps to `.ts`/`.tsx`). */
function importsOf(file) {
  const text = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const found = new Set();
  for (const match of text.matchAll(IMPORT)) {
    const spec = match[1] ?? match[2];
    if (!spec.startsWith('.')) continue;
    const base = resolve(dirname(file), spec).replace(/\.js$/, '');
    const target = [`${base}.ts`, `${base}.tsx`, join(base, 'index.ts')].find((p) => existsSync(p));
    if (target) found.add(target);
  }
  return [...found];
}

const graph = new Map(sourceFiles(root).map((file) => [file, importsOf(file)]));

// Tarjan's strongly connected components: every component of more than one
// file (or a file importing itself) is a cycle.
let index = 0;
const indexOf = new Map();
const low = new Map();
const stack = [];
const onStack = new Set();
const cycles = [];

function visit(node) {
  indexOf.set(node, index);
  low.set(node, index);
  index += 1;
  stack.push(node);
  onStack.add(node);
  for (const next of graph.get(node) ?? []) {
    if (!indexOf.has(next)) {
      visit(next);
      low.set(node, Math.min(low.get(node), low.get(next)));
    } else if (onStack.has(next)) {
      low.set(node, Math.min(low.get(node), indexOf.get(next)));
    }
  }
  if (low.get(node) === indexOf.get(node)) {
    const component = [];
    let member;
    do {
      member = stack.pop();
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || (graph.get(node) ?? []).includes(node)) cycles.push(component);
  }
}

for (const node of graph.keys()) if (!indexOf.has(node)) visit(node);

if (cycles.length === 0) {
  console.log(`cycles: none in ${graph.size} files under ${relative(process.cwd(), root) || '.'}`);
} else {
  for (const component of cycles) {
    console.error(`cycle: ${component.map((f) => relative(process.cwd(), f)).sort().join(' ↔ ')}`);
  }
  console.error(`cycles: ${cycles.length} import cycle(s) in src/`);
  process.exit(1);
}
