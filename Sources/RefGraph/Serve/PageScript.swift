extension PageAssets {
    /// `/app.js`: the views. Names and values enter the page only as text
    /// nodes; a picture's SVG is parsed and stripped to drawing elements.
    static let script = #"""
'use strict';
// refgraph serve: every view is a URL (#/view?params), drawn from /api/ JSON.
// Names and values only ever enter the page as text nodes (el(), text()).
const token = new URLSearchParams(location.search).get('token') || '';
let meta = null;

function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const k of kids.flat(Infinity)) {
    if (k === undefined || k === null) continue;
    e.append(k instanceof Node ? k : document.createTextNode(String(k)));
  }
  return e;
}

function hashFor(view, params) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) if (v !== undefined && v !== null && v !== '') p.set(k, v);
  const s = p.toString();
  return '#/' + view + (s ? '?' + s : '');
}
function link(text, view, params, attrs) { return el('a', Object.assign({ href: hashFor(view, params) }, attrs || {}), text); }

async function api(path, params) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) if (v !== undefined && v !== null) p.set(k, v);
  p.set('token', token);
  const r = await fetch('/api/' + path + '?' + p.toString(), { credentials: 'same-origin' });
  const type = r.headers.get('Content-Type') || '';
  if (!type.startsWith('application/json')) {
    if (!r.ok) throw { error: 'HTTP ' + r.status };
    return r.text();
  }
  const body = await r.json();
  if (!r.ok) throw body;
  return body;
}

// Decimal units, as the CLI's reports (Units.bytes) show them.
function bytes(v) {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let x = Number(v), i = 0;
  while (x >= 1000 && i < units.length - 1) { x /= 1000; i++; }
  return (i === 0 ? String(x) : x.toFixed(x >= 100 ? 0 : 1)) + ' ' + units[i];
}
function count(v) { return Number(v).toLocaleString('en-US'); }
function plural(n, word) { return count(n) + ' ' + word + (Number(n) === 1 ? '' : 's'); }
function percent(part, whole) { if (!(whole > 0)) return '-'; const p = 100 * part / whole; return p.toFixed(p >= 10 || p === 0 ? 0 : 1) + '%'; }

