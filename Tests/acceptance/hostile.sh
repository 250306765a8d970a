#!/usr/bin/env bash
# Hostile input against the real CLI (issue 18): each case gives the exit
# status it must end with and a pattern its output must hold. Never a crash
# (exit 128+signal), never a hang (each case has 60 s).
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
REFGRAPH="${REFGRAPH:-$root/.build/release/refgraph}"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
passed=0 failed=0

# expect STATUS PATTERN -- ARGS...: runs refgraph ARGS, checks the exit status
# and that stdout+stderr match the extended regular expression PATTERN.
expect() {
  local want="$1" pattern="$2"; shift 3
  local out status
  out="$(timeout 60 "$REFGRAPH" "$@" 2>&1)"; status=$?
  if [ "$status" -eq "$want" ] && grep -qE -- "$pattern" <<<"$out"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL  refgraph $(printf '%q ' "$@" | cut -c1-200): exit $status (want $want), output: $(head -c 300 <<<"$out")"
  fi
}

# Two dict subclasses that are each other's __dict__, and a dict that is its
# own: a legal program's dump (the exporter writes it), and owner chains
# that loop.
cat > "$work/owners.jsonl" <<'JSON'
{"record": "header", "format": "refgraph", "version": 1, "python": "3.11.7", "implementation": "cpython", "pid": 1, "values": false}
{"address": 1, "type": "dict", "size": 100, "refs": [2], "labels": ["['app']"], "root": "sys.modules", "refcount": 1}
{"address": 2, "type": "app.A", "size": 100, "refs": [3], "labels": ["__dict__"], "refcount": 2}
{"address": 3, "type": "app.B", "size": 100, "refs": [2], "labels": ["__dict__"], "refcount": 1}
{"address": 4, "type": "dict", "size": 100, "refs": [4], "labels": ["__dict__"], "refcount": 1, "root": "external", "unexplained": 0}
{"record": "trailer", "objects": 4, "references": 4}
JSON
d="$work/owners.jsonl"
expect 0 'objects? match' -- path "$d" 'module == logging or module == app'
expect 0 'objects? match' -- path "$d" 'type == dict' --avoid 'module == app'
expect 0 '' -- top "$d" --group module
expect 0 'wrote' -- render "$d" 'id == 3' -o "$work/o.svg" --filter 'module != logging' --highlight 'module == app'
expect 0 'pass' -- check "$d" --fail-on 'count:module == logging>10'

# Selectors: long and/or chains are fine, a bound on the number of tests.
long="$(python3 -c "print(' or '.join(['type == int'] * 5000))")"
expect 0 'objects? match' -- path "$d" "$long"
expect 0 'pass' -- check "$d" --fail-on "count:$long>10"
huge="$(python3 -c "print(' and '.join(['size > 0'] * 10001))")"
expect 2 'more than 10000 tests' -- path "$d" "$huge"
deep="$(python3 -c "print('(' * 100 + 'int' + ')' * 100)")"
expect 2 'nests too deeply' -- path "$d" "$deep"
nots="$(python3 -c "print('not ' * 5000 + 'int')")"
expect 2 'nests too deeply' -- path "$d" "$nots"

# Regular expressions: bounded in length, matched in linear time (LinearRegex).
brackets="$(python3 -c "print('[' * 60000 + 'a' + ']' * 60000)")"
expect 2 'longer than 1000 characters' -- path "$d" "name ~ \"$brackets\""
nested="$(python3 -c "print('(' * 400 + 'a' + ')' * 400)")"
expect 0 'objects? match' -- path "$d" "name ~ \"$nested\""
expect 0 'pass' -- check "$d" --fail-on "count:name ~ \"$nested\">0"
expect 0 'objects? match' -- path "$d" 'name ~ "(.*)*x$" or name ~ "(a*){,30}b" or name ~ ".*.*.*.*q"'
expect 2 'backreferences' -- path "$d" 'name ~ "(a)\\1"'
expect 0 'objects? match' -- path "$d" 'name ~ "^(a|[b-c])\\[x\\]$" or type ~ "^app\\."'

# Drawings: Graphviz corrupts its heap on a 20,000-object chain.
expect 64 'not a number of objects to draw' -- render "$d" 'id == 3' -o "$work/x.svg" --max-nodes 20000
expect 0 'wrote' -- render "$d" 'id == 3' -o "$work/x.svg" --max-nodes 10000

