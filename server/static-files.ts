/** Static files for the demo (the shop pages and `dist/`): GET only, no directory escape, CSP on HTML. */
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { HttpError } from './http-error.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** The demo's Content-Security-Policy: no inline script, no eval. */
export const DEMO_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/** Serves `roots` (URL prefix → directory) for every GET no other route answers. */
export function registerStaticFiles(app: FastifyInstance, roots: Record<string, string>): void {
  const prefixes = Object.keys(roots).sort((a, b) => b.length - a.length);
  app.get('/*', async (request, reply) => {
    const pathname = request.url.split('?')[0] as string;
    const prefix = prefixes.find((p) => pathname.startsWith(p));
    if (prefix === undefined) throw new HttpError(404, 'not found');
    const root = resolve(roots[prefix] as string);
    let relative: string;
    try {
      relative = decodeURIComponent(pathname.slice(prefix.length));
    } catch {
      throw new HttpError(400, 'bad path');
    }
    if (relative === '' || relative.endsWith('/')) relative += 'index.html';
    const file = normalize(join(root, relative));
    if (!file.startsWith(root + sep)) throw new HttpError(404, 'not found');
    const body = await readFile(file).catch(() => {
      throw new HttpError(404, 'not found');
    });
    const type = TYPES[extname(file)] ?? 'application/octet-stream';
    reply.header('content-type', type).header('cache-control', 'no-cache');
    if (type.startsWith('text/html')) reply.header('content-security-policy', DEMO_CSP);
    return reply.send(body);
  });
}
