// The floor with a decision: what preact + idb-keyval alone cost a page up to
// rendering one component from what one IndexedDB read returned (marked
// `first-decision`, as bench/critical-path.mjs marks OneToOne's first swap).
import { h, render } from 'preact';
import { get, set } from 'idb-keyval';

get('visits').then((visits) => {
  render(h('div', { class: 'floor' }, 'visits ', visits ?? 0), document.body.appendChild(document.createElement('div')));
  performance.mark('first-decision');
  return set('visits', (visits ?? 0) + 1);
});
