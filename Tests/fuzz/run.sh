#!/usr/bin/env bash
# Builds the libFuzzer harnesses with AddressSanitizer and runs each for a
# bounded time:
#   loader     every dump format from memory (gzip included)
#   selector   the selector and check-rule parsers and evaluator
#   nodetable  --nodes tables with an edge list
#   indexcache the .rgidx reader (bodies cut from real images, checksums fixed up)
#   gzip       the gzip layer: raw deflate streams and valid members cut short
# FUZZ_SECONDS (default 12) is per target, so `make test` spends about a
# minute. Long campaigns: FUZZ_SECONDS=3600 Tests/fuzz/run.sh, or
# FUZZ_RUNS=1000000 for a number of executions per target (see
# docs/RELIABILITY.md). FUZZ_TARGETS="loader gzip" picks targets.
# Crashes land in .build/fuzz/crashes; add each to Tests/Fixtures/bad once fixed.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="$root/.build/fuzz"
seconds="${FUZZ_SECONDS:-12}"
runs="${FUZZ_RUNS:-}"
targets="${FUZZ_TARGETS:-loader selector nodetable indexcache gzip}"
mkdir -p "$out/crashes"
sources=$(find "$root/Sources/RefGraph" -name '*.swift' | sort)
common=(-O -sanitize=fuzzer,address -parse-as-library -I "$root/Sources/CGraphviz" -I "$root/Sources/CZlib"
        -Xcc -I/usr/include/graphviz -lgvc -lcgraph -lcdt -lz)
# The library is compiled once into module RefGraphFuzz (with -enable-testing,
# so harnesses may reach internal entry points), then linked into each harness.
# Rebuilt only when a source changed. A compile error fails the run at once,
# with the compiler's messages (it used to be hidden behind a link error).
lib="$out/libRefGraphFuzz.a"
if [ ! -f "$lib" ] || [ -n "$(find "$root/Sources" -newer "$lib" \( -name '*.swift' -o -name '*.h' \) | head -1)" ]; then
  swiftc "${common[@]}" -enable-testing -emit-library -static -module-name RefGraphFuzz -emit-module -emit-module-path "$out/RefGraphFuzz.swiftmodule" \
    $sources -o "$lib" > "$out/build-lib.log" 2>&1 || { rm -f "$lib"; grep -v warning "$out/build-lib.log" | head -60; echo "fuzz: the library did not compile"; exit 1; }
fi
for target in Loader Selector NodeTable IndexCache Gzip; do
  bin="$out/fuzz-${target,,}"; src="$root/Tests/fuzz/Fuzz$target.swift"
  if [ ! -f "$bin" ] || [ "$src" -nt "$bin" ] || [ "$lib" -nt "$bin" ]; then
    swiftc "${common[@]}" -I "$out" -L "$out" -lRefGraphFuzz "$src" -o "$bin" > "$out/build-$target.log" 2>&1 \
      || { rm -f "$bin"; grep -v warning "$out/build-$target.log" | head -60; echo "fuzz: harness $target did not compile"; exit 1; }
  fi
done
# Seed corpora.
for t in $targets; do mkdir -p "$out/corpus-$t"; done
cp "$root"/Tests/Fixtures/native/* "$root"/Tests/Fixtures/edgelist/* "$root"/Tests/Fixtures/bad/* "$out/corpus-loader/" 2>/dev/null || true
head -c 20000 "$root/Tests/Fixtures/meliae/py38-small.json" > "$out/corpus-loader/meliae-head.json"
grep -ho "'[^']*'" "$root/docs/SELECTORS.md" | tr -d "'" | sort -u | split -l 1 - "$out/corpus-selector/s-"
for t in "$root"/Tests/Fixtures/edgelist/*nodes*; do
  edges="${t/-nodes/}"; edges="${edges/.nodes/}"
  { cat "$t"; printf '\0'; [ -f "$edges" ] && cat "$edges"; } > "$out/corpus-nodetable/$(basename "$t")"
done
cp "$root"/Tests/Fixtures/bad/*.gz "$out/corpus-gzip/" 2>/dev/null || true
for f in "$root"/Tests/Fixtures/native/*.jsonl; do { printf '\1\0'; head -c 4000 "$f"; } > "$out/corpus-gzip/$(basename "$f")"; done
# Index images of the fixtures, cut after the magic and key (4096 + 64 bytes),
# written by the release CLI when there is one (else the fuzzer starts empty).
bin="${REFGRAPH:-$root/.build/release/refgraph}"
if [ -x "$bin" ]; then
  tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
  for f in "$root"/Tests/Fixtures/native/*.jsonl "$root"/Tests/Fixtures/meliae/py38-small.json; do
    cp "$f" "$tmp/d"; "$bin" summary --cache on "$tmp/d" >/dev/null 2>&1 || continue
    [ -f "$tmp/d.rgidx" ] && tail -c +4161 "$tmp/d.rgidx" > "$out/corpus-indexcache/$(basename "$f")"
    rm -f "$tmp/d" "$tmp/d.rgidx"
  done
fi
status=0
for target in $targets; do
  if [ -n "$runs" ]; then limit=(-runs="$runs"); echo "== fuzz-$target for $runs executions"
  else limit=(-max_total_time="$seconds"); echo "== fuzz-$target for ${seconds}s"; fi
  # An index image is at least one 4 KiB page per section (about 110 kB):
  # a smaller max_len would cut every seed and leave nothing that loads.
  maxlen=65536; [ "$target" = indexcache ] && maxlen=262144
  (cd "$out/crashes" && "$out/fuzz-$target" "${limit[@]}" -max_len=$maxlen -timeout=10 -rss_limit_mb=4096 \
     -print_final_stats=1 "$out/corpus-$target" 2>&1 | tee "$out/fuzz-$target.log" | grep -E "^(#[0-9]+.*(DONE|pulse)|stat::number_of_executed_units|==.*ERROR|SUMMARY)" ) || status=1
done
exit $status
