/**
 * The uplift report page (`GET /report`): static HTML and script that fetch
 * `GET /v1/report` and draw it with chart.js (served beside it from
 * node_modules). The page holds no data: in production the JSON sits behind
 * the admin token, which the page asks for and keeps in sessionStorage only.
 */

/** The page's script (`/report/report.js`): reads the token, fetches the report, writes the headline and tables, draws two charts. */
export const REPORT_SCRIPT = String.raw`
const $ = (id) => document.getElementById(id);
const pct = (x) => x === null || !Number.isFinite(x) ? '—' : (100 * x).toFixed(2) + ' %';
const money = (x) => x === null || !Number.isFinite(x) ? '—' : x.toFixed(2);
const charts = [];
function token() {
  const fromHash = new URLSearchParams(location.hash.slice(1)).get('token');
  if (fromHash) { sessionStorage.setItem('o2o-admin', fromHash); history.replaceState(null, '', location.pathname + location.search); }
  return sessionStorage.getItem('o2o-admin') || '';
}
async function load() {
  const days = new URLSearchParams(location.search).get('days') || '28';
  const headers = token() ? { authorization: 'Bearer ' + token() } : {};
  const response = await fetch('/v1/report?days=' + encodeURIComponent(days), { headers, cache: 'no-store' });
  if (response.status === 401) { $('login').hidden = false; $('status').textContent = 'The report needs the admin token.'; return; }
  if (!response.ok) { $('status').textContent = 'Could not load the report (' + response.status + ').'; return; }
  render(await response.json());
}
function row(cells, tag = 'td') {
  const tr = document.createElement('tr');
  for (const c of cells) { const td = document.createElement(tag); td.textContent = c; tr.appendChild(td); }
  return tr;
}
function render(report) {
  const o = report.overall;
  const answer = $('answer');
  answer.textContent = report.headline;
  answer.className = 'answer ' + o.verdict;
  $('status').textContent = 'Data from ' + new Date(report.since).toLocaleDateString() + ' to ' + new Date(report.until).toLocaleString() + '. Intervals: 95 %, always valid (mixture SPRT), so looking every day is fine.';
  const table = $('slots');
  table.replaceChildren(row(['Slot', 'Visitors (pers. / holdout)', 'Conversion pers.', 'Conversion holdout', 'Difference [95 % interval]', 'Revenue / visitor pers.', 'Revenue / visitor holdout', 'Verdict', 'Visitors still needed'], 'th'));
  for (const s of [o, ...report.slots]) {
    const c = s.conversionDiff;
    table.appendChild(row([s.slot === '*' ? 'All slots' : s.slot, s.personalized.visitors + ' / ' + s.holdout.visitors, pct(s.personalized.conversionRate), pct(s.holdout.conversionRate),
      pct(c.estimate) + ' [' + pct(c.low) + ', ' + pct(c.high) + ']', money(s.personalized.revenuePerVisitor), money(s.holdout.revenuePerVisitor), s.verdict,
      s.visitorsNeeded === null ? '—' : s.visitorsNeeded.toLocaleString()]));
  }
  charts.forEach((c) => c.destroy());
  charts.length = 0;
  const labels = [o, ...report.slots].map((s) => s.slot === '*' ? 'All slots' : s.slot);
  charts.push(new Chart($('rates'), {
    type: 'bar',
    data: { labels, datasets: [
      { label: 'Personalized', data: [o, ...report.slots].map((s) => 100 * s.personalized.conversionRate), backgroundColor: '#2f7d4f' },
      { label: 'Holdout (default content)', data: [o, ...report.slots].map((s) => 100 * s.holdout.conversionRate), backgroundColor: '#9aa3ad' },
    ] },
    options: { animation: false, responsive: true, maintainAspectRatio: false, plugins: { title: { display: true, text: 'Conversion rate per visitor (%)' } }, scales: { y: { beginAtZero: true } } },
  }));
  const days = report.timeline.map((p) => new Date(p.until).toLocaleDateString());
  const finite = (x) => Number.isFinite(x) ? 100 * x : null;
  charts.push(new Chart($('trend'), {
    type: 'line',
    data: { labels: days, datasets: [
      { label: 'Difference (points)', data: report.timeline.map((p) => finite(p.diff)), borderColor: '#1d4ed8', tension: 0 },
      { label: '95 % always-valid low', data: report.timeline.map((p) => finite(p.low)), borderColor: '#93c5fd', borderDash: [4, 4], pointRadius: 0 },
      { label: '95 % always-valid high', data: report.timeline.map((p) => finite(p.high)), borderColor: '#93c5fd', borderDash: [4, 4], pointRadius: 0 },
      { label: 'No effect', data: report.timeline.map(() => 0), borderColor: '#6b7280', pointRadius: 0, borderWidth: 1 },
    ] },
    options: { animation: false, responsive: true, maintainAspectRatio: false, plugins: { title: { display: true, text: 'Conversion rate difference over time, personalized − holdout (points)' } } },
  }));
  document.body.dataset.ready = '1';
}
$('login').addEventListener('submit', (e) => {
  e.preventDefault();
  sessionStorage.setItem('o2o-admin', $('token').value);
  $('login').hidden = true;
  load();
});
$('refresh').addEventListener('click', load);
load().catch((e) => { $('status').textContent = 'Could not load the report: ' + e.message; });
`;

/** The page's HTML (`/report`). */
export const REPORT_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Is personalization paying off? · OneToOne</title><link rel="icon" href="data:,">
<link rel="stylesheet" href="/report/report.css"></head>
<body>
<h1>Is personalization paying off?</h1>
<p id="answer" class="answer">Loading the report…</p>
<p id="status"></p>
<form id="login" hidden><label>Admin token <input id="token" type="password" autocomplete="off"></label> <button>Show the report</button></form>
<div class="charts"><div class="chart"><canvas id="rates"></canvas></div><div class="chart"><canvas id="trend"></canvas></div></div>
<table id="slots"></table>
<p><button id="refresh" type="button">Refresh</button></p>
<script src="/report/chart.umd.min.js"></script>
<script src="/report/report.js"></script>
</body></html>
`;

/** The page's style sheet (`/report/report.css`). */
export const REPORT_CSS = `
body { font: 15px/1.45 system-ui, sans-serif; margin: 0 auto; max-width: 1100px; padding: 24px; color: #1f2933; }
h1 { font-size: 20px; margin: 0 0 12px; }
.answer { font-size: 22px; font-weight: 600; padding: 16px 20px; border-radius: 8px; background: #f1f5f9; }
.answer.better { background: #e7f6ec; color: #14532d; }
.answer.worse { background: #fdecec; color: #7f1d1d; }
.answer.undecided { background: #fef7e6; color: #713f12; }
#status { color: #52606d; font-size: 13px; margin: 8px 0 16px; }
.charts { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
.chart { position: relative; height: 300px; }
table { border-collapse: collapse; width: 100%; margin-top: 20px; font-size: 13px; }
th, td { border-bottom: 1px solid #e4e7eb; padding: 6px 8px; text-align: right; }
th:first-child, td:first-child { text-align: left; }
button { font: inherit; }
`;

/** The page's content security policy: its own files only, nothing inline. */
export const REPORT_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";
