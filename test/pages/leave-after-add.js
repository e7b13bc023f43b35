// The page of test/engines/leave-after-add.test.ts. With `?add=<id>&next=<url>` it is a product page
// whose visitor adds <id> to the cart and leaves at once, at the moment the decision log starts:
// - while the SDK's second stage runs (it publishes itself on `window`), the page records its product
//   view, so a commit is in flight;
// - on the stage's `load` event, before the SDK's own listener starts sync and the decision log (a
//   capture listener on the document runs first), the visitor adds to cart and, in the same task,
//   leaves for <url> (which leads to `?landed=<id>`). The add then waits behind the view's commit
//   while the log wants to write the page's decisions.
// Every value the page asks IndexedDB to write is noted, in order, with the moment of the add, and
// kept in sessionStorage at `pagehide` under `leave-after-add:<id>` for the test to read.
// Without `add`, the page only loads the SDK. (An external script: the demo's CSP forbids inline ones.)
const params = new URLSearchParams(location.search);
const id = params.get('add');
if (id) {
  const writes = [];
  const put = IDBObjectStore.prototype.put;
  IDBObjectStore.prototype.put = function (value, key) {
    // An event-log chunk is named by its events, any other key by itself.
    writes.push(Array.isArray(key) ? 'events:' + [value].flat().map((e) => e && e.name).join('+') : String(key));
    return put.call(this, value, key);
  };
  addEventListener('pagehide', () => sessionStorage.setItem('leave-after-add:' + id, JSON.stringify(writes)));

  const items = [{ id, category: 'running', price: 10 }];
  let stage;
  Object.defineProperty(window, 'OneToOneStage', {
    configurable: true,
    get: () => stage,
    set(value) {
      stage = value;
      window.OneToOne.track('view_item', { items });
    },
  });
  document.addEventListener('load', (event) => {
    const script = event.target;
    if (!(script instanceof HTMLScriptElement) || !/\/onetoone-stage\.min\.js$/.test(script.src)) return;
    writes.push('track:add_to_cart');
    window.OneToOne.track('add_to_cart', { items });
    location.href = params.get('next');
  }, true);
}
