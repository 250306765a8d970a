import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest
@testable import RefGraph

/// diff: code objects whose size changed are the same objects; clusters count by type.
final class DiffMatchTests: XCTestCase {
    func testCodeObjectSizeChangeIsNotANewObject() {
        let a = load(temporaryFile(nativeDump([
            #"{"address": 1, "type": "dict", "size": 100, "refs": [2], "labels": ["['f']"], "root": "sys.modules", "refcount": 1}"#,
            #"{"address": 2, "type": "code", "size": 200, "name": "f", "refs": [], "refcount": 1}"#,
        ])))
        let b = load(temporaryFile(nativeDump([
            #"{"address": 1, "type": "dict", "size": 100, "refs": [2], "labels": ["['f']"], "root": "sys.modules", "refcount": 1}"#,
            #"{"address": 2, "type": "code", "size": 1400, "name": "f", "refs": [], "refcount": 1}"#,
        ])))
        XCTAssertNotEqual(SnapshotMatch(earlier: a, later: b).earlierNode[Int(b.node(2)!)], SnapshotMatch.none)
    }

    func testClustersCountTheirObjectsByType() throws {
        func snap(_ n: Int) -> HeapGraph {
            var lines = [#"{"address": 1, "type": "dict", "size": 100, "refs": [2], "labels": ["['tasks']"], "root": "sys.modules", "refcount": 1}"#]
            let items = (0..<n).map { 100 + $0 * 2 }
            lines.append(#"{"address": 2, "type": "set", "size": 100, "refs": [\#(items.map(String.init).joined(separator: ", "))], "refcount": 1}"#)
            for a in items {
                lines.append(#"{"address": \#(a), "type": "dict", "size": 200, "refs": [\#(a + 1)], "labels": ["['n']"], "refcount": 1}"#)
                lines.append(#"{"address": \#(a + 1), "type": "int", "size": 28, "refs": [], "refcount": 1}"#)
            }
            return load(temporaryFile(nativeDump(lines)))
        }
        let d = try SnapshotDiff([snap(10), snap(30), snap(40)])
        let c = try XCTUnwrap(d.clusters.first)
        XCTAssertEqual(c.typeCounts["dict"], 20)
        XCTAssertEqual(c.typeCounts["int"], 20)
        XCTAssertTrue(d.text([snap(10), snap(30), snap(40)], limit: 5, rows: 5).contains("20 dict, 20 int"))
    }
}
