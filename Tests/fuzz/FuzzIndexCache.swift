// libFuzzer entry point for the index-cache reader. The input is the body of
// an image (everything after its magic and key, as Tests/fuzz/run.sh cuts
// the seeds from real images). The harness puts the real magic and key of a
// fixed dump in front and, when the body's sections parse, recomputes their
// checksums, as a forger would: so the reader's bounds checks, not only its
// checksums, are what stand between the input and a crash. Whatever loads
// is analysed.
@testable import RefGraphFuzz
#if canImport(Glibc)
import Glibc
#endif

let dumpPath: String = {
    let dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp"
    let path = "\(dir)/refgraph-fuzz-index-\(getpid()).jsonl"
    let text = "{\"record\": \"header\", \"format\": \"refgraph\", \"version\": 1}\n{\"address\": 1, \"type\": \"dict\", \"size\": 8}\n{\"record\": \"trailer\", \"objects\": 1, \"references\": 0}\n"
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    _ = text.utf8CString.withUnsafeBufferPointer { write(fd, $0.baseAddress, $0.count - 1) }
    close(fd)
    return path
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzIndexCache(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard let key = IndexCache.key(of: dumpPath) else { return 0 }
    var image = IndexCache.magic
    image += withUnsafeBytes(of: UInt64(key.count * 8)) { Array($0) }
    image += [UInt8](repeating: 0, count: IndexCache.alignment - image.count)
    image += key.withUnsafeBytes { Array($0) }
    let bodyStart = image.count
    image += UnsafeBufferPointer(start: data, count: size)
    resum(&image, from: bodyStart)
    let fd = open(IndexCache.path(for: dumpPath), O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    guard fd >= 0 else { return 0 }
    _ = image.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    close(fd)
    let graph = IndexCache.read(for: dumpPath)
    if getenv("REFGRAPH_FUZZ_DEBUG") != nil { print(graph == nil ? "refused" : "read \(graph!.nodeCount) objects") }
    if let g = graph {
        _ = Summary(g).text()
        _ = RetentionPaths(g, targets: Array(g.nodes.prefix(8)), alternatives: 2)
        let index = DominatorIndex(g, tree: DominatorTree(g))
        _ = LeakSuspects(g, index: index, semantics: HeapSemantics(g), accumulation: 4)
        let d = Describer(g, bulk: true)
        for v in g.nodes.prefix(64) { _ = d.line(v); _ = d.semantics.module(v); _ = g.allocationFrames(v) }
    }
    return 0
}

/// Walks the sections from `offset` as the reader does (the key section is
/// before it); if the last one has room for a checksum per earlier section,
/// writes the right ones there.
func resum(_ image: inout [UInt8], from offset: Int) {
    var sections: [Range<Int>] = [(IndexCache.alignment)..<(IndexCache.alignment + 64)]
    var at = offset
    while at + 8 <= image.count {
        let n = image[at..<at + 8].withUnsafeBytes { Int(clamping: $0.loadUnaligned(as: UInt64.self)) }
        let start = (at + 8 + IndexCache.alignment - 1) / IndexCache.alignment * IndexCache.alignment
        guard n >= 0, start <= image.count, n <= image.count - start else { return }
        sections.append(start..<start + n)
        at = start + n
    }
    guard let last = sections.last, last.count == 8 * (sections.count - 1) else { return }
    for (k, s) in sections.dropLast().enumerated() {
        let sum = image[s].withUnsafeBytes { ContentHash.section($0) }
        withUnsafeBytes(of: sum) { image.replaceSubrange(last.lowerBound + 8 * k..<last.lowerBound + 8 * k + 8, with: $0) }
    }
}
