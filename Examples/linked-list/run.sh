#!/usr/bin/env bash
# Story 002: a linked list that grows forever, found by diffing snapshots. Usage: run.sh [TICKS]
. "$(dirname "$0")/../common.sh"
n="${1:-500}"
show "$PYTHON" linked_list.py "$n" "$out"
show "$REFGRAPH" diff "$out/baseline.jsonl" "$out/target.jsonl" "$out/final.jsonl" --limit 2 --rows 5 --cluster 1 -o out/ref.svg
