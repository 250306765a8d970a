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

final class CycleTests: XCTestCase {
    func delCycle(python: String, garbage: Bool, live: Bool = false) -> HeapGraph {
        let g = garbage ? ", \"garbage\": true" : ""
        let objects = [
            "{\"address\": 1, \"type\": \"list\", \"size\": 10, \"refs\": [\(garbage || live ? 2 : 9)], \"root\": \"\(live ? "frame" : "gc.garbage")\"}",
            "{\"address\": 2, \"type\": \"Leaky\", \"size\": 10, \"refs\": [3], \"labels\": [\"__dict__\"], \"finalizer\": \"del\"\(g)}",
            "{\"address\": 3, \"type\": \"dict\", \"size\": 10, \"refs\": [4], \"labels\": [\"['other']\"]}",
            "{\"address\": 4, \"type\": \"Leaky\", \"size\": 10, \"refs\": [5], \"labels\": [\"__dict__\"], \"finalizer\": \"del\"\(g)}",
            "{\"address\": 5, \"type\": \"dict\", \"size\": 10, \"refs\": [2], \"labels\": [\"['other']\"]}",
            "{\"address\": 9, \"type\": \"str\", \"size\": 10, \"refs\": []}",
        ]
        return load(temporaryFile(nativeDump(objects, python: python)))
    }

    func testDelCycleOnPython2IsUncollectable() {
        let c = FinalizerCycles(delCycle(python: "2.7.18", garbage: true))
        XCTAssertEqual(c.cycles.count, 1)
        XCTAssertEqual(c.cycles[0].classification, .uncollectable)
        XCTAssertEqual(c.cycles[0].members.count, 4)
        XCTAssertEqual(c.cycles[0].finalizerMembers.count, 2)
        XCTAssertFalse(c.cycles[0].reachable, "held only through gc.garbage: garbage, not live")
        XCTAssertEqual(c.cycles[0].example.count, 4)
        // The same cycle reachable from a live root is live, never uncollectable.
        let live = FinalizerCycles(delCycle(python: "2.7.18", garbage: false, live: true))
        XCTAssertEqual(live.cycles.map(\.classification), [.liveWithFinalizers])
    }

    /// Issue 20: with DEBUG_SAVEALL, gc.garbage → instance → class → method →
    /// __globals__ → module → ... → gc.garbage made one component of the whole
    /// module graph. Garbage and live objects are now split first: the
    /// garbage cycle is its 2 instances, the example starts at one of them,
    /// and the key cycle counts what it keeps alive.
    func testAGarbageCycleIsNotMergedWithTheModuleGraph() {
        let objects = [
            "{\"address\": 1, \"type\": \"dict\", \"size\": 1000, \"refs\": [20], \"labels\": [\"['gc']\"], \"root\": \"sys.modules\"}",
            "{\"address\": 20, \"type\": \"module\", \"size\": 72, \"name\": \"gc\", \"refs\": [21], \"labels\": [\"__dict__\"]}",
            "{\"address\": 21, \"type\": \"dict\", \"size\": 500, \"refs\": [22, 30], \"labels\": [\"['garbage']\", \"['Node']\"]}",
            "{\"address\": 22, \"type\": \"list\", \"size\": 72, \"refs\": [40, 41, 50], \"root\": \"gc.garbage\"}",
            "{\"address\": 30, \"type\": \"type\", \"size\": 900, \"name\": \"__main__.Node\", \"refs\": [31], \"labels\": [\"__dict__\"]}",
            "{\"address\": 31, \"type\": \"dict\", \"size\": 300, \"refs\": [32], \"labels\": [\"['hello']\"]}",
            "{\"address\": 32, \"type\": \"function\", \"size\": 150, \"name\": \"__main__.Node.hello\", \"refs\": [21], \"labels\": [\"__globals__\"]}",
            "{\"address\": 40, \"type\": \"__main__.Node\", \"size\": 56, \"refs\": [41, 30, 60], \"labels\": [\".other\", \"ob_type\", \".pad\"], \"garbage\": true}",
            "{\"address\": 41, \"type\": \"__main__.Node\", \"size\": 56, \"refs\": [40, 30], \"labels\": [\".other\", \"ob_type\"], \"garbage\": true}",
            "{\"address\": 50, \"type\": \"__main__.Node\", \"size\": 56, \"refs\": [50, 41], \"labels\": [\".self\", \".peer\"], \"garbage\": true}",
            "{\"address\": 60, \"type\": \"bytearray\", \"size\": 1057}",
        ]
        let g = load(temporaryFile(nativeDump(objects, python: "3.11.7")))
        let c = FinalizerCycles(g)
        let garbage = c.cycles.filter { !$0.reachable }
        XCTAssertEqual(garbage.map { $0.members.map { g.address($0) }.sorted() }, [[50], [40, 41]], "key cycle first")
        XCTAssertEqual(garbage.map(\.bytes), [56, 112], "the garbage's own sizes")
        XCTAssertEqual(garbage.map(\.isKey), [true, false], "50 refers to the 40-41 cycle, nothing refers to 50")
        XCTAssertEqual(garbage[0].keepsAlive, 3)
        XCTAssertEqual(garbage[0].keepsAliveBytes, 56 + 56 + 1057)
        XCTAssertEqual(garbage.map(\.classification), [.uncollectable, .uncollectable])
        XCTAssertTrue(g.flags(g.reverseSourceOfForward(garbage[1].example[0])).contains(.garbage), "the example starts at a garbage member")
        let live = c.cycles.filter(\.reachable)
        XCTAssertEqual(live.map { $0.members.count }, [4], "the module graph's own cycle, without the garbage")
        XCTAssertTrue(c.text(g).contains("key cycle: no other garbage cycle refers to it; it keeps 3 more garbage objects (1.2 kB) alive"))
    }