function route() {
  const h = location.hash.replace(/^#\/?/, '');
  const q = h.indexOf('?');
  const name = (q < 0 ? h : h.slice(0, q)) || 'overview';
  const params = Object.fromEntries(new URLSearchParams(q < 0 ? '' : h.slice(q + 1)));
  return { name, params };
}

const views = {};
let drawing = 0;

async function draw() {
  const { name, params } = route();
  const main = document.getElementById('view');
  const mine = ++drawing;
  drawNav(name, params);
  if (name === 'select') document.getElementById('selector').value = params.selector || '';
  const view = Object.hasOwn(views, name) ? views[name] : null;
  main.replaceChildren(el('p', { class: 'muted' }, 'Loading…'));
  if (!view) { main.replaceChildren(el('p', { class: 'error' }, 'No such view: ' + name)); return; }
  try {
    const out = await view(params);
    if (mine === drawing) main.replaceChildren(...[out].flat(Infinity).filter(x => x !== null && x !== undefined));
  } catch (e) {
    if (mine === drawing) main.replaceChildren(el('pre', { class: 'error', id: 'view-error' }, (e && e.error) || String(e)));
  }
  document.body.setAttribute('data-view', name);
  document.body.setAttribute('data-ready', String(mine));
}

function drawNav(name, params) {
  const dump = params.dump;
  const items = [['overview', 'Overview'], ['histogram', 'Histogram'], ['dominators', 'Dominator tree']];
  if (meta && meta.compare) items.push(['compare', 'Compare']);
  const nav = document.getElementById('nav');
  nav.replaceChildren(...items.map(([v, label]) => link(label, v, v === 'compare' ? {} : { dump }, { class: v === name ? 'here' : null })));
  if (meta && meta.dumps.length > 1 && name !== 'compare') {
    nav.append(el('span', { class: 'muted' }, ' dump: '));
    for (const d of meta.dumps) {
      const here = String(d.dump) === String(dump || 1);
      nav.append(link(String(d.dump), name, Object.assign({}, params, { dump: d.dump }), { class: here ? 'here' : null, title: d.file }));
    }
  }
}

// An object as one line: type, name or owner, id; a link to its page.
function objectLink(o, dump) {
  return link(o.title || (o.type + ' ' + o.id), 'object', { id: o.id, dump });
}

function objectTable(rows, dump, extra) {
  const head = el('tr', {}, el('th', { class: 'num' }, 'retained'), el('th', { class: 'num' }, 'shallow'), extra ? el('th', {}, extra.title) : null, el('th', {}, 'object'));
  return el('table', { class: 'objects' }, head, rows.map(o => el('tr', {},
    el('td', { class: 'num' }, bytes(o.retained)), el('td', { class: 'num' }, bytes(o.size)),
    extra ? el('td', {}, extra.cell(o)) : null, el('td', {}, objectLink(o, dump)))));
}

function pager(data, view, params, limit) {
  const offset = Number(data.offset || 0);
  const shown = (data.objects || data.children || []).length;
  const parts = [el('span', { class: 'muted' }, `${count(offset + 1)}–${count(offset + shown)} of ${count(data.total)}`)];
  if (offset > 0) parts.push(' ', link('previous', view, Object.assign({}, params, { offset: Math.max(0, offset - limit) })));
  if (offset + shown < data.total) parts.push(' ', link('next', view, Object.assign({}, params, { offset: offset + limit }), { class: 'next-page' }));
  return el('p', { class: 'pager' }, parts);
}

function hops(path, dump) {
  return el('div', { class: 'path' }, path.map((h, i) => el('div', {},
    i === 0 ? el('span', { class: 'edge' }, h.root ? `[${h.root} root] ` : '(start) ') : el('span', { class: 'edge' }, '  ' + (h.edge || '?') + ' → '),
    link(h.title || (h.type + (h.name ? ' ' + h.name : '') + ' ' + h.id), 'object', { id: h.id, dump }))));
}

views.overview = async (p) => {
  const dump = p.dump;
  const s = await api('summary', { dump });
  const out = [el('h1', {}, 'Overview')];
  const facts = el('dl', { class: 'facts' });
  const fact = (k, v) => facts.append(el('dt', {}, k), el('dd', {}, v));
  fact('file', s.file); fact('format', s.format);
  fact('objects', count(s.objects)); fact('references', count(s.references)); fact('bytes', bytes(s.bytes));
  if (s.process.python) fact('python', s.process.python);
  if (s.process.pid !== undefined) fact('pid', String(s.process.pid));
  if (s.process.rss !== undefined) fact('RSS', bytes(s.process.rss) + ' (objects explain ' + percent(s.bytes, s.process.rss) + ')');
  fact('roots', Object.entries(s.roots).map(([k, v]) => `${k} ${count(v)}`).join(', ') || 'none');
  if (s.truncated) out.push(el('p', { class: 'note' }, 'The dump is truncated: every figure covers only the part that was read.'));
  out.push(facts);
  if (s.outside_python) out.push(el('p', { class: 'note', id: 'rss-verdict' }, s.outside_python));
  else if (s.process.rss === undefined) out.push(el('p', { class: 'muted', id: 'rss-verdict' }, 'The dump records no RSS, so it cannot say how much memory lies outside Python objects.'));
  else out.push(el('p', { id: 'rss-verdict' }, `Nothing points outside Python: the ${bytes(Math.max(0, s.process.rss - s.bytes))} of RSS that objects do not explain is within what an interpreter and its libraries take (refgraph warns above 64 MiB that is also half of RSS).`));
  for (const w of s.warnings) out.push(el('p', { class: 'note' }, 'warning: ' + w));
  const suspects = el('section', { id: 'suspects' }, el('h2', {}, 'Leak suspects'), el('p', { class: 'muted' }, 'Computing the dominator tree…'));
  out.push(suspects);
  const types = (title, rows) => el('section', {}, el('h2', {}, title), el('table', {},
    el('tr', {}, el('th', {}, 'type'), el('th', { class: 'num' }, 'count'), el('th', { class: 'num' }, 'bytes'), el('th', {}, 'module')),
    rows.map(r => el('tr', {}, el('td', {}, link(r.type, 'members', { group: 'type', key: r.type, dump })),
      el('td', { class: 'num' }, count(r.count)), el('td', { class: 'num' }, bytes(r.bytes)), el('td', {}, r.module)))));
  out.push(types('Top types by size', s.top_by_size), types('Top types by count', s.top_by_count));
  api('suspects', { dump }).then(r => {
    const kids = [el('h2', {}, 'Leak suspects')];
    if (r.suspects.length === 0) kids.push(el('p', {}, 'No suspects: no object or group retains 10% of the reachable heap (' + bytes(r.reachable_bytes) + ').'));
    if (r.undecided && r.suspects.length) kids.push(el('p', { class: 'muted' }, 'One dump cannot tell a leak from a table built at start-up: compare two dumps (refgraph serve OLD NEW).'));
    r.suspects.forEach((x, i) => kids.push(el('div', { class: 'suspect' },
      el('div', {}, el('b', {}, '#' + (i + 1) + ' '), link(x.explanation, 'object', { id: x.object.id, dump }, { class: 'suspect-link' })),
      x.object.alloc_site ? el('div', { class: 'muted' }, 'allocated at ' + x.object.alloc_site) : null,
      x.path.length ? [el('div', { class: 'muted' }, 'held by:'), hops(x.path, dump)] : null,
      el('div', { class: 'muted' }, 'retains: ' + x.retained_by_type.slice(0, 5).map(t => `${t.type} ${bytes(t.bytes)}`).join(', ')))));
    suspects.replaceChildren(...kids);
  }, e => suspects.replaceChildren(el('h2', {}, 'Leak suspects'), el('pre', { class: 'error' }, e.error || String(e))));
  return out;
};

views.histogram = async (p) => {
  const group = p.group || 'type', by = p.by || 'retained', dump = p.dump;
  const r = await api('top', { group, by, dump, limit: 300 });
  const sortLink = (m, label) => m === by ? label + ' ▼' : link(label, 'histogram', { group, by: m, dump }, { class: 'sort-' + m });
  const groups = el('p', { class: 'controls' }, 'Group by:', ['type', 'module', 'owner'].map(g => g === group ? el('b', {}, g) : link(g, 'histogram', { group: g, by, dump })));
  const table = el('table', { id: 'histogram' },
    el('tr', {}, el('th', {}, group), el('th', { class: 'num' }, sortLink('count', 'count')), el('th', { class: 'num' }, sortLink('size', 'shallow')), el('th', { class: 'num' }, sortLink('retained', 'retained')), el('th', { class: 'num' }, '%')),
    r.rows.map(x => el('tr', {}, el('td', {}, link(x.key, 'members', { group, key: x.key, dump })),
      el('td', { class: 'num' }, count(x.count)), el('td', { class: 'num' }, bytes(x.shallow)), el('td', { class: 'num' }, bytes(x.retained)),
      el('td', { class: 'num' }, percent(x.retained, r.reachable_bytes)))));
  const note = group === 'module' ? el('p', { class: 'muted' }, 'module: the nearest module above each object in the dominator tree, so each byte counts once.') : null;
  return [el('h1', {}, 'Histogram'), groups, note, table, el('p', { class: 'muted' }, 'Reachable heap ' + bytes(r.reachable_bytes) + '. A row lists its objects.')];
};

views.members = async (p) => {
  const limit = 100, dump = p.dump;
  const r = await api('members', { group: p.group, key: p.key, offset: p.offset, limit, dump });
  return [el('h1', {}, `${p.group} ${p.key}`), pager(r, 'members', p, limit), objectTable(r.objects, dump)];
};

views.select = async (p) => {
  const limit = 100, dump = p.dump;
  let r;
  try { r = await api('select', { selector: p.selector || '', offset: p.offset, limit, dump }); }
  catch (e) {
    const box = document.getElementById('selector-error');
    box.textContent = e.error || String(e); box.hidden = false;
    return el('p', { class: 'muted' }, 'Fix the selector above (docs/SELECTORS.md).');
  }
  return [el('h1', {}, 'Selection'), el('p', { id: 'selection-header' }, r.header), pager(r, 'select', p, limit), objectTable(r.objects, dump)];
};

views.dominators = async (p) => {
  const dump = p.dump;
  const open = new Set((p.open || '').split(',').filter(Boolean));
  const setOpen = () => {
    const params = Object.assign({}, p, { open: [...open].join(',') });
    history.replaceState(null, '', hashFor('dominators', params));
  };
  const r = await api('dominators', { dump, limit: 100 });
  const total = r.reachable_bytes;
  const list = (data, parent) => {
    const ul = el('ul', {});
    for (const c of data.children) ul.append(item(c));
    if (data.offset + data.children.length < data.total) {
      const more = el('li', {}, el('button', { class: 'more', onclick: async () => {
        const next = await api('dominators', { dump, id: parent, offset: data.offset + data.children.length, limit: 100 });
        more.remove();
        const sub = list(next, parent);
        ul.append(...sub.childNodes);
      } }, `${count(data.total - data.offset - data.children.length)} more…`));
      ul.append(more);
    }
    return ul;
  };
  const item = (o) => {
    const li = el('li', { 'data-id': o.id });
    const toggle = el('button', { class: 'toggle', 'aria-label': 'expand' }, o.dominated > 0 ? '▸' : '·');
    let kids = null;
    const expand = async () => {
      if (kids) { kids.remove(); kids = null; toggle.textContent = '▸'; open.delete(o.id); setOpen(); return; }
      toggle.textContent = '▾';
      const data = await api('dominators', { dump, id: o.id, limit: 100 });
      kids = list(data, o.id); li.append(kids);
      open.add(o.id); setOpen();
      li.setAttribute('data-open', '1');
    };
    if (o.dominated > 0) toggle.addEventListener('click', expand);
    li.append(toggle, el('span', { class: 'size' }, bytes(o.retained)), el('span', { class: 'muted' }, percent(o.retained, total).padStart(6) + ' '), objectLink(o, dump));
    if (o.dominated > 0) li.append(el('span', { class: 'muted' }, ` (${count(o.dominated)} dominated)`));
    if (open.has(o.id) && o.dominated > 0) { open.delete(o.id); expand(); }
    return li;
  };
  return [el('h1', {}, 'Dominator tree'), el('p', { class: 'muted' }, 'Each object retains everything below it: removing it frees its subtree. Largest first; reachable heap ' + bytes(total) + '.'),
    el('div', { class: 'tree', id: 'dominator-tree' }, list(r, null))];
};

views.object = async (p) => {
  const dump = p.dump;
  const r = await api('object', { id: p.id, dump });
  const o = r.object;
  const facts = el('dl', { class: 'facts' });
  const fact = (k, v) => { if (v !== undefined && v !== null) facts.append(el('dt', {}, k), el('dd', {}, v)); };
  fact('type', o.type); fact('id', o.id); fact('name', o.name); fact('owner', o.owner);
  fact('value', o.value); fact('size', bytes(o.size)); fact('retained', bytes(o.retained) + (o.reachable ? '' : ' (not reachable from a root)'));
  fact('len', o.len !== undefined ? count(o.len) : undefined); fact('refcount', o.refcount !== undefined ? String(o.refcount) : undefined);
  fact('root', o.root); fact('finalizer', o.finalizer); fact('allocated at', o.alloc_site);
  if (o.refs_from_c !== undefined) fact('references from C', String(o.refs_from_c));
  if (r.dominator) fact('immediate dominator', objectLink(r.dominator, dump));
  const refTable = (rows, totalCount, word) => [el('h2', {}, `${word} (${count(totalCount)})`),
    rows.length ? objectTable(rows, dump, { title: 'edge', cell: x => (x.edge || '?') + (x.weak ? ' (weak)' : '') }) : el('p', { class: 'muted' }, 'none'),
    rows.length < totalCount ? el('p', { class: 'muted' }, `first ${count(rows.length)} shown`) : null];
  const paths = el('section', { id: 'paths' }, el('h2', {}, 'Paths from roots'), el('p', { class: 'muted' }, 'Searching…'));
  api('paths', { id: p.id, dump }).then(r => {
    const kids = [el('h2', {}, 'Paths from roots')];
    for (const g of r.groups) {
      kids.push(el('p', { class: 'muted' }, g.paths.length === 1 ? 'The shortest path from a root (no other independent holder found):' : `${g.paths.length} paths, each through a different holder:`));
      g.paths.forEach(path => kids.push(hops(path, dump)));
      if (g.holders_truncated) kids.push(el('p', { class: 'note' }, `The search for further holders stopped after visiting its budget of objects: there may be more than ${g.paths.length}. refgraph path 'id == ${p.id}' --all searches without a bound.`));
    }
    for (const u of r.unreachable) kids.push(el('p', {}, 'Not reachable from a root; it is kept by a reference cycle:'), hops(u.cycle, dump));
    if (!r.groups.length && !r.unreachable.length) kids.push(el('p', { class: 'muted' }, 'No path from a root reaches this object.'));
    paths.replaceChildren(...kids);
  }, e => paths.replaceChildren(el('h2', {}, 'Paths from roots'), el('pre', { class: 'error' }, e.error || String(e))));
  return [el('h1', {}, o.title), el('p', {}, link('Graph of its referrers', 'graph', { id: o.id, dump }, { id: 'graph-link' }), ' · ', link('its dominator subtree', 'dominators', { dump, open: o.id })),
    facts, paths, refTable(r.referrers, r.referrers_total, 'Referrers'), refTable(r.referents, r.referents_total, 'Referents')];
};

// Parses Graphviz's SVG and keeps only drawing elements and their plain
// attributes: no script, no event handler, no link anywhere but in-page.
function safeSVG(text) {
  const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
  const svg = doc.documentElement;
  if (svg.nodeName !== 'svg') throw { error: 'the server sent no SVG picture' };
  const allowed = new Set(['svg', 'g', 'title', 'path', 'polygon', 'polyline', 'ellipse', 'circle', 'rect', 'line', 'text', 'tspan', 'defs', 'a']);
  const walk = [svg];
  while (walk.length) {
    const n = walk.pop();
    for (const c of [...n.children]) {
      if (!allowed.has(c.nodeName)) { c.remove(); continue; }
      for (const a of [...c.attributes]) if (/^on|href$/i.test(a.name) || a.name === 'style') c.removeAttribute(a.name);
      walk.push(c);
    }
  }
  return document.importNode(svg, true);
}

views.graph = async (p) => {
  const dump = p.dump;
  const opts = { mode: p.mode || 'backrefs', depth: p.depth || 3, too_many: p.too_many || 10, max_nodes: p.max_nodes || 500, engine: p.engine || 'dot', all: p.all, refcounts: p.refcounts, long_names: p.long_names };
  const params = Object.assign({ dump }, p.cluster ? { cluster: p.cluster } : { id: p.id }, opts);
  const controls = el('form', { class: 'controls', id: 'render-options' });
  const select = (name, values) => el('label', {}, name, el('select', { name }, values.map(v => el('option', { value: v, selected: String(opts[name]) === String(v) }, v))));
  const number = (name, label) => el('label', {}, label, el('input', { name, type: 'number', min: 1, value: opts[name], style: null, size: 4 }));
  const check = (name, label) => el('label', {}, el('input', { name, type: 'checkbox', checked: opts[name] === '1' }), label);
  controls.append(select('mode', ['backrefs', 'refs', 'roots', 'cycle']), number('depth', 'depth'), number('too_many', 'too many'), number('max_nodes', 'max nodes'),
    select('engine', ['dot', 'sfdp', 'neato']), check('all', 'all holders'), check('refcounts', 'refcounts'), check('long_names', 'long names'), el('button', { type: 'submit' }, 'Draw'));
  controls.addEventListener('submit', ev => {
    ev.preventDefault();
    const f = new FormData(controls);
    const next = Object.assign({ dump }, p.cluster ? { cluster: p.cluster } : { id: p.id });
    for (const k of ['mode', 'depth', 'too_many', 'max_nodes', 'engine']) next[k] = f.get(k);
    for (const k of ['all', 'refcounts', 'long_names']) if (f.get(k)) next[k] = '1';
    location.hash = hashFor('graph', next);
  });
  const box = el('div', { class: 'svg-box', id: 'graph' });
  const svg = safeSVG(await api('graph.svg', params));
  box.append(svg);
  box.addEventListener('click', ev => {
    const g = ev.target.closest('g.node');
    if (g && /^obj[0-9a-f]+$/.test(g.id)) location.hash = hashFor('object', { id: '0x' + g.id.slice(3), dump: p.cluster ? (meta ? meta.dumps.length : undefined) : dump });
  });
  const title = p.cluster ? `Cluster ${p.cluster}: how its leak roots are held` : 'Graph of ' + p.id;
  return [el('h1', {}, title), controls, el('p', { class: 'muted' }, 'Click an object to open it; hover for its description.'), box];
};

views.compare = async () => {
  const r = await api('diff');
  const last = r.snapshots.length;
  const growth = (title, rows) => el('section', {}, el('h2', {}, title), el('table', {},
    el('tr', {}, el('th', {}, 'key'), el('th', { class: 'num' }, 'count Δ'), el('th', { class: 'num' }, 'bytes Δ'), el('th', { class: 'num' }, 'counts')),
    rows.slice(0, 20).map(x => el('tr', {}, el('td', {}, x.key), el('td', { class: 'num' }, (x.count_delta > 0 ? '+' : '') + count(x.count_delta)),
      el('td', { class: 'num' }, (x.bytes_delta > 0 ? '+' : x.bytes_delta < 0 ? '−' : '') + bytes(Math.abs(x.bytes_delta))), el('td', { class: 'num' }, x.counts.map(count).join(' → '))))));
  const clusters = el('section', { id: 'clusters' }, el('h2', {}, 'Leak clusters'),
    el('p', { class: 'muted' }, `${count(r.candidates)} objects new and still alive (${bytes(r.candidate_bytes)}), grouped by how they are held.`),
    r.clusters.map((c, i) => el('div', { class: 'suspect cluster' },
      el('div', {}, el('b', {}, `#${i + 1} `), link(`${plural(c.objects, 'object')}, ${bytes(c.retained_bytes)} retained`, 'cluster', { n: i + 1 }, { class: 'cluster-link' }),
        ' — ' + c.by_type.slice(0, 4).map(t => `${t.type} ×${count(t.count)}`).join(', ')),
      hops(c.path, last))));
  return [el('h1', {}, 'Compare'), el('p', {}, r.snapshots.map(s => `${s.file}: ${count(s.objects)} objects, ${bytes(s.bytes)}`).join('  →  ')),
    clusters, growth('Growth by type', r.by_type), growth('Growth by module', r.by_module)];
};

views.cluster = async (p) => {
  const r = await api('diff');
  const c = r.clusters[Number(p.n) - 1];
  if (!c) throw { error: 'no cluster ' + p.n };
  const last = r.snapshots.length;
  return [el('h1', {}, `Cluster ${p.n}: ${plural(c.objects, 'object')}, ${bytes(c.retained_bytes)} retained`),
    el('p', {}, link('Graph of how it is held', 'graph', { cluster: p.n }), ' · ', link('back to Compare', 'compare', {})),
    el('h2', {}, 'Path from a root'), hops(c.path, last),
    el('h2', {}, 'By type'), el('table', {}, c.by_type.map(t => el('tr', {}, el('td', {}, t.type), el('td', { class: 'num' }, count(t.count))))),
    el('h2', {}, 'Allocated at'), el('table', {}, c.by_site.map(s => el('tr', {}, el('td', {}, s.site || '(no allocation site recorded)'), el('td', { class: 'num' }, count(s.objects)), el('td', { class: 'num' }, bytes(s.bytes)))))];
};

async function start() {
  document.getElementById('selector-form').addEventListener('submit', ev => {
    ev.preventDefault();
    document.getElementById('selector-error').hidden = true;
    const { params } = route();
    location.hash = hashFor('select', { selector: document.getElementById('selector').value, dump: params.dump });
  });
  try { meta = await api('meta'); } catch (e) { meta = null; }
  window.addEventListener('hashchange', () => { document.getElementById('selector-error').hidden = true; draw(); });
  draw();
}
start();
"""#
}
