#!/bin/sh
# Plain-dump speed of refgraph_export on every pyenv Python, one SUMMARY line
# each (bench_exporter.py --plain-only: synthetic ~1M-object heap, best of 3).
#
#   Benchmarks/exporter/speed.sh                  # the working tree
#   Benchmarks/exporter/speed.sh 5e6b4c7          # a commit (exported with git archive)
#   VERSIONS="3.11 2.7" Benchmarks/exporter/speed.sh HEAD
#   HEAP=real Benchmarks/exporter/speed.sh        # the real-shaped heap (bench_exporter.py --heap real)
#
# The benchmark script itself is always the working tree's, so two revisions
# are measured on the same heap. Compare revisions in one session, one after
# the other: the figures move with the machine's load.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
. "$HERE/pyenv.sh"
VERSIONS=${VERSIONS:-"2.7 3.6 3.7 3.8 3.9 3.10 3.11 3.12 3.13"}
REV=${1:-}
tmp=""
if [ -n "$REV" ]; then
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    (cd "$ROOT" && git archive "$REV" python) | tar -x -C "$tmp" || exit 1
    PKG="$tmp/python"
else
    PKG="$ROOT/python"
fi
echo "revision: ${REV:-working tree}; load: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)"
for v in $VERSIONS; do
    py=$(pyenv_python "$v")
    [ -n "$py" ] || { echo "SKIPPED $v"; continue; }
    PYTHONPATH="$PKG" "$py" "$HERE/bench_exporter.py" --plain-only --repeat 3 --heap "${HEAP:-synthetic}" | grep '^SUMMARY'
done
