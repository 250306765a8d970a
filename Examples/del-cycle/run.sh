#!/usr/bin/env bash
# Story 003: __del__ cycles, uncollectable on 2.7, collectable on 3.4+. Usage: run.sh [PAIRS]
# Run it with PYTHON=python2.7 and PYTHON=python3 to see both.
. "$(dirname "$0")/../common.sh"
n="${1:-100}"
show "$PYTHON" del_cycle.py "$n" "$out"
show "$REFGRAPH" cycles "$out/before-gc.jsonl" --finalizers --limit 1
show "$REFGRAPH" cycles "$out/after-gc.jsonl" --finalizers --limit 1
show "$REFGRAPH" check "$out/before-gc.jsonl" "$out/after-gc.jsonl" --fail-on uncollectable --fail-on garbage || true
show "$REFGRAPH" render "$out/before-gc.jsonl" 'type == __main__.Leaky' --mode cycle -o out/ref.svg
