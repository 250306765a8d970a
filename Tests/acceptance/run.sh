#!/usr/bin/env bash
# Acceptance suite: every story of ../shared/STORIES.md, run through the real
# exporter and the real CLI at a small size, asserting the analyzer's answer.
# A Python version that is missing skips only its own cases, visibly.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
. "$here/pythons.sh"
REFGRAPH="${REFGRAPH:-$root/.build/release/refgraph}"
export PYTHONPATH="$root/python${PYTHONPATH:+:$PYTHONPATH}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
passed=0 failed=0 skipped=0

pass() { passed=$((passed + 1)); echo "PASS  $1"; }
skip() { skipped=$((skipped + 1)); echo "SKIP  $1: $2"; }
fail() { failed=$((failed + 1)); echo "FAIL  $1: $2" | cut -c1-400; [ -f "$work/out" ] && cut -c1-300 "$work/out" | head -30 | sed 's/^/      | /'; }

# expect NAME PYTHON_CODE: runs the code with the captured output as `out` (text) and asserts.
expect() {
  local name="$1" code="$2"
  if python3 - "$work/out" <<PY 2>"$work/err"; then pass "$name"; else fail "$name" "$(tail -3 "$work/err")"; fi
import json, re, sys
out = open(sys.argv[1]).read()
$code
PY
}

run() { "$@" >"$work/out" 2>&1; }

story_hotreload() {  # $1 version
  local v="$1" py; py="$(python_for "$v")"
  [ -n "$py" ] || { skip "000 hot reload on $v" "python$v not installed"; return; }
  local d="$work/hr-$v"; mkdir -p "$d"
  if ! run "$py" "$root/Examples/hotreload-atexit/plat.py" 8 "$d/dump.jsonl"; then fail "000 hot reload on $v" "the example failed"; return; fi
  run "$REFGRAPH" path "$d/dump.jsonl" 'owner == "module logging"' --all --paths 6
  if [ "$v" = 2.7 ]; then
    # the chain starts at sys.modules or at the atexit root (the list
    # atexit._exithandlers): whichever is shorter in this heap
    expect "000 hot reload on $v: sys.modules or atexit._exithandlers → atexit → _exithandlers → logging.shutdown → __globals__ → dict of module logging" '
lines = out.splitlines()
i = next(k for k, l in enumerate(lines) if "[sys.modules root]" in l or "[atexit root]" in l)
assert "[sys.modules root]" in lines[i] or "→ list atexit._exithandlers " in lines[i], lines[i]
chain = "\n".join(lines[i:i + 16])
assert re.search(r"module atexit.*\n.*_exithandlers.*\n(.*\n)*.*function logging.shutdown.*\n.*__globals__ +→ dict of module logging", chain), chain
assert re.search(r"^8 objects match", out), out[:200]'
  else
    local minor="${v#3.}"
    if [ "$minor" -ge 10 ]; then
      expect "000 hot reload on $v: external (C-held) → logging.shutdown → __globals__ → dict of module logging" '
assert re.search(r"\[external root\] → function logging\.shutdown .*\n +__globals__ +→ dict of module logging", out), out
assert re.search(r"^8 objects match", out), out[:200]'
    else
      expect "000 hot reload on $v: atexit registry → logging.shutdown → __globals__ → dict of module logging" '
assert re.search(r"\[atexit root\] +→ module atexit .*\n +\[atexit callback\] → function logging\.shutdown .*\n +__globals__ +→ dict of module logging", out), out
assert re.search(r"^8 objects match", out), out[:200]'
    fi
    if [ "$minor" -ge 7 ]; then
      expect "000 hot reload on $v: --all also shows the os.register_at_fork holder" '
assert "logging._after_at_fork_child_reinit_locks" in out, out'
    fi
  fi
  run "$REFGRAPH" suspects "$d/dump.jsonl" --json
  expect "000 hot reload on $v: the first suspect is the copies of logging, or the atexit registries that hold them" '
s = json.loads(out)["suspects"][0]
chain = [h.get("name", "") + " " + (h.get("edge") or "") for h in s["path"]]
held = "dict of module logging" in s["explanation"] or "module atexit" in s["explanation"] or "function atexit." in s["explanation"] or any("_exithandlers" in c for c in chain)
assert held and s["retained"] > 0.1 * json.loads(out)["reachable_bytes"], s["explanation"]'
}

