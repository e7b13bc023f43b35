/**
 * The offer dialog, in its own lazily loaded file. Built with a few DOM calls
 * into a shadow root, so the host page's CSS cannot reach it and ours cannot
 * leak (one small dialog does not need a rendering library: it cost the file
 * 4.5 KiB of Preact). Content is data: every string is set as `textContent`,
 * URLs pass {@link safeUrl}, nothing is parsed as HTML. Accessible:
 * `role="dialog"`, `aria-modal`, labelled by its title, focus moved in,
 * trapped and returned, Escape and the backdrop close it; motion only without
 * reduced-motion.
 */
import type { OfferContent } from '../core/offer.js';
import type { DialogEvents } from './dialog-loader.js';
import { safeUrl } from './safe-url.js';

const CSS = `.b{position:fixed;inset:0;background:#0008;display:flex;align-items:center;justify-content:center;z-index:2147483647;font:16px/1.5 system-ui,sans-serif}\
.d{position:relative;background:#fff;color:#1d2330;border-radius:12px;padding:24px;max-width:min(420px,90vw);box-shadow:0 8px 32px #0004;animation:i .2s ease-out}\
h2{margin:0 32px 8px 0;font-size:20px}img{max-width:100%}.c{font:600 18px monospace;letter-spacing:2px}\
a,button{font:inherit;cursor:pointer}a{display:inline-block;background:#1d4ed8;color:#fff;padding:8px 16px;border-radius:8px;text-decoration:none}\
.x{position:absolute;top:8px;right:8px;border:0;background:none;font-size:24px;line-height:1;padding:4px 8px}\
@keyframes i{from{opacity:0;transform:translateY(8px)}}@media (prefers-reduced-motion:reduce){.d{animation:none}}`;

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

/**
 * An element with attributes and children; strings become text nodes (never markup),
 * missing children are left out.
 */
function el(tag: string, attributes: Record<string, string>, ...children: Array<Node | string | undefined>): HTMLElement {
  const element = document.createElement(tag);
  for (const name of Object.keys(attributes)) element.setAttribute(name, attributes[name] as string);
  element.append(...children.filter((child): child is Node | string => child != null));
  return element;
}

/** Shows `content` in a modal dialog until the visitor closes it. */
export function openDialog(content: OfferContent, events: DialogEvents): void {
  const host = el('div', { 'data-o2o-dialog': '' });
  const root = host.attachShadow({ mode: 'open' });
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(CSS);
  root.adoptedStyleSheets = [sheet];
  const previous = document.activeElement as HTMLElement | null;
  const close = (): void => {
    host.remove();
    previous?.focus();
    events.closed();
  };
  const href = safeUrl(content.action?.url);
  const image = safeUrl(content.image);
  const action = content.action && el(href ? 'a' : 'button', href ? { href } : { type: 'button' }, content.action.label);
  action?.addEventListener('click', (e) => (href ? followAfterRecord(e, href, events.clicked) : (events.clicked(), close())));
  const closer = el('button', { type: 'button', class: 'x', 'aria-label': 'Close' }, '×');
  closer.addEventListener('click', close);
  const dialog = el('div', { class: 'd', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': 't', 'aria-describedby': 'm' },
    el('h2', { id: 't' }, content.title),
    image && el('img', { src: image, alt: '' }),
    el('p', { id: 'm' }, content.body ?? ''),
    content.code ? el('p', { class: 'c' }, content.code) : undefined,
    action,
    closer,
  );
  // Focus stays inside: Tab from the last focusable (the close button) goes to the first, Shift+Tab from the first to the last.
  const first = action ?? closer;
  dialog.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') return close();
    if (e.key === 'Tab' && root.activeElement === (e.shiftKey ? first : closer)) {
      e.preventDefault();
      (e.shiftKey ? closer : first).focus();
    }
  });
  const backdrop = el('div', { class: 'b' }, dialog);
  backdrop.addEventListener('click', (e) => e.target === backdrop && close());
  root.append(backdrop);
  document.body.append(host);
  first.focus();
}
