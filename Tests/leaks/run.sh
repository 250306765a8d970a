#!/usr/bin/env bash
# The leak corpus: every program of Tests/leaks, on every Python of
# LEAK_PYTHONS it applies to, run into a temporary folder (three dumps and the
# truth it measured itself), then refgraph's answers checked against the truth:
#   suspects#1  refgraph suspects LAST: suspect #1 is the holder, or is held through it
#   diff#1      refgraph diff SNAP1 SNAP2 SNAP3: cluster #1's path passes through the holder
#   retained    refgraph dominators LAST SELECTOR: the holder's retained size is within
#               1% of the truth (reachability truth, 2.7) or 10% (tracemalloc truth, 3.x)
# Usage: Tests/leaks/run.sh [NAME-SUBSTRING]
# Environment: REFGRAPH (default .build/release/refgraph), LEAK_PYTHONS (default
# "2.7 3.8 3.11 3.13"), LEAK_KEEP=DIR to keep the dumps there, LEAK_JOBS (default:
# the number of cores) cases at a time.
# Prints PASS/FAIL per check, SKIPPED per program and Python that does not run,
# then "N passed, N failed, N skipped"; exits 1 when a check failed.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
REFGRAPH="${REFGRAPH:-$root/.build/release/refgraph}"
versions="${LEAK_PYTHONS:-2.7 3.8 3.11 3.13}"
only="${1:-}"

# python_for, shared with the acceptance suite.
# shellcheck source=../acceptance/pythons.sh
. "$root/Tests/acceptance/pythons.sh"

# applies "2.7, 3.6+" 3.8 -> true. Tokens: X.Y (that version) or X.Y+ (that or later, same major).
applies() {
  local spec="$1" v="$2" tok min
  for tok in ${spec//,/ }; do
    if [[ "$tok" == *+ ]]; then
      min="${tok%+}"
      if [ "${min%%.*}" = "${v%%.*}" ] && [ "$(printf '%s\n%s\n' "$min" "$v" | sort -V | head -1)" = "$min" ]; then return 0; fi
    elif [ "$tok" = "$v" ]; then
      return 0
    fi
  done
  return 1
}

if [ ! -x "$REFGRAPH" ]; then echo "refgraph is not built at $REFGRAPH (set REFGRAPH)" >&2; exit 2; fi
checker="$(command -v python3 || true)"
[ -n "$checker" ] || checker="$(python_for 3.11)"
[ -n "$checker" ] || { echo "no python3 to run check.py" >&2; exit 2; }

if [ -n "${LEAK_KEEP:-}" ]; then work="$LEAK_KEEP"; mkdir -p "$work"; else
  work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
fi
passed=0 failed=0 skipped=0 xfailed=0
# KNOWN_FAILURES: "NAME pyV CHECK" lines for checks that fail today for a
# stated reason; they print XFAIL (or XPASS once fixed) and do not fail the run.
known() { grep -qxF "$1" "$here/KNOWN_FAILURES" 2>/dev/null; }
count() {  # count the PASS/FAIL lines of a check run, and print them
  local line key
  while IFS= read -r line; do
    key="$(echo "$line" | cut -d' ' -f2-4 | sed 's/:$//')"
    case "$line" in
      PASS\ *) passed=$((passed + 1)); known "$key" && echo "XPASS (listed in KNOWN_FAILURES) $key" ;;
      FAIL\ *) if known "$key"; then xfailed=$((xfailed + 1)); line="X$line"; else failed=$((failed + 1)); fi ;;
    esac
    echo "$line"
  done
}

# one program on one Python: its lines (PASS/FAIL/NOTE) into $d/result
run_case() {  # $1 name, $2 program, $3 version, $4 python, $5 folder
  local name="$1" prog="$2" v="$3" py="$4" d="$5" start=$SECONDS c
  if ! PYTHONPATH="$here:$root/python" timeout 300 "$py" "$prog" "$d" >"$d/run.log" 2>&1; then
    for c in suspects#1 diff#1 retained; do
      echo "FAIL $name py$v $c: expected the program to run; got: $(tail -2 "$d/run.log" | tr '\n' ' ' | cut -c1-300)"
    done > "$d/result"
    return
  fi
  { [ $((SECONDS - start)) -le 20 ] || echo "NOTE $name py$v took $((SECONDS - start))s (the corpus aims at 20 s)"
    "$checker" "$here/check.py" "$REFGRAPH" "$d" "$name" "$v"; } > "$d/result" 2>&1
}

# Cases run side by side, LEAK_JOBS at a time (default: one per core); their
# lines are printed in order once all finished.
jobs_max="${LEAK_JOBS:-$(nproc 2>/dev/null || echo 2)}"
cases=()
for prog in "$here"/*.py; do
  name="$(basename "$prog" .py)"
  case "$name" in leakkit|check) continue ;; esac
  if [ -n "$only" ] && [[ "$name" != *"$only"* ]]; then continue; fi
  spec="$(sed -n 's/^# applies: *\([0-9.+, ]*[0-9+]\).*/\1/p' "$prog" | head -1)"
  for v in $versions; do
    py="$(python_for "$v")"
    if [ -z "$py" ]; then cases+=("SKIPPED $name py$v: python$v is not installed"); continue; fi
    if ! applies "$spec" "$v"; then cases+=("SKIPPED $name py$v: applies to $spec only"); continue; fi
    d="$work/$name-$v"; rm -rf "$d"; mkdir -p "$d"
    cases+=("$d")
    while [ "$(jobs -rp | wc -l)" -ge "$jobs_max" ]; do wait -n; done
    run_case "$name" "$prog" "$v" "$py" "$d" &
  done
done
wait
for c in "${cases[@]}"; do
  case "$c" in
    SKIPPED\ *) echo "$c"; skipped=$((skipped + 1)) ;;
    *) count < "$c/result" ;;
  esac
done
[ "$xfailed" -eq 0 ] || echo "known failures (Tests/leaks/KNOWN_FAILURES): $xfailed"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
