#!/usr/bin/env bash
# refgraph benchmark harness: `make bench` or `bash Benchmarks/run.sh`.
#
# Generates heap-like graphs (Benchmarks/data/, git-ignored), times refgraph
# and its peers (python-igraph, networkx, objgraph) side by side, writes the
# raw figures to Benchmarks/results/raw/*.json and regenerates
# docs/PERFORMANCE.md from them (Benchmarks/report.py).
#
# Environment:
#   REFGRAPH     refgraph binary (default .build/release/refgraph; `make bench` builds it)
#   GENHEAP      generator binary (default .build/bench/genheap, compiled here when missing)
#   BENCH_SIZES  object counts (default "1000000 10000000"; add 30000000 if you have time)
#   BENCH_PEERS  peers to run (default "igraph networkx objgraph"; "" for refgraph only)
#   BENCH_KEEP_RAW=1 BENCH_SIZES=30000000 BENCH_PEERS=""  add a refgraph-only 30M run to the results
#   BENCH_REPORT_ONLY=1  only regenerate docs/PERFORMANCE.md from the raw results
# Needs: python3 (with venv), /usr/bin/time (GNU time), Graphviz `dot` (objgraph).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

if [ "${BENCH_REPORT_ONLY:-0}" = 1 ]; then
  exec python3 Benchmarks/report.py
fi

export REFGRAPH="${REFGRAPH:-$ROOT/.build/release/refgraph}"
export GENHEAP="${GENHEAP:-$ROOT/.build/bench/genheap}"
if [ ! -x "$REFGRAPH" ]; then
  echo "run.sh: no refgraph at $REFGRAPH (run 'make build' or set REFGRAPH)" >&2
  exit 2
fi
if [ ! -x "$GENHEAP" ]; then
  echo "run.sh: compiling genheap -> $GENHEAP"
  mkdir -p "$(dirname "$GENHEAP")"
  swiftc -O Benchmarks/genheap/main.swift -o "$GENHEAP"
fi
if [ ! -x /usr/bin/time ]; then
  echo "run.sh: needs GNU time at /usr/bin/time (apt-get install time)" >&2
  exit 2
fi

VENV=Benchmarks/.venv
if [ -n "${BENCH_PEERS-igraph networkx objgraph}" ]; then
  if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import igraph, networkx, objgraph, numpy, scipy, sympy, botocore' 2>/dev/null; then
    echo "run.sh: installing the peers into $VENV"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q igraph networkx objgraph numpy scipy sympy botocore
  fi
  command -v dot >/dev/null || echo "run.sh: warning: Graphviz 'dot' missing; objgraph.show_backrefs will fail" >&2
fi
export PEER_PYTHON="$ROOT/$VENV/bin/python"

mkdir -p Benchmarks/data Benchmarks/results/raw
python3 Benchmarks/bench.py
if [ -x "$PEER_PYTHON" ] && "$PEER_PYTHON" -c 'import objgraph' 2>/dev/null; then
  # Rendering at about 50, 300 and 1000 objects against objgraph.show_backrefs.
  PYTHONPATH=python "$PEER_PYTHON" Benchmarks/peers/render_sizes.py "${REFGRAPH:-$ROOT/.build/release/refgraph}" Benchmarks/data/render \
    | grep '^|' > Benchmarks/results/raw/render-sizes.md
fi
python3 Benchmarks/report.py
echo "run.sh: wrote docs/PERFORMANCE.md"
