extension PageAssets {
    /// `/app.css`.
    static let style = #"""
:root { --fg: #1d232b; --muted: #5d6b7a; --line: #d9dee5; --accent: #2458b3; --bad: #b3261e; --bg2: #f5f7fa; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); }
header { display: flex; gap: 16px; align-items: center; padding: 8px 16px; border-bottom: 1px solid var(--line); background: var(--bg2); flex-wrap: wrap; }
.brand { font-weight: 700; }
nav a { margin-right: 12px; }
nav a.here { font-weight: 700; color: var(--fg); text-decoration: none; }
#selector-form { flex: 1; display: flex; gap: 6px; min-width: 320px; }
#selector { flex: 1; font: 13px ui-monospace, monospace; padding: 4px 6px; }
main { padding: 12px 16px 40px; }
a { color: var(--accent); }
h1 { font-size: 20px; margin: 4px 0 12px; }
h2 { font-size: 16px; margin: 20px 0 8px; }
table { border-collapse: collapse; margin: 4px 0 12px; }
th, td { text-align: left; padding: 3px 10px 3px 0; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-weight: 600; white-space: nowrap; }
th a { color: var(--fg); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.muted { color: var(--muted); }
.error { color: var(--bad); white-space: pre-wrap; font: 13px ui-monospace, monospace; margin: 6px 16px; }
.note { background: #fff7e0; border: 1px solid #f0d58a; padding: 6px 10px; margin: 8px 0; }
.suspect { border: 1px solid var(--line); padding: 8px 12px; margin: 10px 0; }
.path { font: 13px ui-monospace, monospace; margin: 4px 0 4px 8px; }
.path div { white-space: pre-wrap; }
.edge { color: var(--muted); }
.tree ul { list-style: none; margin: 0; padding-left: 20px; }
.tree > ul { padding-left: 0; }
.tree li { margin: 1px 0; }
.tree button.toggle { width: 22px; border: none; background: none; cursor: pointer; font: inherit; color: var(--muted); }
.tree .size { display: inline-block; min-width: 80px; text-align: right; margin-right: 8px; font-variant-numeric: tabular-nums; }
.svg-box { border: 1px solid var(--line); overflow: auto; max-height: 80vh; }
.svg-box svg { max-width: none; }
.svg-box g.node { cursor: pointer; }
.controls { display: flex; gap: 12px; flex-wrap: wrap; align-items: center; margin: 8px 0; }
.controls label { display: flex; gap: 4px; align-items: center; }
.controls input[type=number] { width: 6em; }
dl.facts { display: grid; grid-template-columns: max-content auto; gap: 2px 16px; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; }
"""#
}
