// libFuzzer entry point for every loader: the input is a dump in any format
// (the loader detects which), optionally gzip-compressed. Any outcome but a
// crash, a hang or a sanitizer report is fine: a LoadError is the expected
// answer to garbage. Built by Tests/fuzz/run.sh with -sanitize=fuzzer,address.
import RefGraphFuzz

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLoader(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let buffer = UnsafeRawBufferPointer(start: data, count: size)
    if let g = try? DumpLoader.load(bytes: buffer, name: "fuzz", options: LoadOptions(allowTruncated: size % 2 == 0, progress: false)) {
        // Exercise the analyses on whatever loaded.
        _ = Summary(g).text()
        _ = RetentionPaths(g, targets: Array(g.nodes.prefix(8)), alternatives: 2)
        _ = ReferenceCycles(g)
        let index = DominatorIndex(g, tree: DominatorTree(g))
        _ = LeakSuspects(g, index: index, semantics: HeapSemantics(g), accumulation: 4)
    }
    return 0
}
