/**
 * Video signals in Chromium: a real <video> playing a WebM recorded in the
 * page (canvas captureStream + MediaRecorder, no download) reports
 * video_start, video_progress 25/50/75 and video_complete, once each.
 * The page gets its own CSP (media-src blob:), served through a route.
 */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { describeBrowser, readIndexedDb, useBrowserAndServer, waitFor, watchErrors } from './harness.js';

const VIDEO_CSP = "default-src 'self'; script-src 'self'; media-src 'self' blob:; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'";

describeBrowser('video in Chromium', () => {
  const env = useBrowserAndServer();

  it('records start, 25/50/75 % progress and completion of a played video, once each', async () => {
    const context = await env.browser.newContext();
    const page = await context.newPage();
    const errors = watchErrors(page);
    const url = env.server.url + '/test-pages/collect-video.html';
    await page.route(url, (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', headers: { 'content-security-policy': VIDEO_CSP }, body: readFileSync('test/pages/collect-video.html', 'utf8') }));
    await page.goto(url);
    const duration = await page.evaluate(() => (window as unknown as { clipReady: Promise<number> }).clipReady);
    expect(duration).toBeGreaterThan(1);
    await page.evaluate(() => (window as unknown as { OneToOne: { ready: Promise<void> } }).OneToOne.ready);
    await page.evaluate(() => {
      const video = document.getElementById('clip') as HTMLVideoElement;
      video.playbackRate = 2;
      return video.play();
    });
    await page.waitForFunction(() => (document.getElementById('clip') as HTMLVideoElement).ended, undefined, { timeout: 15_000 });
    // Replaying the same video reports nothing new.
    await page.evaluate(() => (document.getElementById('clip') as HTMLVideoElement).play());
    await page.waitForFunction(() => (document.getElementById('clip') as HTMLVideoElement).ended, undefined, { timeout: 15_000 });
    const stored = await waitFor(async () => {
      const all = (await readIndexedDb(page, 'video')).filter(([key]) => Array.isArray(key) && key[0] === 'e').flatMap(([, value]) => value as Array<{ name: string; props: Record<string, unknown> }>);
      const videos = all.filter((e) => e.name.startsWith('video_'));
      return videos.some((e) => e.name === 'video_complete') ? videos : undefined;
    }, 10_000, 'video_complete');
    await page.waitForTimeout(300);
    expect(stored.map((e) => [e.name, e.props.percent ?? null, e.props.video])).toEqual([
      ['video_start', null, 'tent-setup'],
      ['video_progress', 25, 'tent-setup'],
      ['video_progress', 50, 'tent-setup'],
      ['video_progress', 75, 'tent-setup'],
      ['video_complete', null, 'tent-setup'],
    ]);
    const counts = await page.evaluate(() => {
      const view = (window as unknown as { OneToOne: { profile(): { number(k: string): number | undefined } } }).OneToOne.profile();
      return ['video_start', 'video_progress', 'video_complete'].map((n) => view.number('n.' + n));
    });
    expect(counts).toEqual([1, 3, 1]);
    expect(errors).toEqual([]);
    await context.close();
  });
});
