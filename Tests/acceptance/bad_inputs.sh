#!/usr/bin/env bash
# The real CLI on every file of Tests/Fixtures/bad: exit status and the
# `FILE:LINE: reason` message on stderr, as Tests/Fixtures/bad/EXPECTED.tsv says.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
REFGRAPH="${REFGRAPH:-$root/.build/release/refgraph}"
cd "$root/Tests/Fixtures/bad"
passed=0 failed=0
while IFS=$'\t' read -r file code line reason options; do
  case "$file" in ''|'#'*) continue ;; esac
  if [ "${options:-}" = --nodes ]; then
    args=(edges-ok.tsv --nodes "$file")
  else
    args=("$file")
  fi
  err="$(timeout 60 "$REFGRAPH" summary "${args[@]}" 2>&1 >/dev/null)"
  status=$?
  want="refgraph: $file:$line: $reason"
  if [ "$code" = 0 ]; then
    if [ $status -eq 0 ] && { [ -z "$reason" ] || "$REFGRAPH" summary "${args[@]}" | grep -qF "warning: $file:$line: $reason"; }; then
      passed=$((passed + 1))
    else
      failed=$((failed + 1)); echo "FAIL  $file: exit $status, expected 0 with warning '$reason'"
    fi
  elif [ $status -eq "$code" ] && [[ "$err" == "$want"* ]]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1)); echo "FAIL  $file: exit $status: $err"; echo "      expected exit $code: $want"
  fi
done < EXPECTED.tsv
echo "bad inputs: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
