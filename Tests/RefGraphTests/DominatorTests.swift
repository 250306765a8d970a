import XCTest
@testable import RefGraph

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

final class DominatorTests: XCTestCase {
    func node(_ g: HeapGraph, _ a: Int) -> HeapGraph.Node { g.node(UInt64(a))! }

    func testDiamond() {
        let g = graphOf(4, [(1, 2), (1, 3), (2, 4), (3, 4)], roots: [1])
        let d = DominatorTree(g)
        XCTAssertEqual(d.idom[Int(node(g, 4))], node(g, 1))
        XCTAssertEqual(d.idom[Int(node(g, 2))], node(g, 1))
        XCTAssertEqual(d.idom[Int(node(g, 1))], DominatorTree.superRoot)
        XCTAssertEqual(d.retained[Int(node(g, 1))], 40)
        XCTAssertEqual(d.retained[Int(node(g, 2))], 10)
    }

    func testChainCycleSeveralRootsAndUnreachable() {
        // 1 -> 2 -> 3 -> 4 -> 2 (cycle), root 5 -> 4, 6 -> 7 unreachable.
        let g = graphOf(7, [(1, 2), (2, 3), (3, 4), (4, 2), (5, 4), (6, 7), (7, 6)], roots: [1, 5])
        let d = DominatorTree(g)
        XCTAssertEqual(d.idom[Int(node(g, 3))], node(g, 2))
        XCTAssertEqual(d.idom[Int(node(g, 4))], DominatorTree.superRoot, "two roots reach 4")
        XCTAssertEqual(d.idom[Int(node(g, 6))], DominatorTree.unreachable)
        XCTAssertEqual(d.retained[Int(node(g, 1))], 10, "5 reaches 2 through 4, so 1 retains only itself")
        XCTAssertEqual(d.reachableBytes, 50)
        XCTAssertEqual(d.dominators(of: node(g, 3)).map { g.address($0) }, [2])
    }

    func testWeakEdgesDoNotRetain() {
        // 1 -> 2 strongly, 3 -> 2 weakly: 1 still dominates 2.
        let g = graphOf(3, [(1, 2), (3, 2)], roots: [1, 3], weak: [1])
        let d = DominatorTree(g)
        XCTAssertEqual(d.idom[Int(node(g, 2))], node(g, 1))
    }

    func testMatchesNaiveOnRandomGraphs() {
        var rng = SystemRandomNumberGenerator()
        for trial in 0..<150 {
            let n = Int.random(in: 2...40, using: &rng)
            var edges: [(Int, Int)] = []
            for _ in 0..<Int.random(in: 0...(n * 3), using: &rng) {
                edges.append((Int.random(in: 1...n, using: &rng), Int.random(in: 1...n, using: &rng)))
            }
            let roots = Array(Set((0..<Int.random(in: 1...3, using: &rng)).map { _ in Int.random(in: 1...n, using: &rng) }))
            let sizes = Dictionary(uniqueKeysWithValues: (1...n).map { ($0, Int.random(in: 1...100, using: &rng)) })
            let weak = Set(edges.indices.filter { _ in Int.random(in: 0..<8, using: &rng) == 0 })
            let g = graphOf(n, edges, roots: roots, sizes: sizes, weak: weak)
            XCTAssertEqual(DominatorTree(g).retained, naiveRetained(g), "trial \(trial): n=\(n) edges=\(edges) roots=\(roots) weak=\(weak.sorted())")
        }
    }

    func testMatchesNaiveOnARealDump() {
        let g = load(fixture("native/hotreload-py3.jsonl"))
        XCTAssertEqual(DominatorTree(g).retained, naiveRetained(g))
    }
}

/// `dominators` groups objects whose chains look alike, as `path` does (issue 20).
final class DominatorGroupTests: XCTestCase {
    /// A line of a native dump.
    func obj(_ a: Int, _ type: String, size: Int = 10, refs: [Int] = [], root: Bool = false) -> String {
        let labels = refs.indices.map { "\"[\($0)]\"" }.joined(separator: ", ")
        return "{\"address\": \(a), \"type\": \"\(type)\", \"size\": \(size), \"refs\": [\(refs.map(String.init).joined(separator: ", "))], \"labels\": [\(labels)]\(root ? ", \"root\": \"frame\"" : "")}"
    }

    func testInstancesUnderOneListFormOneGroup() {
        // root list 1 -> dicts 10..14 -> Leak 20..24; root list 2 -> Leak 30 directly
        var lines = [obj(1, "list", refs: Array(10...14), root: true), obj(2, "list", refs: [30], root: true)]
        for i in 0..<5 { lines.append(obj(10 + i, "dict", refs: [20 + i])); lines.append(obj(20 + i, "app.Leak", size: 100)) }
        lines.append(obj(30, "app.Leak", size: 100))
        let g = load(temporaryFile(nativeDump(lines)))
        let tree = DominatorTree(g)
        let targets = (Array(20...24) + [30]).map { g.node(UInt64($0))! }
        let chains = DominatorChains(g, tree: tree, targets: targets, limit: 5)
        let groups = chains.groups(Describer(g)).groups
        XCTAssertEqual(groups.map(\.members.count), [5, 1])
        XCTAssertEqual(groups[0].retainedTogether, 500)
        XCTAssertEqual(groups[0].bytes, 500)
        let text = chains.render(json: false)
        XCTAssertTrue(text.hasPrefix("6 objects selected in 2 groups by dominator chain\n"), text)
        XCTAssertTrue(text.contains("#1  5 objects, 500 B shallow, retaining 500 B together (shown for 0x14;"), text)
        XCTAssertTrue(text.contains("#2  app.Leak 0x1e  retains 100 B"), text)
        let json = chains.render(json: true)
        XCTAssertTrue(json.contains("\"count\": 5"), json)
        XCTAssertTrue(json.contains("\"member_ids\": [\"0x14\", \"0x15\", \"0x16\", \"0x17\", \"0x18\"]"), json)
    }

    func testALinkedListIsOneGroupAndCountedOnce() {
        // root 1 -> Node 2 -> Node 3 -> ... -> Node 7; the targets are nodes 4...7
        var lines = [obj(1, "list", refs: [2], root: true)]
        for a in 2...7 { lines.append(obj(a, "Node", refs: a < 7 ? [a + 1] : [])) }
        let g = load(temporaryFile(nativeDump(lines)))
        let tree = DominatorTree(g)
        let targets = (4...7).map { g.node(UInt64($0))! }
        let groups = DominatorChains(g, tree: tree, targets: targets, limit: 5).groups(Describer(g)).groups
        XCTAssertEqual(groups.count, 1, "a run of Node dominators counts once, whatever its length")
        XCTAssertEqual(groups[0].retainedTogether, 40, "node 4 retains 5, 6 and 7: nothing counted twice")
    }

    func testUnreachableTargetsGroupApart() {
        let lines = [obj(1, "list", refs: [2], root: true), obj(2, "app.Leak"), obj(3, "app.Leak", refs: [4]), obj(4, "app.Leak", refs: [3])]
        let g = load(temporaryFile(nativeDump(lines)))
        let tree = DominatorTree(g)
        let targets = [2, 3, 4].map { g.node(UInt64($0))! }
        let groups = DominatorChains(g, tree: tree, targets: targets, limit: 5).groups(Describer(g)).groups
        XCTAssertEqual(groups.map(\.members.count), [1, 2])
        XCTAssertEqual(groups.map(\.unreachable), [false, true])
    }
}
