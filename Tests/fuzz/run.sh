#!/usr/bin/env bash
# Builds the libFuzzer harnesses (loaders, selectors) with AddressSanitizer and
# runs each for a bounded time. Long campaigns: FUZZ_SECONDS=3600 Tests/fuzz/run.sh,
# or run the binaries in .build/fuzz directly with -jobs=N (see docs/RELIABILITY.md).
# Crashes land in .build/fuzz/crashes; add each to Tests/Fixtures/bad once fixed.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="$root/.build/fuzz"
seconds="${FUZZ_SECONDS:-60}"
mkdir -p "$out/crashes" "$out/corpus-loader" "$out/corpus-selector"
sources=$(find "$root/Sources/RefGraph" -name '*.swift' | sort)
common=(-O -sanitize=fuzzer,address -parse-as-library -I "$root/Sources/CGraphviz" -I "$root/Sources/CZlib"
        -Xcc -I/usr/include/graphviz -lgvc -lcgraph -lcdt -lz)
# The library is compiled into each harness as module RefGraphFuzz.
swiftc "${common[@]}" -emit-library -static -module-name RefGraphFuzz -emit-module -emit-module-path "$out/RefGraphFuzz.swiftmodule" \
  -sanitize=fuzzer,address $sources -o "$out/libRefGraphFuzz.a" 2>&1 | grep -v warning || true
for target in Loader Selector; do
  swiftc "${common[@]}" -I "$out" -L "$out" -lRefGraphFuzz "$root/Tests/fuzz/Fuzz$target.swift" -o "$out/fuzz-${target,,}" 2>&1 | grep -v warning || true
done
# Seed corpora: every fixture for the loaders, the selector examples of the docs.
cp "$root"/Tests/Fixtures/native/* "$root"/Tests/Fixtures/edgelist/* "$root"/Tests/Fixtures/bad/* "$out/corpus-loader/" 2>/dev/null || true
head -c 20000 "$root/Tests/Fixtures/meliae/py38-small.json" > "$out/corpus-loader/meliae-head.json"
grep -ho "'[^']*'" "$root/docs/SELECTORS.md" | tr -d "'" | sort -u | split -l 1 - "$out/corpus-selector/s-"
status=0
for target in loader selector; do
  echo "== fuzz-$target for ${seconds}s"
  (cd "$out/crashes" && "$out/fuzz-$target" -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=4096 \
     -print_final_stats=1 "$out/corpus-$target" 2>&1 | tee "$out/fuzz-$target.log" | grep -E "^(#[0-9]+.*(DONE|pulse)|stat::number_of_executed_units|==.*ERROR|SUMMARY)" ) || status=1
done
exit $status
