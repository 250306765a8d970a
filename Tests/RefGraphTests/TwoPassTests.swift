import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest
@testable import RefGraph

final class TwoPassTests: XCTestCase {
    /// A dump over the two-pass threshold, with duplicates and references to missing records.
    func bigDump(oddLine: Bool = false) -> String {
        var lines: [String] = []
        let n = 200_000
        for i in 1...n {
            let refs = [i + 1, i * 7 % n + 1, i % 1000 == 0 ? 10_000_000 + i : i].map(String.init).joined(separator: ", ")
            lines.append("{\"address\": \(i), \"type\": \"t\(i % 50)\", \"size\": \(i % 300), \"pad\": \"\(String(repeating: "x", count: 40))\", \"refs\": [\(refs)], \"labels\": [\"a\", \"['b']\", null]\(i == 1 ? ", \"root\": \"frame\"" : "")}")
        }
        lines.append("{\"address\": 5, \"type\": \"dup\", \"size\": 1, \"refs\": []}")
        if oddLine { lines.append("{\"type\": \"late-address\", \"size\": 1, \"address\": 999999999, \"refs\": []}") }
        return temporaryFile(nativeDump(lines))
    }

    func testTwoPassAndOnePassBuildTheSameGraph() throws {
        let path = bigDump()
        let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int
        XCTAssertGreaterThan(size, 16 << 20, "over the two-pass threshold")
        var one = LoadOptions(progress: false)
        one.twoPass = false
        let a = load(path)
        let b = load(path, one)
        XCTAssertEqual(a.nodeCount, b.nodeCount)
        XCTAssertEqual(a.info.duplicates, 1)
        XCTAssertEqual(b.info.duplicates, 1)
        XCTAssertEqual(a.info.warnings, b.info.warnings)
        XCTAssertEqual(a.addresses, b.addresses)
        XCTAssertEqual(a.forwardTargets, b.forwardTargets)
        XCTAssertEqual(a.reverseSources, b.reverseSources)
        XCTAssertEqual(a.reverseOffsets, b.reverseOffsets)
        XCTAssertEqual(a.edgeLabels.map { a.strings[$0] }, b.edgeLabels.map { b.strings[$0] })
        XCTAssertEqual(a.flags.filter { $0.contains(.placeholder) }.count, 201, "200 missing plus the end of the chain")
    }

    func testALineTheQuickPassCannotReadFallsBackToOnePass() {
        let g = load(bigDump(oddLine: true))
        XCTAssertEqual(g.typeName(g.node(999_999_999)!), "late-address")
    }
}
