import Foundation
import XCTest
@testable import RefGraph

/// Path of a file under Tests/Fixtures.
func fixture(_ name: String) -> String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures").appendingPathComponent(name).path
}

/// Writes `text` to a fresh temporary file and returns its path.
func temporaryFile(_ text: String, name: String = "dump.jsonl") -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("refgraph-tests-\(UUID().uuidString)")
    try! FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let url = dir.appendingPathComponent(name)
    try! Data(text.utf8).write(to: url)
    return url.path
}

func temporaryFile(bytes: [UInt8], name: String) -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("refgraph-tests-\(UUID().uuidString)")
    try! FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let url = dir.appendingPathComponent(name)
    try! Data(bytes).write(to: url)
    return url.path
}

/// Loads a dump and fails the test with the loader's message if it cannot.
func load(_ path: String, _ options: LoadOptions = LoadOptions(progress: false), file: StaticString = #filePath, line: UInt = #line) -> HeapGraph {
    do {
        return try DumpLoader.load(path, options: options)
    } catch {
        XCTFail("load failed: \(error)", file: file, line: line)
        return HeapGraph()
    }
}

/// The LoadError a load throws, or a test failure if it loads.
func loadError(_ path: String, _ options: LoadOptions = LoadOptions(progress: false), file: StaticString = #filePath, line: UInt = #line) -> LoadError? {
    do {
        _ = try DumpLoader.load(path, options: options)
        XCTFail("expected \(path) to be refused", file: file, line: line)
        return nil
    } catch {
        return error
    }
}

/// A native dump from object lines, with header and a correct trailer.
func nativeDump(_ objects: [String], python: String = "3.11.7", rss: UInt64? = nil) -> String {
    var header = "{\"record\": \"header\", \"format\": \"refgraph\", \"version\": 1, \"python\": \"\(python)\", \"pid\": 1"
    if let rss { header += ", \"rss\": \(rss)" }
    header += "}"
    var refs = 0
    for o in objects {
        if let r = o.range(of: "\"refs\": [") {
            let rest = o[r.upperBound...]
            let list = rest[..<rest.firstIndex(of: "]")!]
            refs += list.split(separator: ",").count
        }
    }
    let count = objects.filter { !$0.hasPrefix("{\"record\"") }.count
    return ([header] + objects + ["{\"record\": \"trailer\", \"objects\": \(count), \"references\": \(refs)}"]).joined(separator: "\n") + "\n"
}

extension HeapGraph {
    /// The node with this address, for tests.
    func node(_ address: UInt64) -> Node? { nodes.first { self.address($0) == address } }

    /// Labels of a node's out-edges, in order.
    func outLabels(_ n: Node) -> [String] { outEdges(n).map { label(ofEdge: $0) } }
}

/// A seeded generator (SplitMix64), so a failing randomized test can be rerun.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}

/// Titles of example objects in `check` findings, as the CLI passes them.
let title: BatchCheck.Title = { Describer($0).title($1) }

/// Builds a native dump from `edges` among nodes 1...n; `roots` are GC roots;
/// every node is 10 bytes unless `sizes` says otherwise.
func graphOf(_ n: Int, _ edges: [(Int, Int)], roots: [Int], sizes: [Int: Int] = [:], weak: Set<Int> = []) -> HeapGraph {
    var lines: [String] = []
    for v in 1...n {
        let out = edges.enumerated().filter { $0.element.0 == v }
        let refs = out.map { String($0.element.1) }.joined(separator: ", ")
        let labels = out.map { weak.contains($0.offset) ? "\"<weakref>\"" : "\"e\($0.offset)\"" }.joined(separator: ", ")
        let root = roots.contains(v) ? ", \"root\": \"frame\"" : ""
        lines.append("{\"address\": \(v), \"type\": \"t\(v)\", \"size\": \(sizes[v] ?? 10), \"refs\": [\(refs)], \"labels\": [\(labels)]\(root)}")
    }
    return load(temporaryFile(nativeDump(lines)))
}

/// Naive dominators: `d` dominates `v` when removing `d` makes `v` unreachable.
func naiveRetained(_ g: HeapGraph) -> [UInt64] {
    func reach(without x: HeapGraph.Node?) -> [Bool] {
        var seen = [Bool](repeating: false, count: g.nodeCount)
        var stack = g.roots.filter { $0 != x }
        for r in stack { seen[Int(r)] = true }
        while let v = stack.popLast() {
            for e in g.outEdges(v) where !g.isWeak(edge: e) {
                let w = g.target(ofEdge: e)
                if w != x && !seen[Int(w)] { seen[Int(w)] = true; stack.append(w) }
            }
        }
        return seen
    }
    let all = reach(without: nil)
    return g.nodes.map { d in
        guard all[Int(d)] else { return 0 }
        let without = reach(without: d)
        return g.nodes.reduce(UInt64(0)) { acc, v in acc + ((all[Int(v)] && !without[Int(v)]) ? g.size(v) : 0) }
    }
}
