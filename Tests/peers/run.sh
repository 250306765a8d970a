#!/usr/bin/env bash
# The peer replay: objgraph, meliae, refcycle, guppy3 and Pympler's own tests,
# rebuilt as object graphs, dumped with refgraph_export and asked of refgraph
# (docs/PEERS.md). Where a peer is installed in .build/peers (install.sh), its
# own answer in the same process is compared too; where it is not, the
# comparison prints SKIPPED and refgraph's assertions still run.
# Usage: Tests/peers/run.sh [ROW-SUBSTRING]
# Environment: REFGRAPH (default .build/release/refgraph), PEERS_PYTHON (the
# Python that builds the graphs when no peer venv is used, default 3.11),
# PEERS_JOBS (peers run side by side, default: the number of cores),
# PEERS_TABLE=FILE to append one JSON line per row (docs/PEERS.md's table),
# PEERS_TMP (where dumps go; default /dev/shm when writable), PEERS_KEEP=1 keeps them.
# Prints PASS/FAIL/XFAIL/XPASS/SKIP per row, NONE for tests without a
# counterpart, then "N passed, N failed, N skipped"; exits 1 when a row failed
# that Tests/peers/KNOWN_FAILURES does not list.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
export REFGRAPH="${REFGRAPH:-$root/.build/release/refgraph}"
only="${1:-}"
if [ ! -x "$REFGRAPH" ]; then echo "refgraph is not built at $REFGRAPH (set REFGRAPH)" >&2; exit 2; fi
. "$root/Tests/acceptance/pythons.sh"
checker="$(command -v python3 || true)"
[ -n "$checker" ] || checker="$(python_for 3.11)"
[ -n "$checker" ] || { echo "no python3 to run the replay" >&2; exit 2; }

for p in objgraph refcycle guppy3 pympler meliae; do
  if [ -f "$root/.build/peers/$p/ok" ]; then
    echo "peer $p: installed ($(sed -n 2p "$root/.build/peers/$p/ok") on Python $(head -1 "$root/.build/peers/$p/ok"))"
  else
    echo "peer $p: SKIPPED comparisons (not installed; run Tests/peers/install.sh)"
  fi
done

# Dumps go to memory when it can (the exporter fsyncs each dump; tmpfs makes that free).
tmpbase="${PEERS_TMP:-}"
if [ -z "$tmpbase" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then tmpbase=/dev/shm; fi
work="$(mktemp -d -p "${tmpbase:-${TMPDIR:-/tmp}}")"; trap 'rm -rf "$work"' EXIT
jobs_max="${PEERS_JOBS:-$(nproc 2>/dev/null || echo 2)}"
start=$SECONDS
for p in objgraph meliae refcycle guppy3 pympler; do
  while [ "$(jobs -rp | wc -l)" -ge "$jobs_max" ]; do sleep 0.2; done
  ( TMPDIR="$work" "$checker" "$here/${p}_replay.py" "$only" > "$work/$p.out" 2>&1; echo $? > "$work/$p.rc" ) &
done
wait

passed=0 failed=0 xfailed=0 skipped=0 none=0 cskipped=0
for p in objgraph meliae refcycle guppy3 pympler; do
  if [ "$(cat "$work/$p.rc")" != 0 ] || ! grep -q '^COUNTS ' "$work/$p.out"; then
    echo "FAIL $p: the replay script did not finish:"; tail -5 "$work/$p.out"; failed=$((failed + 1)); continue
  fi
  grep -v '^COUNTS ' "$work/$p.out"
  c="$(grep '^COUNTS ' "$work/$p.out" | cut -d' ' -f2-)"
  get() { echo "$c" | "$checker" -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }
  passed=$((passed + $(get passed))); failed=$((failed + $(get failed)))
  xfailed=$((xfailed + $(get xfailed))); skipped=$((skipped + $(get skipped)))
  cskipped=$((cskipped + $(get compare_skipped)))
  none=$((none + $(grep -c '^NONE ' "$work/$p.out")))
done
echo
echo "$xfailed known failures (XFAIL, Tests/peers/KNOWN_FAILURES), $none peer tests without a counterpart (NONE), $cskipped peer comparisons skipped, $((SECONDS - start)) s"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
