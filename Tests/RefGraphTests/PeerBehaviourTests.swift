import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest
@testable import RefGraph

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
