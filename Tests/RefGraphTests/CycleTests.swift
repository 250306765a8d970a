import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest
@testable import RefGraph

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
        let c = ReferenceCycles(delCycle(python: "2.7.18", garbage: true))
        XCTAssertEqual(c.cycles.count, 1)
        XCTAssertEqual(c.cycles[0].classification, .uncollectable)
        XCTAssertEqual(c.cycles[0].members.count, 4)
        XCTAssertEqual(c.cycles[0].finalizerMembers.count, 2)
        XCTAssertFalse(c.cycles[0].reachable, "held only through gc.garbage: garbage, not live")
        XCTAssertEqual(c.cycles[0].example.count, 4)
        // The same cycle reachable from a live root is live, never uncollectable.
        let live = ReferenceCycles(delCycle(python: "2.7.18", garbage: false, live: true))
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
        let c = ReferenceCycles(g)
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
        let c = ReferenceCycles(g)
        XCTAssertEqual(c.cycles[0].classification, .collectableFinalized)
        XCTAssertFalse(c.cycles[0].reachable)
        XCTAssertTrue(c.text(g).contains("COLLECTABLE-FINALIZED: 4 objects, 40 B, unreachable (garbage awaiting collection)"))
        let two = ReferenceCycles(delCycle(python: "3.3.0", garbage: false))
        XCTAssertEqual(two.cycles[0].classification, .uncollectable)
    }

    func testLegacyTpDelIsUncollectableOnAnyVersion() {
        let objects = [
            "{\"address\": 1, \"type\": \"Gen\", \"size\": 10, \"refs\": [1], \"finalizer\": \"tp_del\"}",
        ]
        let c = ReferenceCycles(load(temporaryFile(nativeDump(objects))))
        XCTAssertEqual(c.cycles.map(\.classification), [.uncollectable], "a self reference is a cycle")
    }

    func testFinalizersOnlyFilter() {
        let g = load(fixture("native/hotreload-py3.jsonl"))
        XCTAssertEqual(ReferenceCycles(g).cycles.count, 3)
        XCTAssertEqual(ReferenceCycles(g, finalizersOnly: true).cycles.count, 0)
    }
}
