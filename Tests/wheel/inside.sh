#!/usr/bin/env bash
# Runs inside Tests/wheel/run.sh's mount namespace, Swift and Graphviz hidden:
# the installed exporter and analyzer, as a user would run them.
#   inside.sh WORKDIR   (WORKDIR/venv holds the installed wheel)
set -u
work=$1
venv="$work/venv"
py="$venv/bin/python"
fails=0
pass() { echo "PASS  $*"; }
fail() { echo "FAIL  $*"; fails=$((fails + 1)); }
cd "$work" || exit 1

# The hiding works: neither Graphviz nor the Swift runtime can be loaded
# (HIDDEN=0: run.sh found no mount namespace and said so).
if [ "${HIDDEN:-1}" = 1 ]; then
  if "$py" -c 'import ctypes; ctypes.CDLL("libgvc.so.6")' 2>/dev/null; then
    fail "libgvc.so.6 is still loadable: the test would prove nothing"
  else
    pass "the system's libgvc is hidden"
  fi
  if "$py" -c 'import ctypes; ctypes.CDLL("libswiftCore.so")' 2>/dev/null; then
    fail "libswiftCore.so is still loadable"
  elif command -v swift >/dev/null 2>&1 && swift --version >/dev/null 2>&1; then
    fail "the Swift toolchain still runs"
  else
    pass "the Swift toolchain is hidden"
  fi
fi

# A heap with a known leak, dumped by the installed exporter.
cat >leaky.py <<'EOF'
import refgraph_export

class Session(object):
    def __init__(self, i):
        self.payload = bytearray(4096)

class Registry(object):
    handlers = []

for i in range(50):
    Registry.handlers.append(Session(i))
refgraph_export.dump('heap.jsonl')
EOF
if "$py" leaky.py && [ -s heap.jsonl ]; then pass "the installed exporter wrote heap.jsonl"; else fail "exporter"; fi
where=$("$py" -c 'import refgraph_export; print(refgraph_export.__file__)')
case "$where" in "$venv"/*) pass "refgraph_export is imported from the venv";; *) fail "refgraph_export came from $where";; esac

rg="$venv/bin/refgraph"
out=$("$rg" summary heap.jsonl 2>&1); rc=$?
if [ $rc = 0 ] && grep -q "objects" <<<"$out"; then pass "refgraph summary"; else echo "$out" | tail -5; fail "refgraph summary (exit $rc)"; fi

out=$("$rg" path heap.jsonl Session 2>&1); rc=$?
if [ $rc = 0 ] && grep -q "handlers" <<<"$out"; then pass "refgraph path names Registry.handlers"; else echo "$out" | tail -8; fail "refgraph path (exit $rc)"; fi

out=$("$rg" render heap.jsonl Session -o x.svg 2>&1); rc=$?
if [ $rc = 0 ] && grep -q "<svg" x.svg 2>/dev/null && grep -q "Session" x.svg; then
  pass "refgraph render -o x.svg (dot engine, vendored plugins)"
else
  echo "$out" | tail -5; fail "refgraph render -o x.svg (exit $rc)"
fi

out=$("$rg" render heap.jsonl Session --engine sfdp -o y.svg 2>&1); rc=$?
if [ $rc = 0 ] && grep -q "<svg" y.svg 2>/dev/null; then pass "render --engine sfdp"; else echo "$out" | tail -3; fail "render --engine sfdp (exit $rc)"; fi

out=$("$rg" render heap.jsonl Session -o x.png 2>&1); rc=$?
if [ $rc = 2 ] && grep -q "draws svg, dot and json only" <<<"$out" && [ ! -e x.png ]; then
  pass "render -o x.png says the wheel draws svg, dot and json (exit 2)"
else
  echo "$out" | tail -3; fail "render -o x.png (exit $rc)"
fi

v1=$("$rg" --version 2>&1); v2=$("$py" -m refgraph --version 2>&1)
v3=$("$py" -c 'import refgraph_export; print(refgraph_export.__version__)')
if [ "$v1" = "$v3" ] && [ "$v2" = "$v3" ]; then pass "refgraph --version, python -m refgraph --version and the exporter agree ($v1)"; else fail "versions: '$v1' '$v2' '$v3'"; fi

"$py" -m refgraph summary no-such-file.jsonl >/dev/null 2>&1; rc=$?
[ $rc = 2 ] && pass "python -m refgraph passes the exit status through (2)" || fail "python -m refgraph exit status $rc"

# SIGPIPE as a shell gives it: a report cut by `head` ends quietly.
err=$( { "$rg" top heap.jsonl -n 100000 --color never | head -1 >/dev/null; } 2>&1 )
if [ -z "$err" ]; then pass "refgraph ... | head: no broken-pipe error"; else fail "refgraph ... | head said: $err"; fi

# The leak checker finds the analyzer of its own wheel, PATH or not.
found=$(env PATH=/usr/bin:/bin "$py" -c 'from refgraph_export.leakcheck import find_analyzer; print(find_analyzer())')
case "$found" in */refgraph/_bin/refgraph) pass "leakcheck.find_analyzer() finds the wheel's binary";;
  *) fail "leakcheck.find_analyzer() found '$found'";; esac

cat >eps.py <<'PYEOF'
from importlib.metadata import entry_points
def names(group):
    eps = entry_points()
    found = eps.select(group=group) if hasattr(eps, 'select') else eps.get(group, [])
    return sorted(e.name + '=' + e.value for e in found)
assert 'refgraph=refgraph.__main__:main' in names('console_scripts'), names('console_scripts')
assert 'refgraph-export=refgraph_export.__main__:main' in names('console_scripts'), names('console_scripts')
assert 'refgraph=refgraph_export.pytest_plugin' in names('pytest11'), names('pytest11')
PYEOF
"$py" eps.py && pass "entry points: refgraph, refgraph-export, pytest11 refgraph" || fail "entry points"
"$venv/bin/refgraph-export" --help >/dev/null 2>&1 && pass "refgraph-export --help" || fail "refgraph-export --help"

# serve from the wheel: the page, the token, a picture drawn by the vendored Graphviz.
"$rg" serve heap.jsonl --port 0 >serve.out 2>serve.err &
spid=$!
for _ in $(seq 50); do grep -q "^refgraph serve: " serve.out 2>/dev/null && break; sleep 0.1; done
url=$(sed -n 's/^refgraph serve: //p' serve.out)
base=${url%%/?token=*}
if [ -n "$url" ] && "$py" - "$url" "$base" <<'PYEOF'
import sys, urllib.request, urllib.error
url, base = sys.argv[1], sys.argv[2]
token = url.split('token=')[1]
def status(u):
    try:
        return urllib.request.urlopen(u, timeout=30).status
    except urllib.error.HTTPError as e:
        return e.code
assert status(base + '/api/summary') == 403
assert status(url) == 200
svg = urllib.request.urlopen(base + '/api/graph.svg?token=%s&id=%s' % (token, __import__('json').loads(
    urllib.request.urlopen(base + '/api/select?token=%s&selector=Session&limit=1' % token).read())['objects'][0]['id'])).read()
assert b'<svg' in svg
PYEOF
then pass "serve: 403 without the token, the page, an SVG with the wheel's Graphviz"; else cat serve.err; fail "serve from the wheel"; fi
kill $spid 2>/dev/null; wait $spid 2>/dev/null

exit $fails
