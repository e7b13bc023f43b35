// Loads the script-tag build with data-* attributes taken from the query string (the CSP forbids inline script).
const tag = document.createElement('script');
tag.src = '/dist/onetoone.min.js';
tag.dataset.endpoint = '/';
tag.dataset.writeKey = 'test';
for (const [name, value] of new URLSearchParams(location.search)) tag.setAttribute('data-' + name, value);
document.head.append(tag);