    func testDelCycleOnPython3IsCollectableFinalized() {
        let g = delCycle(python: "3.11.7", garbage: false)
        let c = FinalizerCycles(g)
        XCTAssertEqual(c.cycles[0].classification, .collectableFinalized)
        XCTAssertFalse(c.cycles[0].reachable)
        XCTAssertTrue(c.text(g).contains("COLLECTABLE-FINALIZED: 4 objects, 40 B, unreachable (garbage awaiting collection)"))
        let two = FinalizerCycles(delCycle(python: "3.3.0", garbage: false))
        XCTAssertEqual(two.cycles[0].classification, .uncollectable)
    }

    func testLegacyTpDelIsUncollectableOnAnyVersion() {
        let objects = [
            "{\"address\": 1, \"type\": \"Gen\", \"size\": 10, \"refs\": [1], \"finalizer\": \"tp_del\"}",
        ]
        let c = FinalizerCycles(load(temporaryFile(nativeDump(objects))))
        XCTAssertEqual(c.cycles.map(\.classification), [.uncollectable], "a self reference is a cycle")
    }

    func testFinalizersOnlyFilter() {
        let g = load(fixture("native/hotreload-py3.jsonl"))
        XCTAssertEqual(FinalizerCycles(g).cycles.count, 3)
        XCTAssertEqual(FinalizerCycles(g, finalizersOnly: true).cycles.count, 0)
    }
}

final class CheckTests: XCTestCase {
    func testRulesExitCodesAndJUnit() throws {
        let good = fixture("native/logging-small.jsonl")
        let py2 = temporaryFile(nativeDumpForCheck(), name: "py2.jsonl")
        let unreadable = temporaryFile("{\"record\": \"header\", \"format\": \"refgraph\", \"version\": 1}\n", name: "cut.jsonl")
        let rules = [CheckRule.uncollectable, .garbage, try CheckRule.parse("count:type == dict>1")]
        let results = BatchCheck.check([good, py2, unreadable], rules: rules, options: LoadOptions(progress: false), title: title)
        XCTAssertEqual(results.map(\.file), [good, py2, unreadable], "input order is kept")
        XCTAssertEqual(results[0].results.map(\.passed), [true, true, false])
        XCTAssertEqual(results[1].results.map(\.passed), [false, false, true])
        XCTAssertNotNil(results[2].error)
        XCTAssertEqual(CheckOutput.exitCode(results), 2)
        XCTAssertEqual(CheckOutput.exitCode(Array(results.prefix(2))), 1)
        XCTAssertEqual(CheckOutput.exitCode([BatchCheck.check(good, rules: [.uncollectable], options: LoadOptions(progress: false), title: title)]), 0)
        let xml = CheckOutput.junit(results, rules: rules)
        let doc = try XMLDocument(data: Data(xml.utf8))
        XCTAssertEqual(try doc.nodes(forXPath: "//testcase").count, 7)
        XCTAssertEqual(try doc.nodes(forXPath: "//testcase/failure").count, 3)
        XCTAssertEqual(try doc.nodes(forXPath: "//testcase/error").count, 1)
    }

