/**
 * `GET /v1/report` (the uplift report as JSON, behind the admin token like
 * the other admin routes; `?days=N`, default 28) and the page that draws it,
 * `GET /report` with chart.js at `/report/chart.umd.min.js`. The page carries
 * no data, so it is served whenever the report route is.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpError } from '../http-error.js';
import type { DecisionLogStore } from '../store/decision-log-store.js';
import { readWindow } from '../learn/training-run.js';
import { REPORT_CSP, REPORT_CSS, REPORT_HTML, REPORT_SCRIPT } from './report-page.js';
import { upliftReport } from './uplift.js';

const DAY = 86_400_000;

/** Where chart.js's browser build is (a dev dependency of the collector). */
function chartFile(): string | undefined {
  try {
    // The package's exports map hides dist/ subpaths: find its main file, then the UMD build beside it.
    return join(dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.min.js');
  } catch {
    return undefined;
  }
}

/** Registers the report routes. */
export function registerReportRoutes(app: FastifyInstance, store: DecisionLogStore, authorize: (request: FastifyRequest) => void, now: () => number = Date.now): void {
  app.get('/v1/report', async (request) => {
    authorize(request);
    const asked = Number((request.query as Record<string, string | undefined>).days ?? 28);
    if (!Number.isSafeInteger(asked) || asked < 1 || asked > 365) throw new HttpError(400, 'days must be an integer from 1 to 365');
    const until = now();
    const since = until - asked * DAY;
    return upliftReport(await readWindow(store, since, until), since, until);
  });
  app.get('/report', async (_request, reply) => reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').header('content-security-policy', REPORT_CSP).send(REPORT_HTML));
  app.get('/report/report.js', async (_request, reply) => reply.type('text/javascript; charset=utf-8').header('cache-control', 'no-cache').send(REPORT_SCRIPT));
  app.get('/report/report.css', async (_request, reply) => reply.type('text/css; charset=utf-8').header('cache-control', 'no-cache').send(REPORT_CSS));
  const file = chartFile();
  app.get('/report/chart.umd.min.js', async (_request, reply) => {
    if (!file) throw new HttpError(404, 'chart.js is not installed');
    return reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=86400').send(await readFile(file));
  });
}
