#!/usr/bin/env bash
# Run the refgraph_export test suite on every pyenv Python present
# (2.7, 3.6 ... 3.13). Prints a SKIPPED line for a missing version and, at the
# end, one line "N passed, N failed, N skipped" counting Python VERSIONS
# (a version passes when its whole unittest run passes). Exit status is
# non-zero when any version failed.
#
#   python/run_tests.sh            # all versions
#   python/run_tests.sh 3.11 2.7   # only these
#   JOBS=1 python/run_tests.sh     # one version at a time (default: one per core)
#
# Versions run side by side (each suite is one Python process and its
# children); their reports are printed in the order asked, once all finished.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(pyenv root 2>/dev/null || echo "$HOME/.pyenv")
VERSIONS=${*:-"2.7 3.6 3.7 3.8 3.9 3.10 3.11 3.12 3.13"}
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

# newest installed patch release of minor version $1, or nothing
python_of() {
    local py="" d
    for d in $(ls -d "$ROOT"/versions/"$1".* 2>/dev/null | sort -t. -k3 -n); do
        case "$(basename "$d")" in
            "$1".[0-9]*) [ -x "$d/bin/python" ] && py="$d/bin/python" ;;
        esac
    done
    echo "$py"
}

run_one() {  # $1 version, $2 python: writes $OUT/$1.log and $OUT/$1.rc
    local start=$SECONDS out status
    out=$(cd "$HERE/.." && PYTHONPATH="$HERE" "$2" -m unittest discover -s "$HERE/tests" 2>&1)
    status=$?
    {
        echo "=== Python $1 ($2), $((SECONDS - start)) s"
        echo "$out" | grep -E '^(Ran |OK|FAILED|FAIL:|ERROR:)' | sed 's/^/    /'
        [ $status -eq 0 ] || echo "$out" | tail -60 | sed 's/^/    | /'
    } > "$OUT/$1.log"
    echo $status > "$OUT/$1.rc"
}

for v in $VERSIONS; do
    py=$(python_of "$v")
    [ -n "$py" ] || continue
    while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do wait -n; done
    run_one "$v" "$py" &
done
wait

passed=0; failed=0; skipped=0; failed_list=""
for v in $VERSIONS; do
    if [ ! -f "$OUT/$v.rc" ]; then
        echo "SKIPPED: Python $v (not installed under $ROOT/versions)"
        skipped=$((skipped + 1))
        continue
    fi
    cat "$OUT/$v.log"
    if [ "$(cat "$OUT/$v.rc")" = 0 ]; then
        passed=$((passed + 1)); echo "PASSED: Python $v"
    else
        failed=$((failed + 1)); failed_list="$failed_list $v"; echo "FAILED: Python $v"
    fi
done
[ -n "$failed_list" ] && echo "failed versions:$failed_list"
echo "$passed passed, $failed failed, $skipped skipped"
[ $failed -eq 0 ]