story_localcache() {
  local v="$1" py; py="$(python_for "$v")"
  [ -n "$py" ] || { skip "004 LocalCache on $v" "python$v not installed"; return; }
  local d="$work/lc-$v"; mkdir -p "$d"
  run "$py" "$root/Examples/localcache/localcache.py" 5000 "$d/dump.jsonl" || { fail "004 LocalCache on $v" "the example failed"; return; }
  run "$REFGRAPH" suspects "$d/dump.jsonl" --json
  expect "004 LocalCache on $v: the first suspect is the deque holding 5,000 entries; the WeakValueDictionary retains none" '
j = json.loads(out)
first = j["suspects"][0]
assert first["object"]["type"] == "collections.deque", first["explanation"]
assert first["held_type"] == "__main__.Dict" and first["held_count"] == 5000, first["explanation"]
for s in j["suspects"][1:]:
    assert not any(t["type"] == "__main__.Dict" for t in s["retained_by_type"]), s["explanation"]'
}

story_growing_list() {
  local v="$1" py; py="$(python_for "$v")"
  [ -n "$py" ] || { skip "002 growing list on $v" "python$v not installed"; return; }
  local d="$work/gl-$v"; mkdir -p "$d"
  run "$py" "$root/Examples/growing-list/leaky_coroutine.py" 120 "$d/dump.jsonl" || { fail "002 growing list on $v" "the example failed"; return; }
  run "$REFGRAPH" suspects "$d/dump.jsonl" --json
  expect "002 growing list on $v: the first suspect is the coroutine's list of big strings" '
s = json.loads(out)["suspects"][0]
assert s["object"]["type"] == "list" and s["held_type"] == "str" and s["held_count"] >= 100, s["explanation"]
assert any(h["type"] == "coroutine" for h in s["path"]), [h["type"] for h in s["path"]]
assert any(h["edge"] == "_coro" for h in s["path"]), [h["edge"] for h in s["path"]]'
  run "$REFGRAPH" path "$d/dump.jsonl" 'type == str and size > 20kB' --json
  expect "002 growing list on $v: tracemalloc's allocation site is in the dump" '
j = json.loads(out)
assert j["groups"][0]["count"] >= 100
assert any("leaky_coroutine.py" in a for a in j["groups"][0]["paths"][0][-1].get("alloc", [])), j["groups"][0]["paths"][0][-1]'
}

story_linked_list() {
  local v="$1" py; py="$(python_for "$v")"
  [ -n "$py" ] || { skip "002 linked list on $v" "python$v not installed"; return; }
  local d="$work/ll-$v"; mkdir -p "$d"
  run "$py" "$root/Examples/linked-list/linked_list.py" 200 "$d" || { fail "002 linked list on $v" "the example failed"; return; }
  run "$REFGRAPH" diff "$d/baseline.jsonl" "$d/target.jsonl" "$d/final.jsonl" --json
  expect "002 linked list on $v: the top diff cluster is the chain hanging from the global root dict" '
c = json.loads(out)["clusters"][0]
assert c["objects"] >= 200, c["objects"]
edges = [h["edge"] for h in c["path"]]
assert "['\''root'\'']" in edges and edges.count("['\''next'\'']") >= 10, edges[:8]
assert any(re.match(r"\(\[.*\] dict\)\+", s) for s in c["signature"]), c["signature"]'
}

