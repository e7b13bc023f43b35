/**
 * The offer dialog, in its own lazily loaded file. Rendered by Preact into a
 * shadow root, so the host page's CSS cannot reach it and ours cannot leak.
 * Content is data: every string is a JSX text child, URLs pass
 * {@link safeUrl}, nothing is parsed as HTML. Accessible: `role="dialog"`,
 * `aria-modal`, labelled by its title, focus moved in, trapped and returned,
 * Escape and the backdrop close it; motion only without reduced-motion.
 */
import { render } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import type { OfferContent } from '../core/offer.js';
import type { DialogEvents } from './dialog-loader.js';
import { safeUrl } from './safe-url.js';

const CSS = `.b{position:fixed;inset:0;background:#0008;display:flex;align-items:center;justify-content:center;z-index:2147483647;font:16px/1.5 system-ui,sans-serif}
.d{position:relative;background:#fff;color:#1d2330;border-radius:12px;padding:24px;max-width:min(420px,90vw);box-shadow:0 8px 32px #0004;animation:i .2s ease-out}
h2{margin:0 32px 8px 0;font-size:20px}img{max-width:100%}.c{font:600 18px monospace;letter-spacing:2px}
a,button{font:inherit;cursor:pointer}a{display:inline-block;background:#1d4ed8;color:#fff;padding:8px 16px;border-radius:8px;text-decoration:none}
.x{position:absolute;top:8px;right:8px;border:0;background:none;font-size:24px;line-height:1;padding:4px 8px}
@keyframes i{from{opacity:0;transform:translateY(8px)}}@media (prefers-reduced-motion:reduce){.d{animation:none}}`;

interface OfferProps {
  content: OfferContent;
  close(): void;
  click(): Promise<unknown> | void;
}

/** Longest a followed offer link waits for its click to be stored before navigating, ms. */
const CLICK_WAIT_MS = 300;

/**
 * Follows an offer link after its click is stored: leaving the page at once
 * can abort the IndexedDB write, and the click is what the model learns from.
 * Modified clicks (new tab, download) keep the browser's own behaviour.
 */
function followAfterRecord(e: MouseEvent, href: string, click: () => Promise<unknown> | void): void {
  const recorded = click();
  if (e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey || !recorded) return;
  e.preventDefault();
  void Promise.race([recorded.catch(() => undefined), new Promise((r) => setTimeout(r, CLICK_WAIT_MS))]).then(() => location.assign(href));
}

function focusables(root: HTMLElement): HTMLElement[] {
  return Array.from(root.querySelectorAll<HTMLElement>('a[href],button'));
}

function Offer({ content, close, click }: OfferProps) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => void (ref.current && focusables(ref.current)[0]?.focus()), []);
  const href = safeUrl(content.action?.url);
  const image = safeUrl(content.image);
  const onKey = (e: KeyboardEvent): void => {
    if (e.key === 'Escape') return close();
    const list = ref.current && e.key === 'Tab' ? focusables(ref.current) : [];
    const active = (ref.current?.getRootNode() as ShadowRoot).activeElement;
    const edge = e.shiftKey ? list[0] : list[list.length - 1];
    if (edge && active === edge) {
      e.preventDefault();
      (e.shiftKey ? list[list.length - 1] : list[0])?.focus();
    }
  };
  return (
    <div class="b" onClick={(e) => e.target === e.currentTarget && close()}>
      <div class="d" role="dialog" aria-modal="true" aria-labelledby="t" aria-describedby="m" ref={ref} onKeyDown={onKey}>
        <h2 id="t">{content.title}</h2>
        {image && <img src={image} alt="" />}
        <p id="m">{content.body}</p>
        {content.code && <p class="c">{content.code}</p>}
        {content.action && (href ? (
          <a href={href} onClick={(e) => followAfterRecord(e, href, click)}>{content.action.label}</a>
        ) : (
          <button type="button" onClick={() => (click(), close())}>{content.action.label}</button>
        ))}
        <button type="button" class="x" aria-label="Close" onClick={close}>×</button>
      </div>
    </div>
  );
}

/** Shows `content` in a modal dialog until the visitor closes it. */
export function openDialog(content: OfferContent, events: DialogEvents): void {
  const host = document.createElement('div');
  host.setAttribute('data-o2o-dialog', '');
  const root = host.attachShadow({ mode: 'open' });
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(CSS);
  root.adoptedStyleSheets = [sheet];
  const previous = document.activeElement as HTMLElement | null;
  const close = (): void => {
    render(null, root);
    host.remove();
    previous?.focus();
    events.closed();
  };
  document.body.append(host);
  render(<Offer content={content} close={close} click={events.clicked} />, root);
}
