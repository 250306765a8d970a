#!/usr/bin/env bash
# Stories 001/002: memory that is not in Python objects. Usage: run.sh [MEGABYTES]
. "$(dirname "$0")/../common.sh"
n="${1:-300}"
show "$PYTHON" cext_malloc.py "$n" "$out/dump.jsonl"
show "$REFGRAPH" summary "$out/dump.jsonl" -n 3
show "$REFGRAPH" suspects "$out/dump.jsonl" --limit 1