story_del_cycle() {
  local v="$1" py; py="$(python_for "$v")"
  [ -n "$py" ] || { skip "003 __del__ cycles on $v" "python$v not installed"; return; }
  local d="$work/dc-$v"; mkdir -p "$d"
  run "$py" "$root/Examples/del-cycle/del_cycle.py" 20 "$d" || { fail "003 __del__ cycles on $v" "the example failed"; return; }
  run "$REFGRAPH" cycles "$d/before-gc.jsonl" --finalizers --json
  if [ "$v" = 2.7 ]; then
    expect "003 __del__ cycles on $v: uncollectable" '
leaky = [c for c in json.loads(out)["cycles"] if c["types"].get("__main__.Leaky")]
assert len(leaky) == 20 and all(c["classification"] == "uncollectable" for c in leaky), [c["classification"] for c in leaky]'
    run "$REFGRAPH" check "$d/after-gc.jsonl" --fail-on garbage
    expect "003 __del__ cycles on $v: after gc.collect() they are in gc.garbage and check fails" '
assert "40 objects in gc.garbage" in out, out'
  else
    expect "003 __del__ cycles on $v: collectable with finalizers, unreachable" '
leaky = [c for c in json.loads(out)["cycles"] if c["types"].get("__main__.Leaky")]
assert len(leaky) == 20, len(leaky)
assert all(c["classification"] == "collectable-finalized" and not c["reachable"] for c in leaky), leaky[0]'
  fi
}

story_cext() {
  local v="$1" py; py="$(python_for "$v")"
  [ -n "$py" ] || { skip "001 C-extension leak on $v" "python$v not installed"; return; }
  local d="$work/cx-$v"; mkdir -p "$d"
  run "$py" "$root/Examples/cext-malloc/cext_malloc.py" 200 "$d/dump.jsonl" || { fail "001 C-extension leak on $v" "the example failed"; return; }
  run "$REFGRAPH" summary "$d/dump.jsonl"
  expect "001 C-extension leak on $v: summary says the memory is outside Python objects" '
assert "is outside Python objects" in out and "valgrind" in out, out'
  run "$REFGRAPH" suspects "$d/dump.jsonl"
  expect "001 C-extension leak on $v: suspects says so first" '
assert out.startswith("NOTE: Python objects explain only"), out[:200]'
}

edge_lists() {  # snapshots from another producer: edge lists with node tables (--nodes)
  local d="$work/edges"; mkdir -p "$d/a" "$d/b"
  python3 - "$d" <<'PY'
import sys
d = sys.argv[1]
def snap(name, widgets):
    with open("%s/%s.tsv" % (d, name), "w") as e, open("%s/%s.nodes.tsv" % (d, name), "w") as n:
        n.write("id\ttype\tsize\tname\troot\n0x100\tmodule\t72\tapp\tsys.modules\n0x200\tlist\t56\t\t\n")
        e.write("0x100\t0x200\tregistry\n")
        for i in range(widgets):
            e.write("0x200\t%#x\t[%d]\n" % (0x1000 + 16 * i, i))
            n.write("%#x\tapp.Widget\t64\t\t\n" % (0x1000 + 16 * i))
snap("a/s1", 3); snap("b/s2", 53); snap("b/s3", 53)
PY
  run "$REFGRAPH" diff "$d/a/s1.tsv" "$d/b/s2.tsv" "$d/b/s3.tsv" --nodes "$d/a/s1.nodes.tsv" --nodes "$d/b/s2.nodes.tsv" --nodes "$d/b/s3.nodes.tsv" --json
  expect "edge lists: diff --nodes (once per dump) types the growth: +50 app.Widget" '
d = json.loads(out)
rows = [r for r in d["by_type"] if r["key"] == "app.Widget"]
assert rows and rows[0]["count_delta"] == 50, rows or d["by_type"]'
  run "$REFGRAPH" check "$d/b" --fail-on 'count:type == "app.Widget">10' --format json
  expect "edge lists: check on a directory pairs each edge list with its NAME.nodes.tsv and checks only the edge lists" '
d = json.loads(out)
files = sorted(f["file"].rsplit("/", 1)[-1] for f in d["files"])
assert files == ["s2.tsv", "s3.tsv"], files
assert all(f["status"] == "fail" and "53 objects match" in f["rules"][0]["message"] for f in d["files"]), d'
  cp "$d/a/s1.tsv" "$d/a/other.tsv"
  run "$REFGRAPH" check "$d/a/other.tsv" --nodes "$d/a/s1.nodes.tsv" --fail-on 'count:type == "app.Widget">2' --format json
  expect "edge lists: check --nodes FILE types an edge list" '
d = json.loads(out)
assert d["files"][0]["status"] == "fail" and "3 objects match" in d["files"][0]["rules"][0]["message"], d'
}

