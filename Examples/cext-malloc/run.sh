#!/usr/bin/env bash
# Stories 001/002: memory that is not in Python objects. Usage: run.sh [MEGABYTES]
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/../common.sh"
n="${1:-300}"
cd "$here"
out=out; mkdir -p "$out"
show "$PYTHON" cext_malloc.py "$n" "$out/dump.jsonl"
show "$REFGRAPH" summary "$out/dump.jsonl" -n 3
show "$REFGRAPH" suspects "$out/dump.jsonl" --limit 1
