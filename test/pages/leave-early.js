// A page the visitor leaves within 200 ms of the SDK script's start, before its second stage arrived:
// three view_item calls through the documented o2o() queue (two before the core loads, one after),
// then a navigation to ?next= 50 ms after the core ran. The core comes from ?core= (the engines test
// serves a copy whose second stage is held), and the time from the core's run to leaving is kept in
// sessionStorage ('o2o-left-after-ms') for the test.
(() => {
  let started = 0;
  const params = new URLSearchParams(location.search);
  window.o2o = window.o2o || function () { (window.o2o.q = window.o2o.q || []).push(arguments); };
  const view = (n) => window.o2o('track', 'view_item', { items: [{ id: 'sku-trail-' + n, category: 'running', brand: 'acme', price: 89 }] });
  view(1);
  view(2);
  const tag = document.createElement('script');
  tag.src = params.get('core') || '/dist/onetoone.min.js';
  tag.dataset.endpoint = '/';
  tag.dataset.writeKey = 'test';
  tag.onload = () => {
    // The core ran just before its load event.
    started = performance.now();
    view(3);
    setTimeout(() => {
      sessionStorage.setItem('o2o-left-after-ms', String(Math.round(performance.now() - started)));
      location.href = params.get('next') || '/test-pages/sync-page.html';
    }, 50);
  };
  document.head.append(tag);
})();
