#!/usr/bin/env bash
# Issue 22's acceptance suite: pytest --refgraph-leaks over Tests/leakcheck/cases
# (7 leaky tests that must fail naming their holder, 12 clean ones: cache patterns
# and per-run fixtures over pytest's machinery, that
# must pass), checked by check.py:
#   analyzer  REFGRAPH set: the report comes from refgraph diff
#   fallback  no analyzer: the pure-Python report from gc referrers
#   sites     the analyzer with PYTHONTRACEMALLOC=5 (3.13): messages name allocation sites
# on every Python that install.sh gave pytest (a Python without it SKIPs), then
# through the pytest11 entry point of a pip-installed refgraph_export (3.12
# venv), alone and under pytest-xdist (-n 2).
# Usage: Tests/leakcheck/run.sh   Environment: REFGRAPH (default
# .build/release/refgraph), LEAKCHECK_PYTHONS (default: all),
# LEAKCHECK_ANALYZER_PYTHONS (default "2.7 3.13": analyzer mode there; 3.12 runs it in the venv).
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
. "$root/Tests/acceptance/pythons.sh"
REFGRAPH="${REFGRAPH:-$root/.build/release/refgraph}"
dest="$root/.build/leakcheck"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
passed=0; failed=0; skipped=0

tally() {  # tally OUTPUT-FILE: adds check.py's counts, prints its rows
  local line
  grep -v '^[0-9]* passed, [0-9]* failed$' "$1"
  line="$(grep '^[0-9]* passed, [0-9]* failed$' "$1" | tail -n 1)"
  if [ -z "$line" ]; then failed=$((failed + 1)); echo "FAIL  $2: no report"; return; fi
  passed=$((passed + ${line%% passed*})); line="${line#* passed, }"; failed=$((failed + ${line%% failed*}))
}

run_case() {  # run_case LABEL MODE PYTHON PYTHONPATH [PYTEST ARGS...]
  local label="$1" mode="$2" py="$3" pp="$4"; shift 4
  local out="$tmp/$label-$mode"
  if [ "$mode" = sites ]; then
    env PYTHONPATH="$pp" REFGRAPH="$REFGRAPH" PYTHONTRACEMALLOC=5 "$py" -m pytest -q -p no:cacheprovider --refgraph-leaks \
      --junitxml="$out.xml" "$@" "$here/cases" >"$out.log" 2>&1
  elif [ "$mode" = analyzer ]; then
    env PYTHONPATH="$pp" REFGRAPH="$REFGRAPH" "$py" -m pytest -q -p no:cacheprovider --refgraph-leaks \
      --junitxml="$out.xml" "$@" "$here/cases" >"$out.log" 2>&1
  else
    env PYTHONPATH="$pp" REFGRAPH= PATH=/usr/bin:/bin "$py" -m pytest -q -p no:cacheprovider --refgraph-leaks \
      --junitxml="$out.xml" "$@" "$here/cases" >"$out.log" 2>&1
  fi
  if [ -f "$out.xml" ]; then
    python3 "$here/check.py" "$out.xml" "$label" "$mode" >"$out.check" 2>&1
  else
    echo "0 passed, 1 failed" >"$out.check"; echo "FAIL  $label $mode: pytest wrote no report:" >>"$out.check"
    tail -n 20 "$out.log" >>"$out.check"
  fi
  tally "$out.check" "$label $mode"
}

analyzer_versions=" ${LEAKCHECK_ANALYZER_PYTHONS:-2.7 3.13} "
for v in ${LEAKCHECK_PYTHONS:-$ALL_PYTHONS}; do
  py="$(python_for "$v")"
  if [ -z "$py" ] || ! [ -f "$dest/pytest-$v/ok" ]; then
    echo "SKIPPED $v: no Python $v or no pytest for it (Tests/leakcheck/install.sh)"; skipped=$((skipped + 1)); continue
  fi
  pp="$dest/pytest-$v:$root/python"
  run_case "$v" fallback "$py" "$pp" -p refgraph_export.pytest_plugin
  if [[ "$analyzer_versions" == *" $v "* ]]; then
    run_case "$v" analyzer "$py" "$pp" -p refgraph_export.pytest_plugin
  fi
  if [ "$v" = 3.13 ]; then
    run_case "$v" sites "$py" "$pp" -p refgraph_export.pytest_plugin
  fi
done

if [ -f "$dest/venv/ok" ]; then
  # the entry point: no -p, no PYTHONPATH (the installed copy is used)
  run_case venv analyzer "$dest/venv/bin/python" ""
  run_case xdist analyzer "$dest/venv/bin/python" "" -n 2
else
  echo "SKIPPED entry point and xdist: no venv (Tests/leakcheck/install.sh)"; skipped=$((skipped + 1))
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
