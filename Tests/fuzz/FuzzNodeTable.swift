// libFuzzer entry point for node tables: the input is a node table and an
// edge list, split at the first NUL byte (no NUL: the whole input is the
// table, and a fixed edge list uses it). The table goes through a file, as
// `--nodes FILE` does; the edge list is loaded from memory. Any outcome but
// a crash, a hang or a sanitizer report is fine.
import RefGraphFuzz
#if canImport(Glibc)
import Glibc
#endif

let tablePath: String = {
    let dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp"
    return "\(dir)/refgraph-fuzz-nodes-\(getpid()).csv"
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNodeTable(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeBufferPointer(start: data, count: size)
    let cut = input.firstIndex(of: 0) ?? size
    let fd = open(tablePath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    guard fd >= 0 else { return 0 }
    if cut > 0 { _ = write(fd, data, cut) }
    close(fd)
    var fallback = Array("1,2\n2,3,label\nword,1\n\"4\",0x2\n".utf8)
    let options = LoadOptions(nodeTable: tablePath, progress: false)
    let graph: HeapGraph?
    if cut < size {
        graph = try? DumpLoader.load(bytes: UnsafeRawBufferPointer(start: data + cut + 1, count: size - cut - 1), name: "fuzz.csv", options: options)
    } else {
        graph = fallback.withUnsafeMutableBytes { try? DumpLoader.load(bytes: UnsafeRawBufferPointer($0), name: "fuzz.csv", options: options) }
    }
    if let g = graph {
        _ = Summary(g).text()
        let index = DominatorIndex(g, tree: DominatorTree(g))
        _ = LeakSuspects(g, index: index, semantics: HeapSemantics(g), accumulation: 4)
    }
    return 0
}
