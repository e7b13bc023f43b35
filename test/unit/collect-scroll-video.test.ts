/**
 * Scroll depth milestones and video progress, driven by the events the
 * browser would fire: scroll positions on a page of known height, and media
 * events on a `<video>` whose duration and time are set by the test.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SCROLL_MARKS, watchScroll } from '../../src/collect/scroll.js';
import { watchVideo } from '../../src/collect/video.js';
import { type Recorder, recorder } from './collect-helpers.js';

describe('scroll depth', () => {
  let r: Recorder;
  const PAGE = 4000;
  const VIEWPORT = 1000;
  beforeEach(() => {
    vi.useFakeTimers();
    Object.defineProperty(document.documentElement, 'scrollHeight', { configurable: true, get: () => PAGE });
    Object.defineProperty(window, 'innerHeight', { configurable: true, value: VIEWPORT });
    r = recorder();
    watchScroll(r.emit, r.on, r.onRoute, window);
  });
  afterEach(() => {
    r.dispose();
    vi.useRealTimers();
  });
  const scrollTo = (y: number) => {
    Object.defineProperty(window, 'scrollY', { configurable: true, value: y });
    window.dispatchEvent(new Event('scroll'));
    vi.advanceTimersByTime(100);
  };
  const marks = () => r.events.map((e) => e.props?.percent);

  // Page 4000 px, viewport 1000 px: seen = (scrollY + 1000 + 2) / 4000.
  const cases: Array<[string, number[], number[]]> = [
    ['the first screen is 25 %', [0], [25]],
    ['just short of 50 %', [997], [25]],
    ['50 % (with the 2 px tolerance)', [998], [25, 50]],
    ['a jump to the bottom reports every mark once, in order', [3000], SCROLL_MARKS],
    ['scrolling back up reports nothing new', [2000, 0, 2000], [25, 50, 75]],
    ['each mark once', [1000, 1000, 1000], [25, 50]],
  ];
  it.each(cases)('%s', (_label, positions, expected) => {
    positions.forEach(scrollTo);
    expect(marks()).toEqual(expected);
  });

  it('measures at most every 100 ms', () => {
    Object.defineProperty(window, 'scrollY', { configurable: true, value: 3000 });
    for (let i = 0; i < 20; i++) window.dispatchEvent(new Event('scroll'));
    expect(marks()).toEqual([]);
    vi.advanceTimersByTime(100);
    expect(marks()).toEqual(SCROLL_MARKS);
  });

  it('starts over on an SPA route', () => {
    scrollTo(3000);
    r.route();
    scrollTo(1000);
    expect(marks()).toEqual([...SCROLL_MARKS, 25, 50]);
  });

  it('reports nothing for a page without height', () => {
    Object.defineProperty(document.documentElement, 'scrollHeight', { configurable: true, get: () => 0 });
    scrollTo(0);
    expect(marks()).toEqual([]);
  });
});

describe('video', () => {
  let r: Recorder;
  let video: HTMLVideoElement;
  beforeEach(() => {
    document.body.innerHTML = '<video data-o2o-video="tent-setup"></video><audio></audio>';
    video = document.querySelector('video') as HTMLVideoElement;
    r = recorder();
    watchVideo(r.emit, r.on, document);
  });
  afterEach(() => r.dispose());

  /** Sets the playback state and fires a media event (media events do not bubble). */
  const media = (target: HTMLMediaElement, type: string, currentTime = 0, duration = 60) => {
    Object.defineProperty(target, 'duration', { configurable: true, value: duration });
    Object.defineProperty(target, 'currentTime', { configurable: true, value: currentTime });
    target.dispatchEvent(new Event(type));
  };
  const names = () => r.events.map((e) => (e.props?.percent ? `${e.name} ${e.props.percent}` : e.name));

  // Steps: [event, currentTime] on a 60 s video.
  const cases: Array<[string, Array<[string, number]>, string[]]> = [
    ['play starts', [['play', 0]], ['video_start']],
    ['progress marks as time passes', [['play', 0], ['timeupdate', 16], ['timeupdate', 31], ['timeupdate', 46]], ['video_start', 'video_progress 25', 'video_progress 50', 'video_progress 75']],
    ['a seek far ahead reports every mark passed', [['play', 0], ['timeupdate', 50]], ['video_start', 'video_progress 25', 'video_progress 50', 'video_progress 75']],
    ['ended completes', [['play', 0], ['timeupdate', 59], ['ended', 60]], ['video_start', 'video_progress 25', 'video_progress 50', 'video_progress 75', 'video_complete']],
    ['replays and seeks back report nothing new', [['play', 0], ['timeupdate', 20], ['pause', 20], ['timeupdate', 5], ['play', 5], ['timeupdate', 20]], ['video_start', 'video_progress 25']],
    ['nothing after completion', [['play', 0], ['ended', 60], ['play', 0], ['timeupdate', 40], ['ended', 60]], ['video_start', 'video_complete']],
    ['time updates before play are ignored', [['timeupdate', 40], ['ended', 60]], []],
    ['just below a mark', [['play', 0], ['timeupdate', 14.9]], ['video_start']],
  ];
  it.each(cases)('%s', (_label, steps, expected) => {
    for (const [type, time] of steps) media(video, type, time);
    expect(names()).toEqual(expected);
  });

  it('labels videos by data-o2o-video, title, or source host and path', () => {
    document.body.innerHTML = '<video data-o2o-video="a" title="t"></video><video title="Setup guide"></video><video></video><video></video>';
    const [byData, byTitle, bySource, blob] = Array.from(document.querySelectorAll('video'));
    Object.defineProperty(bySource, 'currentSrc', { value: 'https://cdn.example/v/tent.webm?sig=SECRET' });
    Object.defineProperty(blob, 'currentSrc', { value: 'blob:http://localhost:3000/1234' });
    for (const v of [byData, byTitle, bySource, blob]) media(v as HTMLVideoElement, 'play');
    expect(r.events.map((e) => e.props?.video)).toEqual(['a', 'Setup guide', 'cdn.example/v/tent.webm', undefined]);
  });

  it('ignores other media elements and live streams without a duration', () => {
    media(document.querySelector('audio') as HTMLAudioElement, 'play');
    media(video, 'play', 0, Infinity);
    media(video, 'timeupdate', 3000, Infinity);
    media(video, 'timeupdate', 10, NaN);
    expect(names()).toEqual(['video_start']);
  });

  it('counts a video already playing when watching starts (autoplay before the async script ran) as started, once', () => {
    r.dispose();
    document.body.innerHTML = '<video data-o2o-video="hero-loop" autoplay muted></video><video data-o2o-video="idle"></video>';
    const [playing] = Array.from(document.querySelectorAll('video'));
    Object.defineProperty(playing, 'paused', { configurable: true, value: false });
    r = recorder();
    watchVideo(r.emit, r.on, document);
    media(playing as HTMLVideoElement, 'timeupdate', 16);
    media(playing as HTMLVideoElement, 'play', 16);
    expect(r.events.map((e) => `${e.name} ${e.props?.video}${e.props?.percent ? ' ' + e.props.percent : ''}`)).toEqual(['video_start hero-loop', 'video_progress hero-loop 25']);
  });

  it('tracks each video on its own', () => {
    document.body.insertAdjacentHTML('beforeend', '<video data-o2o-video="second"></video>');
    const second = document.querySelectorAll('video')[1] as HTMLVideoElement;
    media(video, 'play');
    media(second, 'play');
    media(second, 'timeupdate', 31);
    expect(r.events.map((e) => `${e.name} ${e.props?.video}`)).toEqual(['video_start tent-setup', 'video_start second', 'video_progress second', 'video_progress second']);
  });
});
