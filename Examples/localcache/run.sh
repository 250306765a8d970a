#!/usr/bin/env bash
# Story 004: a deque(maxlen=N) keeps expired cache entries alive. Usage: run.sh [ENTRIES]
. "$(dirname "$0")/../common.sh"
n="${1:-20000}"
show "$PYTHON" localcache.py "$n" "$out/dump.jsonl"
show "$REFGRAPH" summary "$out/dump.jsonl" -n 5
show "$REFGRAPH" suspects "$out/dump.jsonl" --limit 2
show "$REFGRAPH" top "$out/dump.jsonl" --group module -n 4
show "$REFGRAPH" path "$out/dump.jsonl" 'type == __main__.Dict' --limit 2
show "$REFGRAPH" render "$out/dump.jsonl" 'type == collections.deque and len > 100' --mode roots -o out/ref.svg
