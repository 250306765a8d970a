#!/usr/bin/env bash
# Story 002: a linked list that grows forever, found by diffing snapshots. Usage: run.sh [TICKS]
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/../common.sh"
n="${1:-500}"
cd "$here"
out=out; mkdir -p "$out"
show "$PYTHON" linked_list.py "$n" "$out"
show "$REFGRAPH" diff "$out/baseline.jsonl" "$out/target.jsonl" "$out/final.jsonl" --limit 2 --rows 5 --cluster 1 -o out/ref.svg
