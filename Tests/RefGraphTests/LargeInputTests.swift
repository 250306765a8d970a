import Foundation
import XCTest
@testable import RefGraph

/// Very large inputs: a dump over 4 GiB, a node with 10M referrers, a chain
/// 50M long. They take minutes and gigabytes, so they run only when asked:
/// `REFGRAPH_LARGE_TESTS=1 swift test --filter LargeInputTests` (or `make test-large`).
final class LargeInputTests: XCTestCase {
    override func setUpWithError() throws {
        try XCTSkipUnless(ProcessInfo.processInfo.environment["REFGRAPH_LARGE_TESTS"] == "1",
                          "large-input tests run only with REFGRAPH_LARGE_TESTS=1")
    }

    /// Streams a native dump: `body` is called for each object index and returns its line.
    func writeDump(_ name: String, objects: Int, references: Int, _ line: (Int) -> String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("refgraph-large-\(name).jsonl").path
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        let h = try XCTUnwrap(FileHandle(forWritingAtPath: path))
        var buf = "{\"record\": \"header\", \"format\": \"refgraph\", \"version\": 1, \"python\": \"3.11.7\"}\n"
        for i in 0..<objects {
            buf += line(i)
            buf += "\n"
            if buf.utf8.count > 8 << 20 { h.write(Data(buf.utf8)); buf = "" }
        }
        buf += "{\"record\": \"trailer\", \"objects\": \(objects), \"references\": \(references)}\n"
        h.write(Data(buf.utf8))
        h.closeFile()
        return path
    }

    func testDumpLargerThan4GiB() throws {
        // 20M objects with long labels and a padding key: about 4.4 GB.
        let n = 20_000_000
        let pad = String(repeating: "p", count: 120)
        let path = try writeDump("4g", objects: n, references: n - 1) { i in
            "{\"address\": \(i + 1), \"type\": \"dict\", \"size\": 64, \"pad\": \"\(pad)\", \"refs\": [\(i + 2 <= n ? String(i + 2) : "")], \"labels\": [\(i + 2 <= n ? "\"['next']\"" : "")]\(i == 0 ? ", \"root\": \"frame\"" : "")}"
        }
        defer { unlink(path) }
        let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int
        XCTAssertGreaterThan(size, 1 << 32)
        let g = load(path)
        XCTAssertEqual(g.nodeCount, n)
        XCTAssertEqual(g.edgeCount, n - 1)
        XCTAssertEqual(RootPaths(g).depth(g.nodes.last!), UInt32(n - 1), "a chain 20M long, walked without recursion")
    }

    func testNodeWithTenMillionReferrers() throws {
        let n = 10_000_000
        let path = try writeDump("hub", objects: n + 1, references: n) { i in
            i == 0 ? "{\"address\": 1, \"type\": \"dict\", \"size\": 1000, \"refs\": [], \"root\": \"sys.modules\"}"
                : "{\"address\": \(i + 1), \"type\": \"function\", \"size\": 136, \"refs\": [1], \"labels\": [\"__globals__\"], \"root\": \"external\"}"
        }
        defer { unlink(path) }
        let g = load(path)
        XCTAssertEqual(g.referrers(g.node(1)!).count, n)
        let d = DominatorTree(g)
        XCTAssertEqual(d.idom[0], DominatorTree.superRoot)
        XCTAssertEqual(ReferenceCycles(g).cycles.count, 0)
    }

    func testChainFiftyMillionLong() throws {
        let n = 50_000_000
        let path = try writeDump("chain", objects: n, references: n - 1) { i in
            "{\"address\": \(i + 1), \"type\": \"list\", \"size\": 8, \"refs\": [\(i + 2 <= n ? String(i + 2) : "")]\(i == 0 ? ", \"root\": \"frame\"" : "")}"
        }
        defer { unlink(path) }
        let g = load(path)
        XCTAssertEqual(g.nodeCount, n)
        let d = DominatorTree(g)
        XCTAssertEqual(d.retained[0], UInt64(8 * n))
        XCTAssertEqual(d.dominators(of: HeapGraph.Node(n - 1)).count, n - 1)
        XCTAssertEqual(StronglyConnected(g).count, n)
        let r = RetentionPaths(g, targets: [HeapGraph.Node(n - 1)])
        XCTAssertEqual(r.groups[0].paths[0].count, n)
    }
}
