import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest
@testable import RefGraph

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
