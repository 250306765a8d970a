import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest
@testable import RefGraph

final class PathTests: XCTestCase {
    func testHotReloadPathReadsLikeTheStory() throws {
        let g = load(fixture("native/hotreload-py3.jsonl"))
        let targets = try Selector("owner == \"module logging\" and refcount == 1", graph: g).select(in: g)
        let r = RetentionPaths(g, targets: targets)
        XCTAssertEqual(r.groups.count, 1)
        let path = r.groups[0].paths[0]
        XCTAssertEqual(path.map { g.address($0.node) }, [304, 303])
        XCTAssertEqual(g.rootKind(path[0].node), .external)
        XCTAssertEqual(g.label(ofEdge: path[1].edge!), "__globals__")
        let text = r.text(g, selector: "x")
        XCTAssertTrue(text.contains("[external root] → function logging.shutdown 0x130"), text)
        XCTAssertTrue(text.contains("__globals__     → dict of module logging 0x12f"), text)
    }

    func testGroupsBySignatureAndCountsBytes() {
        // Three leaked copies held the same way, one held differently.
        var objects: [String] = ["{\"address\": 1, \"type\": \"list\", \"size\": 100, \"refs\": [10, 11, 12], \"labels\": [\"[0]\", \"[1]\", \"[2]\"], \"root\": \"atexit\"}"]
        for i in 10...12 { objects.append("{\"address\": \(i), \"type\": \"function\", \"size\": 10, \"name\": \"m.f\", \"refs\": [\(i + 10)], \"labels\": [\"__globals__\"]}") }
        for i in 20...22 { objects.append("{\"address\": \(i), \"type\": \"dict\", \"size\": 1000, \"refs\": []}") }
        objects.append("{\"address\": 2, \"type\": \"dict\", \"size\": 10, \"refs\": [23], \"labels\": [\"['x']\"], \"root\": \"sys.modules\"}")
        objects.append("{\"address\": 23, \"type\": \"dict\", \"size\": 500, \"refs\": []}")
        let g = load(temporaryFile(nativeDump(objects)))
        let targets = try! Selector("type == dict and size >= 500", graph: g).select(in: g)
        let r = RetentionPaths(g, targets: targets)
        XCTAssertEqual(r.groups.map(\.members.count), [3, 1])
        XCTAssertEqual(r.groups.map(\.bytes), [3000, 500])
        XCTAssertEqual(r.groups[0].signature.first, "atexit")
        XCTAssertEqual(r.groups[0].signature, ["atexit", "list", "[*] function", "__globals__ dict"])
    }

    func testWeakrefsDoNotRetainAndAvoidIsHonoured() {
        let objects = [
            "{\"address\": 1, \"type\": \"dict\", \"size\": 10, \"refs\": [2, 3], \"labels\": [\"['w']\", \"['s']\"], \"root\": \"sys.modules\"}",
            "{\"address\": 2, \"type\": \"weakref\", \"size\": 10, \"refs\": [5], \"labels\": [\"<weakref>\"]}",
            "{\"address\": 3, \"type\": \"list\", \"size\": 10, \"refs\": [4], \"labels\": [\"[0]\"]}",
            "{\"address\": 4, \"type\": \"collections.deque\", \"size\": 10, \"refs\": [5], \"labels\": [\"[0]\"]}",
            "{\"address\": 5, \"type\": \"Entry\", \"size\": 10, \"refs\": []}",
        ]
        let g = load(temporaryFile(nativeDump(objects)))
        let r = RetentionPaths(g, targets: [g.node(5)!])
        XCTAssertEqual(r.groups[0].paths[0].map { g.address($0.node) }, [1, 3, 4, 5], "the shorter path through the weakref does not count")
        let avoided = RetentionPaths(g, targets: [g.node(5)!], avoid: { g.typeName($0) == "collections.deque" })
        XCTAssertTrue(avoided.groups.isEmpty)
        XCTAssertTrue(avoided.unreachable.isEmpty)
        XCTAssertEqual(avoided.blocked.count, 1, "reachable, but only through avoided objects")
    }

    func testNamedRootsWinTies() {
        let objects = [
            "{\"address\": 1, \"type\": \"function\", \"size\": 10, \"refs\": [3], \"labels\": [\"__globals__\"], \"root\": \"external\", \"unexplained\": 1}",
            "{\"address\": 2, \"type\": \"list\", \"size\": 10, \"refs\": [3], \"labels\": [\"[0]\"], \"root\": \"atexit\"}",
            "{\"address\": 3, \"type\": \"dict\", \"size\": 10, \"refs\": []}",
        ]
        let g = load(temporaryFile(nativeDump(objects)))
        let r = RetentionPaths(g, targets: [g.node(3)!])
        XCTAssertEqual(g.address(r.groups[0].paths[0][0].node), 2)
    }

    func testAllShowsEveryIndependentHolder() {
        // Like Python 3.7+: atexit's shutdown and an at-fork hook both hold the module dict.
        let objects = [
            "{\"address\": 1, \"type\": \"function\", \"size\": 10, \"name\": \"logging.shutdown\", \"refs\": [3], \"labels\": [\"__globals__\"], \"root\": \"external\", \"unexplained\": 1}",
            "{\"address\": 2, \"type\": \"function\", \"size\": 10, \"name\": \"logging._after_at_fork_child_reinit_locks\", \"refs\": [3], \"labels\": [\"__globals__\"], \"root\": \"external\", \"unexplained\": 1}",
            "{\"address\": 3, \"type\": \"dict\", \"size\": 10, \"refs\": [1, 2], \"labels\": [\"['shutdown']\", \"['_after_at_fork_child_reinit_locks']\"]}",
        ]
        let g = load(temporaryFile(nativeDump(objects)))
        let r = RetentionPaths(g, targets: [g.node(3)!], alternatives: 5)
        XCTAssertEqual(r.groups[0].paths.map { g.address($0[0].node) }, [1, 2])
    }

