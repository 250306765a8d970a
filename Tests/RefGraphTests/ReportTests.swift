import Foundation
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
            FinalizerCycles(g).json(g),
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

/// Issue 20: rows of the peers' replay (Tests/peers) that needed the analyzer.
final class PeerBehaviourTests: XCTestCase {
    /// meliae's test_collapse_old_instance_dicts: a 2.7 old-style `instance`
    /// is typed by its classobj, and its refs are labelled.
    func testOldStyleInstancesInMeliaeDumpsAreTypedByTheirClass() throws {
        let g = load(temporaryFile([
            "{\"address\": 1, \"type\": \"instance\", \"size\": 36, \"refs\": [2, 3]}",
            "{\"address\": 3, \"type\": \"dict\", \"size\": 140, \"len\": 1, \"refs\": [4, 5]}",
            "{\"address\": 5, \"type\": \"int\", \"size\": 12, \"value\": 1, \"refs\": []}",
            "{\"address\": 4, \"type\": \"str\", \"size\": 25, \"len\": 1, \"value\": \"a\", \"refs\": []}",
            "{\"address\": 2, \"type\": \"classobj\", \"size\": 48, \"name\": \"OldStyle\", \"refs\": []}",
        ].joined(separator: "\n") + "\n", name: "m.json"))
        XCTAssertEqual(g.typeName(g.node(1)!), "OldStyle")
        XCTAssertEqual(g.outLabels(g.node(1)!), ["__class__", "__dict__"])
        XCTAssertEqual(try Selector("OldStyle", graph: g).select(in: g).map { g.address($0) }, [1])
    }

    /// meliae's test_expand_refs_as_dict: a dict line without "len" still lists key/value pairs.
    func testMeliaeDictsWithoutLenAreLabelled() {
        let g = load(temporaryFile([
            "{\"address\": 1, \"type\": \"str\", \"size\": 25, \"value\": \"a\", \"refs\": []}",
            "{\"address\": 2, \"type\": \"int\", \"size\": 12, \"value\": 1, \"refs\": []}",
            "{\"address\": 3, \"type\": \"dict\", \"size\": 140, \"refs\": [1, 2]}",
        ].joined(separator: "\n") + "\n", name: "m.json"))
        XCTAssertEqual(g.outLabels(g.node(3)!), ["<key>", "['a']"])
    }

    /// objgraph's test_short_repr_lambda: a lambda reads `<lambda> file:line`.
    func testLambdasReadLambdaFileLine() {
        let g = load(temporaryFile(nativeDump([
            "{\"address\": 1, \"type\": \"function\", \"size\": 150, \"name\": \"__main__.<lambda> app.py:12\", \"module\": \"__main__\", \"root\": \"frame\"}",
        ])))
        let d = Describer(g)
        XCTAssertEqual(d.title(g.node(1)!), "function <lambda> app.py:12 0x1")
        XCTAssertEqual(try Selector("module == __main__", graph: g).select(in: g).count, 1)
    }
}

/// Colour on a terminal: `--color auto|always|never` and NO_COLOR (issue 20).
final class ColorTests: XCTestCase {
    func testChoiceTerminalAndNoColor() {
        XCTAssertEqual(TextStyle.resolve(.auto, isTerminal: true, environment: [:]), .ansi)
        XCTAssertEqual(TextStyle.resolve(.auto, isTerminal: false, environment: [:]), .plain, "a pipe or a file gets no escapes")
        XCTAssertEqual(TextStyle.resolve(.auto, isTerminal: true, environment: ["NO_COLOR": "1"]), .plain)
        XCTAssertEqual(TextStyle.resolve(.auto, isTerminal: true, environment: ["NO_COLOR": ""]), .ansi, "an empty NO_COLOR does not count (no-color.org)")
        XCTAssertEqual(TextStyle.resolve(.auto, isTerminal: true, environment: ["TERM": "dumb"]), .plain)
        XCTAssertEqual(TextStyle.resolve(.always, isTerminal: false, environment: ["NO_COLOR": "1"]), .ansi, "the command line overrides NO_COLOR")
        XCTAssertEqual(TextStyle.resolve(.never, isTerminal: true, environment: [:]), .plain)
    }

