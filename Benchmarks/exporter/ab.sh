#!/bin/sh
# A/B of the plain dump's speed: an old revision's exporter against the
# working tree's, run in turn (old new old new ...) so that a drift of the
# machine's speed falls on both sides. One line per run: Python, side,
# seconds of the dump (bench_exporter.py --plain-only --repeat 1, ~1.1M
# objects), load average. Compare min and median per side.
#
#   Benchmarks/exporter/ab.sh 31d96d0
#   PAIRS=6 VERSIONS="2.7 3.13" Benchmarks/exporter/ab.sh HEAD~3
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
. "$HERE/pyenv.sh"
VERSIONS=${VERSIONS:-"2.7 3.8 3.11 3.13"}
PAIRS=${PAIRS:-4}
REV=${1:?usage: ab.sh OLD_REVISION}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$ROOT" && git archive "$REV" python) | tar -x -C "$tmp" || exit 1
for v in $VERSIONS; do
    py=$(pyenv_python "$v")
    [ -n "$py" ] || { echo "SKIPPED $v"; continue; }
    i=0
    while [ "$i" -lt "$PAIRS" ]; do
        for side in old new; do
            if [ "$side" = old ]; then pkg="$tmp/python"; else pkg="$ROOT/python"; fi
            s=$(PYTHONHASHSEED=0 PYTHONPATH="$pkg" "$py" "$HERE/bench_exporter.py" --plain-only --repeat 1 |
                sed -n 's/^SUMMARY.* seconds=\([0-9.]*\).*/\1/p')
            echo "$v $side ${s:-FAILED} $(cut -d' ' -f1 /proc/loadavg 2>/dev/null)"
        done
        i=$((i + 1))
    done
done