    func testUnreachableTargetShowsItsCycle() {
        let objects = [
            "{\"address\": 1, \"type\": \"dict\", \"size\": 10, \"refs\": [], \"root\": \"sys.modules\"}",
            "{\"address\": 2, \"type\": \"Node\", \"size\": 10, \"refs\": [3], \"labels\": [\".next\"]}",
            "{\"address\": 3, \"type\": \"Node\", \"size\": 10, \"refs\": [2, 4], \"labels\": [\".prev\", \".payload\"]}",
            "{\"address\": 4, \"type\": \"bytes\", \"size\": 1000, \"refs\": []}",
        ]
        let g = load(temporaryFile(nativeDump(objects)))
        let r = RetentionPaths(g, targets: [g.node(4)!])
        XCTAssertTrue(r.groups.isEmpty)
        XCTAssertEqual(r.unreachable.count, 1)
        XCTAssertEqual(r.unreachable[0].cycle.count, 2)
        XCTAssertEqual(r.unreachable[0].tail.map { g.address($0.node) }, [3, 4])
        XCTAssertTrue(r.text(g, selector: "bytes").contains("garbage the collector has not freed yet, kept by a reference cycle"))
    }

    /// The backward search must pick exactly the path the forward search picks.
    func testPathsFromTheTargetSideMatchTheForwardSearch() {
        func check(_ g: HeapGraph, avoid: ((HeapGraph.Node) -> Bool)? = nil, maxDepth: Int? = nil, _ what: String) {
            let forward = RootPaths(g, avoid: avoid, maxDepth: maxDepth)
            for t in g.nodes {
                var budget = Int.max / 2
                let outcome = TargetPaths.path(g, to: t, avoid: avoid, maxDepth: maxDepth, budget: &budget)
                let expected = forward.path(to: t)
                XCTAssertEqual(outcome, expected.isEmpty ? .unreached : .path(expected), "\(what): target \(t)")
            }
        }
        let real = load(fixture("native/hotreload-py3.jsonl"))
        check(real, "hot reload dump")
        check(real, maxDepth: 3, "hot reload dump, depth 3")
        check(real, avoid: { real.typeName($0) == "function" }, "hot reload dump avoiding functions")
        var rng = SystemRandomNumberGenerator()
        for trial in 0..<60 {
            let n = Int.random(in: 2...40, using: &rng)
            let edges = (0..<Int.random(in: 0...(n * 3), using: &rng)).map { _ in (Int.random(in: 1...n, using: &rng), Int.random(in: 1...n, using: &rng)) }
            let roots = Array(Set((0..<Int.random(in: 1...4, using: &rng)).map { _ in Int.random(in: 1...n, using: &rng) }))
            let weak = Set(edges.indices.filter { _ in Int.random(in: 0..<8, using: &rng) == 0 })
            let g = graphOf(n, edges, roots: roots, weak: weak)
            check(g, "trial \(trial) n=\(n) edges=\(edges) roots=\(roots) weak=\(weak.sorted())")
            check(g, maxDepth: 2, "trial \(trial), depth 2")
            check(g, avoid: { $0 % 5 == 3 }, "trial \(trial), avoiding")
        }
        let paths = RootPaths(real)
        let deep = real.nodes.filter { paths.isReached($0) }.max { paths.depth($0) < paths.depth($1) }!
        XCTAssertGreaterThan(paths.depth(deep), 1)
        var none = 0
        XCTAssertEqual(TargetPaths.path(real, to: deep, budget: &none), .tooLarge, "a search past its budget gives up")
    }

    func testMaxDepth() {
        var objects = ["{\"address\": 1, \"type\": \"list\", \"size\": 1, \"refs\": [2], \"root\": \"frame\"}"]
        for i in 2..<10 { objects.append("{\"address\": \(i), \"type\": \"list\", \"size\": 1, \"refs\": [\(i + 1)]}") }
        objects.append("{\"address\": 10, \"type\": \"str\", \"size\": 1, \"refs\": []}")
        let g = load(temporaryFile(nativeDump(objects)))
        XCTAssertEqual(RetentionPaths(g, targets: [g.node(10)!], maxDepth: 3).blocked.count, 1)
        XCTAssertEqual(RetentionPaths(g, targets: [g.node(10)!], maxDepth: 9).groups.count, 1)
    }

    func testMillionLongChainNeedsNoRecursion() {
        // Built directly: a chain of 1M objects from one root.
        var lines = ["{\"address\": 0, \"type\": \"list\", \"size\": 1, \"refs\": [1], \"root\": \"frame\"}"]
        let n = 1_000_000
        lines.reserveCapacity(n)
        for i in 1..<n { lines.append("{\"address\": \(i), \"type\": \"list\", \"size\": 1, \"refs\": [\(i + 1 < n ? i + 1 : 0)]}") }
        let g = load(temporaryFile(nativeDump(lines)))
        let r = RetentionPaths(g, targets: [g.node(UInt64(n - 1))!])
        XCTAssertEqual(r.groups[0].paths[0].count, n)
        let scc = StronglyConnected(g)
        XCTAssertEqual(scc.cyclicComponents().map(\.count), [n])
    }
}