    func testEdgeListsInADirectoryUseTheirNodeTables() throws {
        let edges = temporaryFile("1\t2\n1\t3\n", name: "snap.tsv")
        let dir = (edges as NSString).deletingLastPathComponent
        let table = (dir as NSString).appendingPathComponent("snap.nodes.tsv")
        try "id\ttype\n1\tmodule\n2\tapp.Widget\n3\tapp.Widget\n".write(toFile: table, atomically: true, encoding: .utf8)
        XCTAssertEqual(DumpDiscovery.expand([dir]), [edges], "the node table is not taken for a dump")
        XCTAssertEqual(DumpDiscovery.expand([dir, edges, dir + "/./snap.tsv"]), [edges], "each dump is checked once")
        XCTAssertEqual(DumpDiscovery.siblingNodeTable(edges), table)
        XCTAssertNil(DumpDiscovery.siblingNodeTable(table))
        let rule = try CheckRule.parse("count:type == \"app.Widget\">1")
        XCTAssertEqual(CheckOutput.message(BatchCheck.check([dir].flatMap { DumpDiscovery.expand([$0]) }, rules: [rule], options: LoadOptions(progress: false), title: title)[0].results[0]),
                       "2 objects match (limit 1)")
        let copy = (dir as NSString).appendingPathComponent("other.tsv")
        try FileManager.default.copyItem(atPath: edges, toPath: copy)
        XCTAssertEqual(DumpDiscovery.expand([dir], excluding: [edges]), [copy], "an explicit --nodes file is left out too")
    }

    func testRuleParsing() throws {
        XCTAssertEqual(try CheckRule.parse("size:type == \"bytes\" and size > 10>1MB"), .size("type == \"bytes\" and size > 10", 1_000_000))
        XCTAssertEqual(try CheckRule.parse("unreachable>10kB"), .unreachable(10_000))
        XCTAssertThrowsError(try CheckRule.parse("leaks"))
        XCTAssertThrowsError(try CheckRule.parse("count:type == dict"))
    }

    func nativeDumpForCheck() -> String {
        nativeDump([
            "{\"address\": 1, \"type\": \"list\", \"size\": 10, \"refs\": [2], \"root\": \"gc.garbage\"}",
            "{\"address\": 2, \"type\": \"Leaky\", \"size\": 10, \"refs\": [3], \"finalizer\": \"del\", \"garbage\": true}",
            "{\"address\": 3, \"type\": \"dict\", \"size\": 10, \"refs\": [2]}",
        ], python: "2.7.18")
    }
}

#if canImport(FoundationXML)
import FoundationXML
#endif
import Foundation

final class OtherFormatTests: XCTestCase {
    func testPathAndCyclesOnARealMeliaeDump() throws {
        let g = load(fixture("meliae/py27-small.json"))
        let targets = try Selector("type == Cache", graph: g).select(in: g)
        XCTAssertEqual(targets.count, 1)
        let r = RetentionPaths(g, targets: targets)
        XCTAssertEqual(r.groups.count, 1)
        let path = r.groups[0].paths[0]
        // The module dict of __main__ holds the cache under its name (2.7 writes dict keys).
        XCTAssertTrue(path.contains { $0.edge.map { g.label(ofEdge: $0) } == "['cache']" }, HopText(g).lines(path).joined(separator: "\n"))
        XCTAssertFalse(FinalizerCycles(g).cycles.isEmpty)
    }

    func testPathCyclesAndCheckOnAnEdgeList() throws {
        let text = "a\tb\tx\nb\tc\t[0]\nc\tb\tback\nroot\ta\tglobal\n"
        let nodes = "id,type,size,root,finalizer\nroot,dict,100,sys.modules,\na,list,50,,\nb,Leaky,30,,del\nc,Leaky,30,,del\n"
        let g = load(temporaryFile(text, name: "g.tsv"), LoadOptions(nodeTable: temporaryFile(nodes, name: "n.csv"), progress: false))
        let c = try Selector("name == c", graph: g).select(in: g)
        let r = RetentionPaths(g, targets: c)
        XCTAssertEqual(r.groups[0].paths[0].map { g.name($0.node) }, ["root", "a", "b", "c"])
        let cycles = FinalizerCycles(g)
        XCTAssertEqual(cycles.cycles.count, 1)
        XCTAssertEqual(cycles.cycles[0].classification, .liveWithFinalizers, "reachable: live, not garbage")
        XCTAssertTrue(cycles.cycles[0].reachable)
    }
}
