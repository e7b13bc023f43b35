/**
 * An X display for WebKitGTK when none is set: the suite starts its own
 * `Xvfb :N` on a free display number and stops it in teardown, so `npm test`
 * works as is (no xvfb-run wrapper).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { poll } from './page-call.js';

/** Path of Xvfb. */
export const XVFB_PATH = '/usr/bin/Xvfb';

/** A display to hand to X clients; `stop` ends the Xvfb this module started (none when DISPLAY was set). */
export interface XDisplay {
  readonly display: string;
  stop(): Promise<void>;
}

const socket = (n: number): string => `/tmp/.X11-unix/X${n}`;
// X servers also lock their number with this file; a stale one means the number is taken.
const lock = (n: number): string => `/tmp/.X${n}-lock`;

/** The current DISPLAY, or a new Xvfb on the first free number from 90 on. */
export async function ensureDisplay(): Promise<XDisplay> {
  if (process.env.DISPLAY) return { display: process.env.DISPLAY, stop: async () => undefined };
  for (let n = 90 + (process.pid % 50); n < 400; n++) {
    if (existsSync(socket(n)) || existsSync(lock(n))) continue;
    const child = spawn(XVFB_PATH, [`:${n}`, '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'], { stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const ready = await Promise.race([poll(`Xvfb :${n} socket`, 10_000, async () => existsSync(socket(n))).then(() => true), exited.then(() => false)]);
    if (!ready) continue; // lost a race for this number to another process: try the next one
    return { display: `:${n}`, stop: () => stopChild(child, exited) };
  }
  throw new Error('no free X display number for Xvfb');
}

async function stopChild(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  await exited;
}
