/**
 * Video: `video_start`, `video_progress` at 25/50/75 % and `video_complete`
 * for `<video>` elements, once each per element and page. Media events do not
 * bubble, so they are heard in the capture phase.
 */
import { type Collector, urlPath } from './types.js';

/** Progress milestones, percent of the duration. */
export const VIDEO_MARKS = [25, 50, 75];

/** A label for a video: `data-o2o-video`, its title, or the host and path of its source. */
export function videoLabel(video: HTMLVideoElement): string | undefined {
  return video.getAttribute('data-o2o-video') || video.title || urlPath(video.currentSrc, video.ownerDocument.baseURI);
}

/** Watches every `<video>` in `doc`. */
export function watchVideo(c: Collector, doc: Document): void {
  // Highest milestone reported per element; 0 once started, 100 once complete.
  const reached = new WeakMap<EventTarget, number>();
  const emit = (video: HTMLVideoElement, name: string, percent?: number): void => {
    const props: Record<string, unknown> = { video: videoLabel(video) };
    if (percent) props.percent = percent;
    c.emit({ name: 'video_' + name, props });
  };
  const handle = (event: Event): void => {
    const video = event.target as HTMLVideoElement;
    if (video.tagName !== 'VIDEO') return;
    const mark = reached.get(video);
    if (event.type === 'play') {
      if (mark === undefined) reached.set(video, 0), emit(video, 'start');
    } else if (mark !== undefined && mark < 100) {
      if (event.type === 'ended') return reached.set(video, 100), emit(video, 'complete');
      const percent = (video.currentTime / video.duration) * 100;
      for (const m of VIDEO_MARKS) if (m > (reached.get(video) as number) && percent >= m) reached.set(video, m), emit(video, 'progress', m);
    }
  };
  for (const type of ['play', 'timeupdate', 'ended']) c.on(doc, type, handle);
  // A video that autoplayed before the SDK was listening has started all the same.
  doc.querySelectorAll('video').forEach((video) => !video.paused && handle({ type: 'play', target: video } as unknown as Event));
}
