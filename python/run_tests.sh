#!/bin/sh
# Run the refgraph_export test suite on every pyenv Python present
# (2.7, 3.6 ... 3.13). Prints a SKIPPED line for a missing version and, at the
# end, one line "N passed, N failed, N skipped" counting Python VERSIONS
# (a version passes when its whole unittest run passes). Exit status is
# non-zero when any version failed.
#
#   python/run_tests.sh            # all versions
#   python/run_tests.sh 3.11 2.7   # only these
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(pyenv root 2>/dev/null || echo "$HOME/.pyenv")
VERSIONS=${*:-"2.7 3.6 3.7 3.8 3.9 3.10 3.11 3.12 3.13"}
passed=0; failed=0; skipped=0; failed_list=""
for v in $VERSIONS; do
    py=""
    # newest installed patch release of that minor version
    for d in $(ls -d "$ROOT"/versions/"$v".* 2>/dev/null | sort -t. -k3 -n); do
        case "$(basename "$d")" in
            "$v".[0-9]*) [ -x "$d/bin/python" ] && py="$d/bin/python" ;;
        esac
    done
    if [ -z "$py" ]; then
        echo "SKIPPED: Python $v (not installed under $ROOT/versions)"
        skipped=$((skipped + 1))
        continue
    fi
    echo "=== Python $v ($py)"
    out=$(cd "$HERE/.." && PYTHONPATH="$HERE" "$py" -m unittest discover -s "$HERE/tests" 2>&1)
    status=$?
    echo "$out" | grep -E '^(Ran |OK|FAILED|FAIL:|ERROR:)' | sed 's/^/    /'
    if [ $status -eq 0 ]; then
        passed=$((passed + 1))
        echo "PASSED: Python $v"
    else
        failed=$((failed + 1)); failed_list="$failed_list $v"
        echo "$out" | tail -60 | sed 's/^/    | /'
        echo "FAILED: Python $v"
    fi
done
[ -n "$failed_list" ] && echo "failed versions:$failed_list"
echo "$passed passed, $failed failed, $skipped skipped"
[ $failed -eq 0 ]
