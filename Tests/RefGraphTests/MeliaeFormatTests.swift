import Foundation
import XCTest
@testable import RefGraph

/// The meliae adapter (`MeliaeFormat`): what the JSON-lines loader asks it.
final class MeliaeFormatTests: XCTestCase {
    func testTheEndOfTheFileIsJudgedByTheAdapter() throws {
        func end(_ text: String, records: Int = 1, allowTruncated: Bool = false) throws(LoadError) -> String? {
            let bytes = Array(text.utf8)
            return try bytes.withUnsafeBufferPointer { (b) throws(LoadError) -> String? in
                try MeliaeFormat.checkEnd(b.baseAddress!, count: b.count, records: records, line: 1, path: "d.json", allowTruncated: allowTruncated)
            }
        }
        XCTAssertNil(try end("{}\n"))
        XCTAssertNil(try end("[{},\n{}]  "), "the wrapped form may end with ] and no newline")
        XCTAssertThrowsError(try end("{}")) { XCTAssertTrue(($0 as? LoadError)?.reason.hasPrefix("dump is truncated: the file ends without a final newline") ?? false) }
        XCTAssertEqual(try end("{}", allowTruncated: true), "the file does not end with a newline: the dumping process stopped part-way")
        XCTAssertThrowsError(try end("[]\n", records: 0)) { XCTAssertEqual(($0 as? LoadError)?.reason, "no object records found") }
    }

    /// Roots are inferred and labels recovered before the weak tables are
    /// computed, once: they match a fresh computation from the final labels.
    func testFinishRunsBeforeTheWeakTables() {
        let dump = temporaryFile("""
            {"address": 1, "type": "module", "size": 56, "name": "sys", "refs": [2]}
            {"address": 2, "type": "dict", "size": 100, "len": 1, "refs": [3, 4]}
            {"address": 3, "type": "str", "size": 50, "len": 1, "value": "k", "refs": []}
            {"address": 4, "type": "Thing", "size": 16, "refs": [5], "labels": ["<weakref>"]}
            {"address": 5, "type": "Other", "size": 16, "refs": []}
            {"address": 6, "type": "list", "size": 64, "len": 1, "refs": [1]}

            """, name: "d.json")
        let g = load(dump, LoadOptions(progress: false, cache: .off))
        XCTAssertEqual(g.info.format, .meliae)
        XCTAssertEqual(g.rootKind(g.node(1)!), .sysModules)
        XCTAssertEqual(g.rootKind(g.node(6)!), .unreferenced)
        XCTAssertEqual(g.outLabels(g.node(1)!), ["__dict__"])
        XCTAssertEqual(g.outLabels(g.node(2)!), ["<key>", "['k']"])
        XCTAssertTrue(g.isWeakOnly(from: g.node(4)!, to: g.node(5)!))
        var fresh = g
        fresh.computeWeakPairs()
        XCTAssertEqual(fresh.weakPairs, g.weakPairs)
        XCTAssertEqual(fresh.weakEdges, g.weakEdges)
        XCTAssertNil(g.checkInvariants())
    }
}
