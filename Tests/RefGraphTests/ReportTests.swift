import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest
@testable import RefGraph

final class ReportTests: XCTestCase {
    func testTerminalOutputNeutralisesEscapeSequences() {
        let evil = "\u{1b}[2J\u{1b}]0;pwned\u{07}\r\u{202e}gnp.exe\u{9b}31m"
        let text = nativeDump([
            "{\"address\": 1, \"type\": \"str\", \"size\": 10, \"value\": \(Escape.json(evil)), \"name\": null, \"refs\": [], \"root\": \"frame\"}",
            "{\"address\": 2, \"type\": \(Escape.json("Evil\u{1b}[31m")), \"size\": 10, \"refs\": [1], \"labels\": [\(Escape.json("['\u{1b}[1m']"))], \"root\": \"frame\"}",
        ])
        let g = load(temporaryFile(text))
        let outputs = [
            Summary(g).text(),
            RetentionPaths(g, targets: [g.node(1)!]).text(g, selector: "x"),
            Describer(g).line(g.node(1)!),
            HopText(g).lines([Hop(node: g.node(2)!, edge: nil), Hop(node: g.node(1)!, edge: 0)]).joined(),
        ]
        for o in outputs {
            XCTAssertFalse(o.unicodeScalars.contains { $0.value == 0x1b || $0.value == 0x07 || $0.value == 0x9b || $0.value == 0x202e || $0 == "\r" }, o)
        }
        XCTAssertTrue(Describer(g).line(g.node(1)!).contains("\\x1b[2J"))
    }

    func testSummarySaysWhenMemoryIsOutsidePythonObjects() {
        let g = load(temporaryFile(nativeDump(["{\"address\": 1, \"type\": \"dict\", \"size\": 1000, \"refs\": [], \"root\": \"frame\"}"], rss: 500_000_000)))
        let s = Summary(g)
        XCTAssertNotNil(s.outsideNote)
        XCTAssertTrue(s.text().contains("is outside Python objects"))
        XCTAssertTrue(s.text().contains("valgrind"))
        let fine = load(temporaryFile(nativeDump(["{\"address\": 1, \"type\": \"dict\", \"size\": 30000000, \"refs\": [], \"root\": \"frame\"}"], rss: 40_000_000)))
        XCTAssertNil(Summary(fine).outsideNote)
    }

    func testEveryJSONReportParses() throws {
        let g = load(fixture("native/hotreload-py3.jsonl"))
        let index = DominatorIndex(g, tree: DominatorTree(g))
        let d = Describer(g)
        let docs = [
            Summary(g).json(),
            RetentionPaths(g, targets: g.roots, alternatives: 3).json(g, selector: "root"),
            ReferenceCycles(g).json(g),
            RetainedTop(g, index: index, by: .retained, group: .module, limit: 5, semantics: d.semantics, title: d.title).json(g),
            LeakSuspects(g, index: index, semantics: d.semantics, threshold: 0.01).json(g),
            DominatorChains(g, tree: index.tree, targets: Array(g.nodes), limit: 20).render(json: true),
            try SnapshotDiff([g, g]).json([g, g]),
            CheckOutput.json([BatchCheck.check(fixture("native/hotreload-py3.jsonl"), rules: [.garbage], options: LoadOptions(progress: false), title: title)]),
        ]
        for doc in docs {
            XCTAssertNoThrow(try JSONSerialization.jsonObject(with: Data(doc.utf8)), doc)
        }
    }

    func testTopGroupsCountEachObjectOnce() {
        // 1 -> 2 -> 3, all of type "t": a group of all three retains 30, not 60.
        let g = graphOf(3, [(1, 2), (2, 3)], roots: [1])
        let index = DominatorIndex(g, tree: DominatorTree(g))
        XCTAssertEqual(index.retained(of: Array(g.nodes)), 30)
        XCTAssertEqual(index.retained(of: [g.node(2)!, g.node(3)!]), 20)
        XCTAssertTrue(index.dominates(g.node(1)!, g.node(3)!))
        XCTAssertFalse(index.dominates(g.node(3)!, g.node(1)!))
    }

    func testSuspectsNameTheDequeNotTheWeakDict() {
        // A module dict holds a cache: a deque with 50 entries (strong) and a weak dict pointing at them weakly.
        var lines = [
            "{\"address\": 1, \"type\": \"dict\", \"size\": 100, \"refs\": [2, 3], \"labels\": [\"['strong']\", \"['weak']\"], \"root\": \"sys.modules\"}",
            "{\"address\": 2, \"type\": \"collections.deque\", \"size\": 600, \"refs\": [\((100..<150).map(String.init).joined(separator: ", "))]}",
            "{\"address\": 3, \"type\": \"weakref.WeakValueDictionary\", \"size\": 50, \"refs\": [4], \"labels\": [\".data\"]}",
            "{\"address\": 4, \"type\": \"dict\", \"size\": 200, \"refs\": [\((200..<250).map(String.init).joined(separator: ", "))]}",
        ]
        for i in 100..<150 { lines.append("{\"address\": \(i), \"type\": \"Entry\", \"size\": 700, \"refs\": []}") }
        for i in 200..<250 { lines.append("{\"address\": \(i), \"type\": \"weakref.KeyedRef\", \"size\": 80, \"refs\": [\(i - 100)], \"labels\": [\"<weakref>\"]}") }
        let g = load(temporaryFile(nativeDump(lines)))
        let index = DominatorIndex(g, tree: DominatorTree(g))
        let s = LeakSuspects(g, index: index, semantics: HeapSemantics(g), accumulation: 0)
        XCTAssertEqual(g.address(s.suspects[0].node), 2)
        XCTAssertEqual(s.suspects[0].heldType, "Entry")
        XCTAssertEqual(s.suspects[0].heldCount, 50)
        XCTAssertTrue(s.suspects[0].explanation(g, Describer(g)).hasPrefix("collections.deque 0x2 holds 50 Entry objects (35.6 kB,"), s.suspects[0].explanation(g, Describer(g)))
        for x in s.suspects.dropFirst() { XCTAssertFalse(x.retainedByType.contains { $0.type == "Entry" }) }
    }
}
