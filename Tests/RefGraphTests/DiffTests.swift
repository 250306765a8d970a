import XCTest
@testable import RefGraph

final class DiffTests: XCTestCase {
    /// A snapshot: a root dict holding a list `items` and a dict `cache`.
    func snapshot(items: [UInt64], cache: [UInt64] = [], extra: [String] = [], pid: Int = 7, itemType: String = "str", sites: Bool = false) -> HeapGraph {
        // sites: tracemalloc was on; even items were made at feed.py:10, odd
        // ones at cache.py:42 (through the json module, or directly)
        var lines = !sites ? [] : [
            "{\"record\": \"site\", \"site\": 1, \"frames\": [\"/srv/app/feed.py:10\"]}",
            "{\"record\": \"site\", \"site\": 2, \"frames\": [\"/usr/lib/python3.12/json/decoder.py:353\", \"/srv/app/cache.py:42\"]}",
            "{\"record\": \"site\", \"site\": 3, \"frames\": [\"/srv/app/cache.py:42\"]}",
        ]
        lines += [
            "{\"address\": 1, \"type\": \"dict\", \"size\": 100, \"refs\": [2, 3], \"labels\": [\"['items']\", \"['cache']\"], \"root\": \"sys.modules\"}",
            "{\"address\": 2, \"type\": \"list\", \"size\": 100, \"refs\": [\(items.map(String.init).joined(separator: ", "))], \"labels\": [\(items.indices.map { "\"[\($0)]\"" }.joined(separator: ", "))]}",
            "{\"address\": 3, \"type\": \"dict\", \"size\": 100, \"refs\": [\(cache.map(String.init).joined(separator: ", "))], \"labels\": [\(cache.map { "\"['k\($0)']\"" }.joined(separator: ", "))]}",
        ]
        for a in items {
            let site = !sites ? "" : ", \"site\": \(a % 2 == 0 ? 1 : a % 4 == 1 ? 2 : 3)"
            lines.append("{\"address\": \(a), \"type\": \"\(itemType)\", \"size\": 1000\(site), \"refs\": []}")
        }
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

    /// Issue 19: a cluster's new objects grouped by where they were
    /// allocated, tracebacks that differ only in library frames together.
    func testClusterGroupsNewObjectsByAllocationSite() throws {
        let a = snapshot(items: [10, 11], sites: true)
        let b = snapshot(items: [10, 11, 12, 13, 14, 15, 16, 17, 18], sites: true)
        let d = try SnapshotDiff([a, b])
        XCTAssertEqual(d.clusters.count, 1)
        let bySite = SnapshotDiff.bySite(d.clusters[0], Describer(b))
        XCTAssertEqual(bySite.map(\.site), ["/srv/app/feed.py:10", "/srv/app/cache.py:42"])
        XCTAssertEqual(bySite.map(\.count.objects), [4, 3], "12 14 16 18 at feed.py; 13 15 17 at cache.py, through json or not")
        XCTAssertEqual(bySite.map(\.count.bytes), [4000, 3000])
        let text = d.text([a, b])
        XCTAssertTrue(text.contains("    new objects by allocation site:\n"), text)
        XCTAssertTrue(text.contains("4    4.0 kB  /srv/app/feed.py:10\n"), text)
        XCTAssertTrue(text.contains("3    3.0 kB  /srv/app/cache.py:42\n"), text)
        let json = d.json([a, b])
        XCTAssertTrue(json.contains("\"by_site\""), json)
        XCTAssertFalse(try SnapshotDiff([snapshot(items: [10]), snapshot(items: [10, 11])]).text([a, b]).contains("allocation site"),
                       "no sites in the dumps: no table")
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
        XCTAssertEqual(PathSignature.compress(["frame", "frame", "f_globals", "dict", "['root']", "dict", "['next']", "dict", "['next']", "dict", "['next']", "dict"]),
                       ["frame", "frame", "f_globals dict", "['root'] dict", "(['next'] dict)+"])
    }
}
