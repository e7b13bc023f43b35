// The floor: what preact + idb-keyval alone cost a page — render one component
// and do one IndexedDB read-modify-write. OneToOne is compared against this.
import { h, render } from 'preact';
import { useState } from 'preact/hooks';
import { get, set } from 'idb-keyval';

function Floor() {
  const [count] = useState(0);
  return h('div', { class: 'floor' }, 'floor ', count);
}

render(h(Floor, null), document.body.appendChild(document.createElement('div')));
get('visits')
  .then((visits) => set('visits', (visits ?? 0) + 1))
  .then(() => {
    window.__floorDone = true;
  });