heap_snapshot() {  # refgraph export --format heapsnapshot, read by an independent reader (issue 25 item 6)
  local here fx
  here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  for fx in native/hotreload-py3.jsonl native/logging-small.jsonl meliae/py38-small.json edgelist/small.csv; do
    local dump="$here/Fixtures/$fx"
    "$REFGRAPH" summary "$dump" --json > "$work/summary.json" 2>/dev/null
    if ! "$REFGRAPH" export "$dump" -o "$work/x.heapsnapshot" >"$work/out" 2>&1; then fail "heapsnapshot: export $fx" "exit $?"; continue; fi
    run python3 "$here/heapsnapshot/read_heapsnapshot.py" "$work/x.heapsnapshot"
    expect "heapsnapshot: $fx reads back through the format's own meta, with the dump's objects, references and bytes" '
d = json.loads(out)
s = json.load(open("'"$work"'/summary.json"))
roots = sum(s["roots"].values())
assert d["node_count"] == s["objects"] + s["placeholders"] + 1, (d["node_count"], s["objects"], s["placeholders"])
assert d["edge_count"] == s["references"] + roots, (d["edge_count"], s["references"], roots)
assert d["self_size_total"] == s["bytes"], (d["self_size_total"], s["bytes"])
assert d["first_node"]["type"] == "synthetic" and d["first_node"]["edge_count"] == roots, d["first_node"]'
  done
  "$REFGRAPH" export "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/Fixtures/native/hotreload-py3.jsonl" -o - > "$work/out" 2>&1
  expect "heapsnapshot: -o - writes it to stdout, hostile names JSON-escaped" '
d = json.loads(out)
assert "logging\u00e9\n" in d["strings"], [x for x in d["strings"] if x.startswith("logging")]'
  run "$REFGRAPH" export "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/Fixtures/native/hotreload-py3.jsonl" -o "$work/x.txt"
  local rc=$?
  expect "heapsnapshot: an unknown format is refused with exit 2" '
assert '"$rc"' == 2 and "unknown export format" in out, out'
}

# Optional argument: run only the stories whose function name contains it (e.g. linked).
only="${1:-}"
for f in hotreload del_cycle localcache growing_list linked_list cext; do
  if [ -n "$only" ] && [[ "$f" != *"$only"* ]]; then eval "story_$f() { :; }"; fi
done
if [ -n "$only" ] && [[ edge_lists != *"$only"* ]]; then edge_lists() { :; }; fi
if [ -n "$only" ] && [[ heap_snapshot != *"$only"* ]]; then heap_snapshot() { :; }; fi

if [ ! -x "$REFGRAPH" ]; then echo "refgraph is not built at $REFGRAPH" >&2; exit 2; fi
for v in $ALL_PYTHONS; do story_hotreload "$v"; story_del_cycle "$v"; done
for v in 3.6 3.8 3.11 3.13; do story_localcache "$v"; done
for v in 3.7 3.11 3.13; do story_growing_list "$v"; story_linked_list "$v"; done
story_cext 3.11
edge_lists
heap_snapshot
echo
echo "acceptance: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