# FIFOs and pipes: never block on open, read a pipe as a stream.
mkdir -p "$work/fifo/dir"
cp "$d" "$work/fifo/d.jsonl"; mkfifo "$work/fifo/d.jsonl.rgidx"
expect 0 'native dump' -- summary "$work/fifo/d.jsonl" --cache on
cp "$d" "$work/fifo/dir/a.jsonl"; mkfifo "$work/fifo/dir/b.jsonl"
expect 0 '1 passed, 0 failed, 0 unreadable' -- check "$work/fifo/dir"
mkfifo "$work/fifo/lone.jsonl"
expect 2 'lone.jsonl:1: the file is empty' -- summary "$work/fifo/lone.jsonl"
expect 2 'is not a regular file or a pipe' -- summary /dev/zero
expect 0 'objects +4' -- summary <(cat "$d")
expect 0 'objects +4' -- summary <(gzip -c "$d")

# Gzip bombs: refused while inflating, not after filling memory.
head -c 400000000 /dev/zero | tr '\0' '\n' | gzip -1 > "$work/bomb.gz"
expect 2 'gzip data expands to over 64 MB of blank lines' -- summary "$work/bomb.gz"
if [ -x /usr/bin/time ]; then
  rss="$(/usr/bin/time -f %M "$REFGRAPH" summary "$work/bomb.gz" 2>&1 >/dev/null | tail -1)"
  if [ "$rss" -lt 400000 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL  gzip bomb: peak RSS ${rss} kB (want < 400 MB)"; fi
fi

# Write errors: a report that cannot be written whole is an error.
full() {  # full NAME ARGS...: refgraph ARGS > /dev/full must exit 2 and say why
  local out status
  out="$(timeout 60 "$REFGRAPH" "$@" 2>&1 >/dev/full)"; status=$?
  if [ "$status" -eq 2 ] && grep -q 'cannot write the report: No space left on device' <<<"$out"; then passed=$((passed + 1))
  else failed=$((failed + 1)); echo "FAIL  refgraph $* > /dev/full: exit $status, $(head -c 200 <<<"$out")"; fi
}
full summary "$d"; full path "$d" 'type == dict' --json; full check "$d" --format junit
full top "$d"; full suspects "$d" --json; full diff "$d" "$d"; full cycles "$d"; full dominators "$d" 'id == 3'

# Untrusted names and values in drawings and XML: well-formed, drawn as they are.
python3 - "$work/esc.jsonl" <<'PY'
import json, sys
with open(sys.argv[1], 'w') as f:
    for r in [{"record": "header", "format": "refgraph", "version": 1, "python": "3.11.7", "implementation": "cpython", "pid": 1, "values": True},
              {"address": 1, "type": "dict", "size": 100, "refs": [2, 3, 4, 5], "labels": ["['a']", "['b']", "['c']", "['d\\N']"], "root": "sys.modules", "refcount": 1},
              {"address": 2, "type": "function", "size": 100, "name": "C:\\Temp\\Nvidia \\N\\G\\T\\H", "refs": [], "refcount": 1},
              {"address": 3, "type": "str", "size": 50, "value": "]", "refs": [], "refcount": 1},
              {"address": 4, "type": "str", "size": 50, "value": "x\uffffy\ufffe", "refs": [], "refcount": 1},
              {"address": 5, "type": "str", "size": 50, "value": "]]", "refs": [], "refcount": 1},
              {"record": "trailer", "objects": 5, "references": 4}]:
        f.write(json.dumps(r) + "\n")
PY
expect 0 'wrote' -- render "$work/esc.jsonl" 'id == 1' --mode refs -o "$work/esc.svg"
if command -v xmllint >/dev/null; then
  if xmllint --noout "$work/esc.svg" 2>/dev/null && grep -q 'C:∖Temp∖Nvidia ∖N∖G∖T∖H' "$work/esc.svg" && ! grep -q '>n[0-9]*</text>' "$work/esc.svg"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1)); echo "FAIL  esc.svg: ill-formed, a backslash expanded, or a label drawn as the node's name"
  fi
  "$REFGRAPH" check "$work/esc.jsonl" --fail-on "count:value == \"x$(printf '\xef\xbf\xbf')y\">0" --format junit > "$work/j.xml" 2>/dev/null
  if xmllint --noout "$work/j.xml" 2>/dev/null; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL  junit with U+FFFF: ill-formed"; fi
fi

# Control characters in a selector's field name are escaped in the error.
out="$("$REFGRAPH" path "$d" $'\e[31mfoo\a == 1' 2>&1)"
if ! grep -q $'\e\|\a' <<<"$out" && grep -q 'x1b' <<<"$out"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL  raw control characters in a selector error"; fi
out="$("$REFGRAPH" path "$d" $'x\e == 1' 2>&1)"
if ! grep -q $'\e' <<<"$out"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL  raw ESC in an unknown field's name"; fi

