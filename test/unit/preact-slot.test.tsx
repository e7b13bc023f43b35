import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { init } from '../../src/index.js';
import { OneToOneProvider, Slot, useDecision } from '../../src/preact/index.js';
import corpus from '../data/xss-payloads.json';

const MODEL = {
  version: 1,
  id: 'preact-test',
  bias: 0,
  weights: {},
  holdout: 0,
  explore: { prior: 20, noise: 0 },
  slots: { banner: [{ id: 'spring', tags: [], bias: 5 }] },
  offers: [],
};

/** A real client (memory store: consent denied, so nothing is stored or sent). */
const client = () => init({ endpoint: '/o2o', consent: 'denied', collect: false, model: MODEL as never });

let root: HTMLElement;
afterEach(() => {
  render(null, root);
  root.remove();
});
function mount(node: preact.ComponentChild): HTMLElement {
  root = document.createElement('div');
  document.body.append(root);
  // act() runs Preact's effects now instead of after a paint that happy-dom never does.
  act(() => render(node, root));
  return root;
}

describe('Preact door', () => {
  it('useDecision asks again once the client is ready, so a slot only the model declares is decided', async () => {
    const c = client();
    const seen: Array<string | undefined> = [];
    function Probe() {
      seen.push(useDecision('banner')?.variant);
      return null;
    }
    mount(<OneToOneProvider client={c}><Probe /></OneToOneProvider>);
    expect(seen).toEqual([undefined]);
    await act(() => c.ready);
    await act(() => Promise.resolve());
    expect(seen.at(-1)).toBe('spring');
  });

  it('<Slot> shows the chosen variant in its wrapper and reports the first click as select_promotion', async () => {
    const c = client();
    const tracked: unknown[] = [];
    const track = c.track.bind(c);
    c.track = (name, props) => (tracked.push([name, props]), track(name, props));
    const el = mount(<OneToOneProvider client={c}><Slot name="banner" variants={{ spring: <b>Spring</b> }} fallback={<i>Default</i>} /></OneToOneProvider>);
    expect(el.innerHTML).toBe('<div data-o2o-component="banner" data-o2o-variants="spring"><i>Default</i></div>');
    await act(() => c.ready);
    await act(() => Promise.resolve());
    const wrapper = el.querySelector('[data-o2o-component]') as HTMLElement;
    expect(wrapper.getAttribute('data-o2o-shown')).toBe('spring');
    expect(wrapper.textContent).toBe('Spring');
    wrapper.querySelector('b')?.click();
    wrapper.querySelector('b')?.click();
    expect(tracked).toEqual([['select_promotion', { slot: 'banner', variant: 'spring', group: 'personalized' }]]);
  });

  it('never takes an inherited member for a variant (a model id like "constructor")', async () => {
    const c = client();
    const el = mount(<OneToOneProvider client={c}><Slot name="banner" variants={{}} fallback="fallback" /></OneToOneProvider>);
    await act(() => c.ready);
    await act(() => Promise.resolve());
    expect(el.textContent).toBe('fallback');
  });

  it('renders every XSS corpus payload given as variant content or fallback as text, creating no element from it', () => {
    const calls: unknown[] = [];
    (window as unknown as { __xss: (n: unknown) => void }).__xss = (n) => calls.push(n);
    const c = client();
    for (const [i, raw] of corpus.payloads.entries()) {
      const payload = raw.replaceAll('XSS()', `__xss(${i})`);
      const el = mount(<OneToOneProvider client={c}><Slot name={payload} variants={{ [payload]: payload }} fallback={payload} /></OneToOneProvider>);
      const wrapper = el.firstElementChild as HTMLElement;
      expect(wrapper.children.length, payload).toBe(0);
      expect(wrapper.textContent, payload).toBe(payload);
      render(null, root);
      root.remove();
    }
    root = document.createElement('div');
    expect(calls).toEqual([]);
  });
});
