/**
 * The panel's stylesheet. Adopted into its shadow root as a constructed
 * stylesheet, so page styles cannot reach in, ours cannot leak out, and a
 * strict `style-src 'self'` policy has no inline `<style>` to refuse.
 */
export const PANEL_CSS = `
:host { all: initial; }
.panel { position: fixed; top: 0; right: 0; bottom: 0; width: min(420px, 100vw); z-index: 2147483646; overflow-y: auto;
  background: #101522; color: #e6e9f0; font: 13px/1.45 ui-sans-serif, system-ui, sans-serif; box-shadow: -4px 0 24px rgba(0,0,0,.35); }
header { position: sticky; top: 0; background: #1b2234; padding: 10px 12px; display: flex; gap: 8px; align-items: center; z-index: 1; }
header h1 { font-size: 14px; margin: 0; flex: 1; }
section { padding: 10px 12px; border-bottom: 1px solid #273049; }
h2 { font-size: 12px; letter-spacing: .06em; text-transform: uppercase; color: #8fa0c6; margin: 0 0 8px; }
h3 { font-size: 12px; margin: 8px 0 4px; color: #b9c4dd; }
.pills { display: flex; flex-wrap: wrap; gap: 6px; }
.pill { background: #273049; border-radius: 999px; padding: 2px 8px; }
.pill.warn { background: #6b3b12; }
.pill.ok { background: #174a35; }
.decision { border: 1px solid #273049; border-radius: 8px; padding: 8px; margin-bottom: 8px; }
.decision strong { color: #fff; }
.why { margin: 4px 0 0; padding-left: 18px; }
.bar { display: grid; grid-template-columns: 96px 1fr 40px; gap: 6px; align-items: center; margin: 2px 0; }
.bar span:first-child { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.track { height: 8px; background: #273049; border-radius: 4px; overflow: hidden; }
.fill { height: 100%; background: #4fb38a; }
.fill.s { background: #6f8cff; }
.cols { display: grid; grid-template-columns: 1fr 1fr; gap: 10px; }
table { width: 100%; border-collapse: collapse; }
td { padding: 2px 4px; vertical-align: top; border-bottom: 1px solid #1f2740; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
code { font: 12px ui-monospace, monospace; color: #cfe3ff; word-break: break-all; }
button, select { font: inherit; color: #e6e9f0; background: #2b3654; border: 1px solid #3b4870; border-radius: 6px; padding: 4px 8px; cursor: pointer; }
button:hover, select:hover { border-color: #7d93d6; }
button.danger { border-color: #a2473b; }
.actions { display: flex; flex-wrap: wrap; gap: 6px; }
.muted { color: #8b96ae; }
p.warn { color: #ffb86b; }
.row { display: flex; gap: 6px; align-items: center; margin-top: 6px; }
`;
