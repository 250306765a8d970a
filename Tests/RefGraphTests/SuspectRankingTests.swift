import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest
@testable import RefGraph

/// suspects: chains by their head, growing suspects before static tables.
final class SuspectRankingTests: XCTestCase {
    /// A signal-root closure chain: function → tuple → cell → function …
    func testChainIsReportedByItsHead() {
        var lines = [#"{"address": 1, "type": "dict", "size": 100, "refs": [], "root": "sys.modules", "refcount": 1}"#]
        let links = 300
        for i in 0..<links {
            let f = 1000 + i * 10, t = f + 1, c = f + 2, s = f + 3
            let next = i + 1 < links ? "\(1000 + (i + 1) * 10)" : nil
            let root = i == 0 ? #", "root": "signal""# : ""
            lines.append(#"{"address": \#(f), "type": "function", "size": 150, "name": "app.handler", "refs": [\#(t), \#(s)], "labels": ["__closure__", "__name__"], "refcount": 1\#(root)}"#)
            lines.append(#"{"address": \#(t), "type": "tuple", "size": 48, "refs": [\#(c)], "labels": ["[0]"], "refcount": 1}"#)
            let cellRefs = next.map { #""refs": [\#($0)], "labels": ["cell_contents"]"# } ?? #""refs": []"#
            lines.append(#"{"address": \#(c), "type": "cell", "size": 40, \#(cellRefs), "refcount": 1}"#)
            lines.append(#"{"address": \#(s), "type": "str", "size": 7000, "refs": [], "refcount": 1}"#)
        }
        let g = load(temporaryFile(nativeDump(lines)))
        let index = DominatorIndex(g, tree: DominatorTree(g))
        let s = LeakSuspects(g, index: index, semantics: HeapSemantics(g))
        XCTAssertEqual(s.suspects.first?.kind, .chain)
        XCTAssertEqual(s.suspects.first?.node, g.node(1000), "the head, not a link inside the chain")
        XCTAssertEqual(s.suspects.first?.chainLength ?? 0, links, accuracy: 2)
    }

    /// A static table of big strings beside a smaller leak whose newest
    /// entries are young: the leak comes first.
    func testGrowingLeakOutranksStaticTable() {
        var lines = [#"{"address": 1, "type": "dict", "size": 100, "refs": [2, 3], "labels": ["['TABLE']", "['leaks']"], "root": "sys.modules", "refcount": 1}"#]
        let table = (0..<100).map { 10_000 + $0 }
        let leaks = (0..<300).map { 20_000 + $0 }
        lines.append(#"{"address": 2, "type": "list", "size": 900, "refs": [\#(table.map(String.init).joined(separator: ", "))], "refcount": 1}"#)
        lines.append(#"{"address": 3, "type": "list", "size": 2500, "refs": [\#(leaks.map(String.init).joined(separator: ", "))], "refcount": 1}"#)
        for a in table { lines.append(#"{"address": \#(a), "type": "str", "size": 100000, "refs": [], "refcount": 1}"#) }
        for (i, a) in leaks.enumerated() {
            let gen = i >= 250 ? #", "gen": 0"# : ""
            lines.append(#"{"address": \#(a), "type": "app.Request", "size": 5000, "refs": [], "refcount": 1\#(gen)}"#)
        }
        let g = load(temporaryFile(nativeDump(lines)))
        let s = LeakSuspects(g, index: DominatorIndex(g, tree: DominatorTree(g)), semantics: HeapSemantics(g))
        XCTAssertEqual(s.suspects.first?.node, g.node(3))
        XCTAssertEqual(s.suspects.first?.young, 50)
        XCTAssertFalse(s.undecided)
        // Without generation data the order is by size, and the report says one dump cannot decide.
        let old = load(temporaryFile(nativeDump(lines.map { $0.replacingOccurrences(of: #", "gen": 0"#, with: "") })))
        let s2 = LeakSuspects(old, index: DominatorIndex(old, tree: DominatorTree(old)), semantics: HeapSemantics(old))
        XCTAssertEqual(s2.suspects.first?.node, old.node(2))
        XCTAssertTrue(s2.undecided)
        XCTAssertTrue(s2.text(old).contains("refgraph diff"))
    }
}
