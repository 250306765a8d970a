import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest
@testable import RefGraph

/// The roots model of docs/ROOTS.md: C-held only, visible with hidden
/// references, and static singletons.
final class RootModelTests: XCTestCase {
    /// sys.modules → module dict → Handler → body bytes (+1 ref from C, a
    /// BytesIO buffer), and a function only C holds (atexit on 3.x).
    func bytesIODump() -> String {
        nativeDump([
            #"{"address": 1, "type": "dict", "size": 100, "refs": [2], "labels": ["['app']"], "root": "sys.modules", "refcount": 1}"#,
            #"{"address": 2, "type": "dict", "size": 100, "refs": [3], "labels": ["['cache']"], "refcount": 1}"#,
            #"{"address": 3, "type": "list", "size": 100, "refs": [4], "labels": ["[0]"], "refcount": 1}"#,
            #"{"address": 4, "type": "app.Handler", "size": 50, "refs": [5], "labels": [".body"], "refcount": 1}"#,
            #"{"address": 5, "type": "bytes", "size": 8000, "refs": [], "refcount": 2, "root": "external", "unexplained": 1}"#,
            #"{"address": 6, "type": "function", "size": 136, "name": "logging.shutdown", "refs": [7], "labels": ["__globals__"], "refcount": 1, "root": "external", "unexplained": 1}"#,
            #"{"address": 7, "type": "dict", "size": 4000, "refs": [], "refcount": 1}"#,
            #"{"address": 8, "type": "str", "size": 50, "refs": [], "refcount": 1000000000, "immortal": true}"#,
        ])
    }

    func testReachedExternalIsNotARootAndCountsInItsHoldersRetainedSize() {
        let g = load(temporaryFile(bytesIODump()))
        let body = g.node(5)!, shutdown = g.node(6)!, list = g.node(3)!
        XCTAssertEqual(g.rootKind(body), .none)
        XCTAssertTrue(g.isHeldFromC(body))
        XCTAssertEqual(g.unexplained[body], 1)
        XCTAssertEqual(g.rootKind(shutdown), .external, "held only from C: still a root")
        XCTAssertFalse(g.isHeldFromC(shutdown))
        let tree = DominatorTree(g)
        XCTAssertEqual(tree.retained[Int(list)], 8150, "the list retains its Handler and the body")
        XCTAssertTrue(Describer(g).line(body).contains("+1 ref from C"))
    }

    func testConservativeViewKeepsEveryExternalRoot() {
        var o = LoadOptions(progress: false)
        o.cRoots = .all
        let g = load(temporaryFile(bytesIODump()), o)
        XCTAssertEqual(g.rootKind(g.node(5)!), .external)
        XCTAssertEqual(DominatorTree(g).retained[Int(g.node(3)!)], 150)
    }

    func testCachedImageKeepsTheModel() {
        let path = temporaryFile(bytesIODump())
        var o = LoadOptions(progress: false, cache: .on)
        _ = load(path, o)
        let cached = load(path, o)
        XCTAssertEqual(cached.rootKind(cached.node(5)!), .none)
        XCTAssertTrue(cached.isHeldFromC(cached.node(5)!))
        o.cRoots = .all
        let conservative = load(path, o)
        XCTAssertEqual(conservative.rootKind(conservative.node(5)!), .external)
    }

    func testImmortalSingletonIsALastResortRootOnlyWhenNothingReachesIt() {
        let g = load(temporaryFile(bytesIODump()))
        XCTAssertEqual(g.rootKind(g.node(8)!), .immortal)
        let reached = load(temporaryFile(nativeDump([
            #"{"address": 1, "type": "dict", "size": 100, "refs": [2], "labels": ["['a']"], "root": "sys.modules", "refcount": 1}"#,
            #"{"address": 2, "type": "str", "size": 50, "refs": [], "refcount": 1000000000, "root": "immortal", "immortal": true}"#,
        ])))
        XCTAssertEqual(reached.rootKind(reached.node(2)!), .none)
        XCTAssertFalse(reached.isHeldFromC(reached.node(2)!))
    }

    func testPathAllShowsTheVisibleHolderAndTheCHolder() {
        let g = load(temporaryFile(bytesIODump()))
        let paths = RetentionPaths(g, targets: [g.node(5)!], alternatives: 3)
        XCTAssertEqual(paths.groups[0].paths[0].first?.node, g.node(1), "the path starts at sys.modules, not at a C root")
        let text = paths.text(g, selector: "x")
        XCTAssertTrue(text.contains("C code"), text)
        XCTAssertTrue(text.contains("+1 reference from C → bytes"), text)
    }

