#!/usr/bin/env bash
# Story 002: a coroutine's list of big strings. Usage: run.sh [TICKS]
. "$(dirname "$0")/../common.sh"
n="${1:-300}"
show "$PYTHON" leaky_coroutine.py "$n" "$out/dump.jsonl"
show "$REFGRAPH" top "$out/dump.jsonl" --by size -n 3
show "$REFGRAPH" suspects "$out/dump.jsonl" --limit 1
show "$REFGRAPH" path "$out/dump.jsonl" 'type == str and size > 20kB' --limit 1
show "$REFGRAPH" render "$out/dump.jsonl" 'type == str and size > 20kB' --mode roots -o out/ref.svg
