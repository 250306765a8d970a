"""Rendering benchmark: refgraph render against objgraph.show_backrefs on the
same live heap, for pictures of about 50, 300 and 1000 objects.

    PYTHONPATH=python BENCH_PYTHON_WITH_OBJGRAPH Benchmarks/peers/render_sizes.py REFGRAPH OUTDIR

The heap: the stdlib's logging, email, http, xml, json, asyncio and decimal
imported, plus three planted targets, each a list held by N small dicts
(N = 50, 300, 1000) that a global list holds, so the backref graph of each
target at depth 2 has about N + 3 objects. Both tools draw it: objgraph
walks the live heap, writes DOT and runs `dot`; refgraph renders a dump of
this same process in-process through libgvc and reports its load, selection
and Graphviz times separately (`render --timing`). Prints a markdown table.
"""
import json
import logging
import email.mime.text, http.client, xml.dom.minidom, asyncio, decimal  # noqa: E401,F401
import os
import re
import subprocess
import sys
import time

import objgraph
import refgraph_export

REFGRAPH, OUT = sys.argv[1], sys.argv[2]
os.makedirs(OUT, exist_ok=True)
dump = os.path.join(OUT, "render-heap.jsonl")

class Planted50(list): pass
class Planted300(list): pass
class Planted1000(list): pass
targets = {50: Planted50(), 300: Planted300(), 1000: Planted1000()}
holders = [[{"held": t} for _ in range(n)] for n, t in targets.items()]
refgraph_export.dump(dump)
rows = []
depth, too_many = 2, 5000
for n, target in targets.items():
    kind = type(target).__name__
    svg = os.path.join(OUT, "objgraph-%d.svg" % n)
    t0 = time.perf_counter()
    objgraph.show_backrefs([target], max_depth=depth, too_many=too_many, filename=svg)
    t_obj = time.perf_counter() - t0
    obj_nodes = len(re.findall(r'class="node"', open(svg).read()))
    out = os.path.join(OUT, "refgraph-%d.svg" % n)
    t0 = time.perf_counter()
    p = subprocess.run([REFGRAPH, "render", dump, "type == __main__." + kind, "--mode", "backrefs",
                        "--max-depth", str(depth), "--too-many", str(too_many), "--max-nodes", "20000",
                        "-o", out, "--timing", "--cache", "off"], capture_output=True, text=True)
    t_rg = time.perf_counter() - t0
    timing = dict(re.findall(r"(load|selection|graphviz) ([0-9.e-]+) seconds", p.stderr))
    rg_nodes = len(re.findall(r'class="node"', open(out).read())) if os.path.exists(out) else 0
    rows.append((n, too_many, obj_nodes, t_obj, rg_nodes, t_rg, timing, p.stderr.strip().splitlines()[-1:]))
print("| planted referrers (depth 2) | objgraph nodes | objgraph (walk + DOT + `dot`) | refgraph nodes | refgraph total (process) | of which load | selection | Graphviz in-process | ratio objgraph / refgraph (total) | ratio objgraph / refgraph (selection + Graphviz) |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for n, tm, on, to, rn, tr, t, _ in rows:
    sel, gv, ld = float(t.get("selection", 0)), float(t.get("graphviz", 0)), float(t.get("load", 0))
    print("| %d | %d | %.3f s | %d | %.3f s | %.3f s | %.3f s | %.3f s | %.2fx | %.2fx |" % (
        n, on, to, rn, tr, ld, sel, gv, to / tr if tr else 0, to / (sel + gv) if sel + gv else 0))