    func testDominatorsNameIndependentHolders() {
        let g = load(temporaryFile(nativeDump([
            #"{"address": 1, "type": "dict", "size": 100, "refs": [3], "labels": ["['a']"], "root": "sys.modules", "refcount": 1}"#,
            #"{"address": 2, "type": "list", "size": 100, "refs": [3], "labels": ["[0]"], "root": "gc.garbage", "refcount": 1}"#,
            #"{"address": 3, "type": "app.Thing", "size": 100, "refs": [], "refcount": 2}"#,
        ])))
        let text = DominatorChains(g, tree: DominatorTree(g), targets: [g.node(3)!], limit: 5).render(json: false)
        XCTAssertTrue(text.contains("2 holders") || text.contains("holders that reach it independently"), text)
        XCTAssertTrue(text.contains("list"), text)
        XCTAssertTrue(text.contains("dict"), text)
    }

    /// The load-time search sweeps in file order first: objects reached only
    /// through references that point back to earlier lines must still count
    /// as reached (and a C-held object nothing reaches stays a root).
    func testReachabilityFollowsReferencesToEarlierLines() {
        let g = load(temporaryFile(nativeDump([
            #"{"address": 1, "type": "bytes", "size": 8000, "refs": [], "refcount": 2, "root": "external", "unexplained": 1}"#,
            #"{"address": 2, "type": "list", "size": 100, "refs": [1], "labels": ["[0]"], "refcount": 1}"#,
            #"{"address": 3, "type": "list", "size": 100, "refs": [2], "labels": ["[0]"], "refcount": 1}"#,
            #"{"address": 4, "type": "bytes", "size": 10, "refs": [], "refcount": 2, "root": "external", "unexplained": 1}"#,
            #"{"address": 5, "type": "list", "size": 100, "refs": [7], "labels": ["[0]"], "refcount": 1}"#,
            #"{"address": 6, "type": "dict", "size": 100, "refs": [5], "labels": ["['a']"], "root": "sys.modules", "refcount": 1}"#,
            #"{"address": 7, "type": "list", "size": 100, "refs": [3], "labels": ["[0]"], "refcount": 1}"#,
            #"{"address": 8, "type": "bytes", "size": 10, "refs": [], "refcount": 2, "root": "external", "unexplained": 1}"#,
        ])))
        XCTAssertEqual(g.rootKind(g.node(1)!), .none, "6 → 5 → 7 → 3 → 2 → 1: reached through earlier lines")
        XCTAssertTrue(g.isHeldFromC(g.node(1)!))
        XCTAssertEqual(g.rootKind(g.node(4)!), .external, "nothing reaches it")
        XCTAssertEqual(g.rootKind(g.node(8)!), .external, "nothing reaches it")
        XCTAssertEqual(DominatorTree(g).retained[Int(g.node(5)!)], 100 + 100 + 100 + 100 + 8000)
    }

    /// The search for more holders is bounded when asked (dominators bounds it
    /// like a path search) and says so; without a bound it finds them all.
    func testAlternativeHolderSearchHonoursItsBudget() {
        let g = load(temporaryFile(nativeDump([
            #"{"address": 1, "type": "dict", "size": 100, "refs": [4], "labels": ["['a']"], "root": "sys.modules", "refcount": 1}"#,
            #"{"address": 2, "type": "list", "size": 100, "refs": [3], "labels": ["[0]"], "root": "gc.garbage", "refcount": 1}"#,
            #"{"address": 3, "type": "list", "size": 100, "refs": [4], "labels": ["[0]"], "refcount": 1}"#,
            #"{"address": 4, "type": "app.Thing", "size": 100, "refs": [], "refcount": 2}"#,
        ])))
        let open = RetentionPaths(g, targets: [g.node(4)!], alternatives: 3)
        XCTAssertEqual(open.groups[0].paths.count, 2)
        XCTAssertFalse(open.groups[0].holdersTruncated)
        let bounded = RetentionPaths(g, targets: [g.node(4)!], alternatives: 3, alternativeBudget: 1)
        XCTAssertEqual(bounded.groups[0].paths.count, 1, "the second holder is two hops away, past a budget of 1")
        XCTAssertTrue(bounded.groups[0].holdersTruncated)
    }
}
