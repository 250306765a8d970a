// libFuzzer entry point for the selector parser and evaluator.
import RefGraphFuzz

nonisolated(unsafe) let fuzzGraph: HeapGraph = {
    let dump = """
    {"record": "header", "format": "refgraph", "version": 1, "python": "3.11.7"}
    {"address": 1, "type": "dict", "size": 100, "refs": [2], "labels": ["['a']"], "root": "sys.modules"}
    {"address": 2, "type": "str", "size": 50, "value": "hello", "refs": []}
    {"record": "trailer", "objects": 2, "references": 1}

    """
    var text = dump
    return text.withUTF8 { try! DumpLoader.load(bytes: UnsafeRawBufferPointer($0), name: "fixture") }
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSelector(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    if let s = try? Selector(text, graph: fuzzGraph) {
        _ = s.select(in: fuzzGraph)
    }
    _ = try? CheckRule.parse(text)
    return 0
}