    /// A path report colours the root label, the sizes and the target; the
    /// padding of the label column is unchanged; plain is byte for byte the
    /// text without escapes; a type name holding ESC stays escaped.
    func testPathReportColoursRootsTargetsAndSizes() {
        let g = load(temporaryFile(nativeDump([
            "{\"address\": 1, \"type\": \"dict\", \"size\": 100, \"refs\": [2], \"labels\": [\"['cache']\"], \"root\": \"sys.modules\"}",
            "{\"address\": 2, \"type\": \"evil\\u001b[2Jname\", \"size\": 40, \"refs\": []}",
        ])))
        let found = RetentionPaths(g, targets: [g.node(2)!])
        let plain = found.text(g, selector: "id == 2")
        let coloured = TextStyle.$current.withValue(.ansi) { found.text(g, selector: "id == 2") }
        XCTAssertFalse(plain.contains("\u{1B}"), plain)
        XCTAssertTrue(coloured.contains("\u{1B}[1;35m[sys.modules root]\u{1B}[0m"), coloured)
        XCTAssertTrue(coloured.contains("\u{1B}[36m40 B\u{1B}[0m"), coloured)
        XCTAssertTrue(coloured.contains("\u{1B}[1;33mevil\\x1b[2Jname 0x2\u{1B}[0m  (\u{1B}[36m40 B"), coloured)
        XCTAssertFalse(coloured.contains("\u{1B}[2J"), "the name's ESC is escaped, never sent")
        let stripped = coloured.replacingOccurrences(of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression)
        XCTAssertEqual(stripped, plain)
    }
}

/// Allocation sites in text reports (issue 19 item 2): the innermost frame
/// outside the standard library, under path, dominators and suspects.
final class AllocationSiteTests: XCTestCase {
    func testReportsNameTheUsersFrame() {
        let g = load(temporaryFile(nativeDump([
            "{\"address\": 1, \"type\": \"dict\", \"size\": 100, \"refs\": [2], \"labels\": [\"['cache']\"], \"root\": \"sys.modules\"}",
            "{\"address\": 2, \"type\": \"list\", \"size\": 4000000, \"len\": 1, \"refs\": [3], \"labels\": [\"[0]\"], \"alloc\": [\"/usr/lib/python3.11/json/decoder.py:353\", \"<frozen importlib._bootstrap>:241\", \"/srv/app/cache.py:42\", \"/srv/app/main.py:7\"]}",
            "{\"address\": 3, \"type\": \"app.Entry\", \"size\": 64, \"refs\": [], \"alloc\": [\"/usr/lib/python3.11/site-packages/lib/make.py:9\"]}",
        ])))
        let d = Describer(g)
        XCTAssertEqual(d.allocationSite(g.node(2)!), "/srv/app/cache.py:42")
        XCTAssertEqual(d.allocationSite(g.node(3)!), "/usr/lib/python3.11/site-packages/lib/make.py:9", "site-packages is the user's code")
        XCTAssertNil(d.allocationSite(g.node(1)!))
        let path = RetentionPaths(g, targets: [g.node(2)!]).text(g, selector: "id == 2")
        XCTAssertTrue(path.contains("\n    allocated at /srv/app/cache.py:42\n"), path)
        let tree = DominatorTree(g)
        let dom = DominatorChains(g, tree: tree, targets: [g.node(3)!], limit: 5).render(json: false)
        XCTAssertTrue(dom.contains("allocated at /usr/lib/python3.11/site-packages/lib/make.py:9"), dom)
    }

    /// Site records (the exporter writes each traceback once): objects that
    /// name a site carry its frames, exactly as an inline `alloc` would.
    func testSiteRecordsGiveTheirObjectsTheFrames() {
        let g = load(temporaryFile(nativeDump([
            "{\"record\": \"site\", \"site\": 1, \"frames\": [\"/usr/lib/python3.12/json/decoder.py:353\", \"/srv/app/cache.py:42\"]}",
            "{\"address\": 1, \"type\": \"dict\", \"size\": 100, \"refs\": [2, 3], \"labels\": [\"['a']\", \"['b']\"], \"root\": \"sys.modules\"}",
            "{\"address\": 2, \"type\": \"bytes\", \"size\": 4000, \"refs\": [], \"site\": 1}",
            "{\"record\": \"site\", \"site\": 2, \"frames\": [\"/srv/app/other.py:7\"]}",
            "{\"address\": 3, \"type\": \"bytes\", \"size\": 4000, \"refs\": [], \"site\": 2}",
        ])))
        XCTAssertEqual(g.nodeCount, 3)
        let d = Describer(g)
        XCTAssertEqual(d.allocationSite(g.node(2)!), "/srv/app/cache.py:42")
        XCTAssertEqual(d.allocationSite(g.node(3)!), "/srv/app/other.py:7")
        XCTAssertNil(d.allocationSite(g.node(1)!))
    }
}
