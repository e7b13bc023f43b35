/**
 * Admin endpoints of learning (behind the admin token, as the other admin
 * routes): `POST /v1/admin/train` runs a training now, `POST
 * /v1/admin/rollback` makes the previous version live again, `GET
 * /v1/admin/models` lists versions and promotions. Also the scheduled
 * training (`O2O_TRAIN_INTERVAL_S`, off by default).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpError } from '../http-error.js';
import type { LearningStore } from './learning-store.js';
import { rollback } from './registry.js';
import { DEFAULT_TRAINING_RUN, type TrainingRunOptions, type TrainingRunResult, runTraining } from './training-run.js';

/** Learning settings of the service. */
export interface LearningOptions {
  /** Training run settings (model file, window, caps…). */
  run?: Partial<TrainingRunOptions>;
  /** Train every this many ms inside the service; off when absent or 0. */
  intervalMs?: number;
  /** Clock (tests and the simulator move it). */
  now?: () => number;
}

/** Runs trainings one at a time per process: a second request while one runs gets its result. */
export class Trainer {
  private running: Promise<TrainingRunResult> | undefined;

  constructor(private readonly store: LearningStore, private readonly options: TrainingRunOptions, private readonly now: () => number) {}

  /** Trains now (or joins the run in progress). */
  run(): Promise<TrainingRunResult> {
    this.running ??= runTraining(this.store, this.options, this.now()).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** Resolves when no run is in progress (its failure is the caller's to log, not this wait's). */
  async idle(): Promise<void> {
    await this.running?.catch(() => undefined);
  }
}

/** Registers the learning admin routes and the schedule. `authorize` throws for requests without the admin token. */
export function registerLearnRoutes(app: FastifyInstance, store: LearningStore, authorize: (request: FastifyRequest) => void, options: LearningOptions, modelFile: string | undefined): Trainer {
  const now = options.now ?? Date.now;
  const trainer = new Trainer(store, { ...DEFAULT_TRAINING_RUN, ...(modelFile ? { modelFile } : {}), ...options.run }, now);
  app.post('/v1/admin/train', async (request) => {
    authorize(request);
    const result = await trainer.run();
    return { ok: true, ...result };
  });
  app.post('/v1/admin/rollback', async (request) => {
    authorize(request);
    const done = await rollback(store, now());
    if (!done) throw new HttpError(409, 'no earlier version to roll back to');
    return { ok: true, ...done };
  });
  app.get('/v1/admin/models', async (request) => {
    authorize(request);
    const [versions, promotions, live] = await Promise.all([store.modelVersions(50), store.promotions(50), store.liveModel()]);
    return { live: live?.version ?? null, versions, promotions };
  });
  if (options.intervalMs && options.intervalMs > 0) {
    const timer = setInterval(() => {
      trainer.run().then(
        (result) => app.log.info({ version: result.version, promoted: result.promoted, reason: result.reason, ms: result.ms }, 'scheduled training'),
        (error: unknown) => app.log.error({ err: error }, 'scheduled training failed'),
      );
    }, options.intervalMs);
    timer.unref();
    // A closing service stops the schedule and lets a run in progress finish before the store closes.
    app.addHook('onClose', async () => {
      clearInterval(timer);
      await trainer.idle();
    });
  }
  return trainer;
}