# Numeric options: negative, fractional, absurd values are usage errors (64).
for args in "path $d int --limit=-1" "path $d int --paths=-1" "path $d int --max-depth=-1" \
            "dominators $d int --limit=-1" "cycles $d --limit=-1" "summary $d --top=-1" \
            "top $d --top=-1" "top $d -n 1.5" "suspects $d --limit=-1" "suspects $d --threshold=-5" \
            "suspects $d --threshold=nan" "suspects $d --accumulation=-1" "diff $d $d --limit=-1" \
            "diff $d $d --rows=-1" "diff $d $d --cluster=0" "render $d int -o $work/x.svg --max-depth=-1" \
            "render $d int -o $work/x.svg --too-many=-1" "render $d int -o $work/x.svg --max-nodes=-1" \
            "path $d int --limit=99999999999999999999"; do
  # shellcheck disable=SC2086
  expect 64 'is not a (count|percentage|position)|invalid' -- $args
done

# Issue 20, presentation: one name for the row limit (--limit, -n; --top kept),
# "did you mean" for a mistyped command, snapshots out of time order, hex ids
# in --json as the text shows them.
for cmd in "path $d int" "dominators $d int" "cycles $d" "summary $d" "top $d" "suspects $d" "diff $d $d"; do
  # shellcheck disable=SC2086
  expect 0 '.' -- $cmd -n 2
  # shellcheck disable=SC2086
  expect 0 '.' -- $cmd --limit 2
done
expect 64 "unknown command 'sumary'; did you mean 'summary'\?" -- sumary "$d"
expect 64 "unknown command 'dominator'; did you mean 'dominators'\?" -- dominator "$d"
python3 - "$d" "$work/older.jsonl" <<'PY'
import sys
lines = open(sys.argv[1]).read().split('\n')
lines[0] = lines[0].replace('"version": 1', '"version": 1, "time": 1000.0', 1)
open(sys.argv[2], 'w').write('\n'.join(lines))
PY
python3 - "$d" "$work/newer.jsonl" <<'PY'
import sys
lines = open(sys.argv[1]).read().split('\n')
lines[0] = lines[0].replace('"version": 1', '"version": 1, "time": 2000.0', 1)
open(sys.argv[2], 'w').write('\n'.join(lines))
PY
expect 0 'not in time order: .*older.jsonl was taken before .*newer.jsonl' -- diff "$work/newer.jsonl" "$work/older.jsonl" --by-type
if "$REFGRAPH" diff "$work/older.jsonl" "$work/newer.jsonl" --by-type 2>&1 | grep -q 'time order'; then
  failed=$((failed + 1)); echo "FAIL  diff warned about snapshots in time order"
else passed=$((passed + 1)); fi
expect 0 '"id": "0x[0-9a-f]+"' -- path "$d" dict --json
expect 0 '"member_ids": \["0x[0-9a-f]+"' -- path "$d" dict --json


# Colour (issue 20): --color always|never, and auto, which colours a terminal
# unless NO_COLOR is set (a pseudo-terminal from script(1) where it exists).
esc=$'\e'
expect 0 "${esc}\\[1;35m\\[sys.modules root\\]" -- path "$d" 'type == app.A' --color always
expect 0 "${esc}\\[33m0 objects match" -- path "$d" 'type == nothing' --color always
out="$("$REFGRAPH" path "$d" 'type == app.A' --color never 2>&1; "$REFGRAPH" path "$d" 'type == app.A' 2>&1)"
if grep -q "$esc" <<<"$out"; then failed=$((failed + 1)); echo "FAIL  escapes without a terminal or with --color never"; else passed=$((passed + 1)); fi
expect 64 "invalid|Invalid" -- path "$d" 'type == app.A' --color sometimes
if command -v script >/dev/null 2>&1; then
  tty_out="$(TERM=xterm script -qec "$(printf '%q ' "$REFGRAPH" path "$d" 'type == app.A')" /dev/null 2>&1)"
  if grep -q "$esc\[1;35m" <<<"$tty_out"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL  no colour on a terminal: $(head -c 300 <<<"$tty_out")"; fi
  tty_out="$(NO_COLOR=1 TERM=xterm script -qec "$(printf '%q ' "$REFGRAPH" path "$d" 'type == app.A')" /dev/null 2>&1)"
  if grep -q "$esc\[" <<<"$tty_out"; then failed=$((failed + 1)); echo "FAIL  colour on a terminal with NO_COLOR=1"; else passed=$((passed + 1)); fi
else
  echo "SKIPPED  colour on a terminal: no script(1)"
fi

echo "hostile inputs: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
