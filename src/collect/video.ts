/**
 * Video: `video_start`, `video_progress` at 25/50/75 % and `video_complete`
 * for `<video>` elements, once each per element and page. Media events do not
 * bubble, so they are heard in the capture phase.
 */
import { type Emit, type Listen, urlPath } from './types.js';

/** Progress milestones, percent of the duration. */
export const VIDEO_MARKS = [25, 50, 75];

/** Watches every `<video>` in `doc`. */
export function watchVideo(emit: Emit, on: Listen, doc: Document): void {
  // Highest milestone reported per element: 0 once started, 100 once complete.
  const reached = new WeakMap<EventTarget, number>();
  const reach = (video: HTMLVideoElement, percent: number): void => {
    reached.set(video, percent);
    // Labelled by `data-o2o-video`, its title, or the host and path of its source.
    const props: Record<string, unknown> = { video: video.getAttribute('data-o2o-video') || video.title || urlPath(video.currentSrc) };
    // 0 is the start and 100 the end; only the marks between are progress.
    if (percent % 100) props.percent = percent;
    emit({ name: percent % 100 ? 'video_progress' : percent ? 'video_complete' : 'video_start', props });
  };
  const handle = ({ type, target }: Event): void => {
    const video = target as HTMLVideoElement;
    // undefined until the video started, so neither test below holds before.
    let mark = reached.get(video) as number;
    if (video.tagName !== 'VIDEO') return;
    if (type === 'play') {
      if (mark === undefined) reach(video, 0);
    } else if (mark < 100) {
      if (type === 'ended') return reach(video, 100);
      const percent = (video.currentTime / video.duration) * 100;
      for (const m of VIDEO_MARKS) if (m > mark && percent >= m) reach(video, (mark = m));
    }
  };
  for (const type of ['play', 'timeupdate', 'ended']) on(doc, type, handle);
  // A video that autoplayed before the SDK was listening has started all the same.
  doc.querySelectorAll('video').forEach((video) => !video.paused && reach(video, 0));
}
