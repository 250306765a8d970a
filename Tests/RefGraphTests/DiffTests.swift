import XCTest
@testable import RefGraph

final class DiffTests: XCTestCase {
    /// A snapshot: a root dict holding a list `items` and a dict `cache`.
    func snapshot(items: [UInt64], cache: [UInt64] = [], extra: [String] = [], pid: Int = 7, itemType: String = "str") -> HeapGraph {
        var lines = [
            "{\"address\": 1, \"type\": \"dict\", \"size\": 100, \"refs\": [2, 3], \"labels\": [\"['items']\", \"['cache']\"], \"root\": \"sys.modules\"}",
            "{\"address\": 2, \"type\": \"list\", \"size\": 100, \"refs\": [\(items.map(String.init).joined(separator: ", "))], \"labels\": [\(items.indices.map { "\"[\($0)]\"" }.joined(separator: ", "))]}",
            "{\"address\": 3, \"type\": \"dict\", \"size\": 100, \"refs\": [\(cache.map(String.init).joined(separator: ", "))], \"labels\": [\(cache.map { "\"['k\($0)']\"" }.joined(separator: ", "))]}",
        ]
        for a in items { lines.append("{\"address\": \(a), \"type\": \"\(itemType)\", \"size\": 1000, \"refs\": []}") }
        for a in cache { lines.append("{\"address\": \(a), \"type\": \"bytes\", \"size\": 500, \"refs\": []}") }
        lines += extra
        let text = nativeDump(lines).replacingOccurrences(of: "\"pid\": 1", with: "\"pid\": \(pid)")
        return load(temporaryFile(text))
    }

    func testPlantedGrowthIsFoundAndClustered() throws {
        let a = snapshot(items: [10, 11])
        let b = snapshot(items: [10, 11, 12, 13, 14], cache: [20, 21])
        let c = snapshot(items: [10, 11, 12, 13, 14, 15, 16], cache: [20, 21])
        let d = try SnapshotDiff([a, b, c])
        XCTAssertEqual(d.candidates, 5, "three new items and two cache entries, new in b and still in c")
        XCTAssertEqual(d.clusters.count, 2, "the list's items and the cache's entries are held differently")
        XCTAssertEqual(d.clusters[0].objects, 3)
        XCTAssertEqual(d.clusters[0].shallowBytes, 3000)
        XCTAssertEqual(d.clusters[0].signature, ["sys.modules", "dict", "[*] list", "[*] str"], "keys of plain data dicts are normalised like indices")
        XCTAssertEqual(d.clusters[1].objects, 2)
        let str = d.byType.first { $0.key == "str" }!
        XCTAssertEqual(str.counts, [2, 5, 7])
        XCTAssertEqual(str.countDelta, 5)
        XCTAssertEqual(str.bytesDelta, 5000)
        XCTAssertTrue(d.text([a, b, c]).contains("#1  3 new objects in 3 leaks held alike, 3.0 kB shallow"))
    }

    func testTransientObjectsAreFilteredByTheThirdSnapshot() throws {
        let a = snapshot(items: [10])
        let b = snapshot(items: [10, 11, 12])
        let c = snapshot(items: [10, 12])
        let d = try SnapshotDiff([a, b, c])
        XCTAssertEqual(d.candidates, 1)
        XCTAssertEqual(d.transient, 1)
        let two = try SnapshotDiff([a, b])
        XCTAssertEqual(two.candidates, 2)
    }

    func testReusedAddressOfAnotherTypeIsNotTheSameObject() throws {
        let a = snapshot(items: [10, 11])
        let b = snapshot(items: [10, 11], itemType: "bytes")
        let m = SnapshotMatch(earlier: a, later: b)
        XCTAssertFalse(m.existed[Int(b.node(10)!)])
        XCTAssertTrue(m.existed[Int(b.node(2)!)], "the list itself is the same object")
        // Same type, immutable, different size: a different object.
        let text = nativeDump(["{\"address\": 10, \"type\": \"str\", \"size\": 60, \"refs\": []}"])
        let c = load(temporaryFile(text.replacingOccurrences(of: "\"pid\": 1", with: "\"pid\": 7")))
        XCTAssertFalse(SnapshotMatch(earlier: a, later: c).existed[0])
    }

    func testDifferentProcessesAreRefusedUnlessByType() throws {
        let a = snapshot(items: [10], pid: 1)
        let b = snapshot(items: [10, 11], pid: 2)
        XCTAssertThrowsError(try SnapshotDiff([a, b])) { e in
            XCTAssertTrue("\(e)".contains("different processes"))
            XCTAssertTrue("\(e)".contains("--by-type"))
        }
        let d = try SnapshotDiff([a, b], byTypeOnly: true)
        XCTAssertEqual(d.byType.first { $0.key == "str" }?.countDelta, 1)
        XCTAssertTrue(d.clusters.isEmpty)
    }

    func testUnrelatedDictAtAReusedAddressIsNotMatched() {
        let rec = { (keys: [String]) -> String in
            "{\"address\": 50, \"type\": \"dict\", \"size\": 184, \"refs\": [\(keys.indices.map { String(60 + $0) }.joined(separator: ", "))], \"labels\": [\(keys.map { "\"['\($0)']\"" }.joined(separator: ", "))]}"
        }
        let a = snapshot(items: [], extra: [rec(["t"])])
        let b = snapshot(items: [], extra: [rec(["prev", "next", "id"])])
        let c = snapshot(items: [], extra: [rec(["prev", "next", "id", "extra"])])
        XCTAssertFalse(SnapshotMatch(earlier: a, later: b).existed[Int(b.node(50)!)], "no key in common: another dict at a reused address")
        XCTAssertTrue(SnapshotMatch(earlier: b, later: c).existed[Int(c.node(50)!)], "a dict that gained a key is the same dict")
    }

    func testChainsCompressIntoOneCluster() {
        XCTAssertEqual(SnapshotDiff.compress(["frame", "frame", "f_globals", "dict", "['root']", "dict", "['next']", "dict", "['next']", "dict", "['next']", "dict"]),
                       ["frame", "frame", "f_globals dict", "['root'] dict", "(['next'] dict)+"])
    }
}
