#!/usr/bin/env bash
# Story 000: hot reload leaks whole copies of logging. Usage: run.sh [REQUESTS]
. "$(dirname "$0")/../common.sh"
n="${1:-50}"
show "$PYTHON" plat.py "$n" "$out/dump.jsonl"
show "$REFGRAPH" summary "$out/dump.jsonl" -n 5
show "$REFGRAPH" path "$out/dump.jsonl" 'owner == "module logging"' --all --paths 4
show "$REFGRAPH" suspects "$out/dump.jsonl" --limit 3
show "$REFGRAPH" render "$out/dump.jsonl" 'owner == "module logging"' --mode roots --all -o out/ref.svg
