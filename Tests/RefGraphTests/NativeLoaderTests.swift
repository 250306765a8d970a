import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest
@testable import RefGraph

final class NativeLoaderTests: XCTestCase {
    func testHotReloadFixtureRoundTrip() {
        let g = load(fixture("native/hotreload-py3.jsonl"))
        XCTAssertEqual(g.info.format, .native)
        XCTAssertEqual(g.nodeCount, 11)
        XCTAssertEqual(g.edgeCount, 12)
        XCTAssertEqual(g.info.python, "3.11.7")
        XCTAssertEqual(g.info.pid, 77)
        XCTAssertEqual(g.info.rss, 20_000_000)
        XCTAssertEqual(g.info.peakRSS, 21_000_000)
        XCTAssertEqual(g.info.gcEnabled, true)

        let modules = g.node(100)!
        XCTAssertEqual(g.rootKind(modules), .sysModules)
        XCTAssertEqual(g.typeName(modules), "dict")
        XCTAssertEqual(g.size(modules), 4000)
        XCTAssertEqual(g.length(modules), 2)
        XCTAssertEqual(g.outLabels(modules), ["['sys']", "<key>", "['logging']", "<key>"])

        let shutdown = g.node(104)!
        XCTAssertEqual(g.name(shutdown), "logging.shutdown")
        XCTAssertEqual(g.moduleOfName(shutdown), "logging")
        // Reached from sys.modules, so not a root; its C reference is kept (docs/ROOTS.md).
        XCTAssertEqual(g.rootKind(shutdown), .none)
        XCTAssertTrue(g.isHeldFromC(shutdown))
        XCTAssertEqual(g.unexplained[shutdown], 1)
        XCTAssertEqual(g.refcount(shutdown), 3)
        // Reverse adjacency: the module dict is referred to by the module and by shutdown.__globals__.
        let moduleDict = g.node(103)!
        XCTAssertEqual(Set(g.referrers(moduleDict).map { g.address($0) }), [102, 104])
        XCTAssertEqual(HeapSemantics(g).owner(moduleDict), "module logging")

        let logger = g.node(305)!
        XCTAssertEqual(g.finalizer(logger), .del)
        XCTAssertTrue(g.flags(logger).contains(.garbage))
        XCTAssertEqual(g.allocationFrames(logger), ["app.py:12", "main.py:3"])
        XCTAssertTrue(g.isWeak(edge: g.edge(from: g.node(304)!, to: logger)!))

        let s = g.node(201)!
        XCTAssertEqual(g.value(s), "logging\u{e9}\n")
        XCTAssertNil(g.name(s))
    }

    /// Site records (issue 19): objects naming one share its traceback; an
    /// inline `alloc` (older exporters) still loads beside them.
    func testSiteRecordsAndInlineAllocLoadAlike() {
        let g = load(fixture("native/sites-small.jsonl"))
        XCTAssertEqual(g.nodeCount, 5)
        XCTAssertEqual(g.allocationFrames(g.node(4)!), ["/usr/lib/python3.12/json/decoder.py:353", "/srv/app/feed.py:9", "/srv/app/feed.py:12"])
        XCTAssertEqual(g.allocationSite(g.node(4)!), g.allocationSite(g.node(2)!), "one site, one number")
        XCTAssertEqual(g.allocationFrames(g.node(3)!), ["/srv/app/feed.py:12"])
        XCTAssertEqual(g.allocationFrames(g.node(5)!), ["/srv/app/old.py:3"])
        XCTAssertEqual(g.allocationFrames(g.node(1)!), [])
    }

    func testReverseCSRMatchesForward() {
        let g = load(fixture("meliae/py38-small.json"))
        var forward: [UInt64: Int] = [:]
        for n in g.nodes { for t in g.referents(n) { forward[UInt64(n) << 32 | UInt64(t), default: 0] += 1 } }
        var reverse: [UInt64: Int] = [:]
        for n in g.nodes { for s in g.referrers(n) { reverse[UInt64(s) << 32 | UInt64(n), default: 0] += 1 } }
        XCTAssertEqual(forward, reverse)
        XCTAssertEqual(g.reverseSources.count, g.edgeCount)
    }

    func testGzipIsReadTransparently() throws {
        let plain = fixture("native/hotreload-py3.jsonl")
        let gz = temporaryFile("", name: "d.jsonl.gz")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", "gzip -c '\(plain)' > '\(gz)'"]
        try p.run()
        p.waitUntilExit()
        let g = load(gz)
        XCTAssertEqual(g.nodeCount, 11)
        XCTAssertEqual(g.edgeCount, 12)
    }

    func testMissingTrailerIsTruncated() {
        let text = nativeDump(["{\"address\": 1, \"type\": \"dict\", \"size\": 10, \"refs\": []}"])
        let cut = String(text.split(separator: "\n").dropLast().joined(separator: "\n")) + "\n"
        let path = temporaryFile(cut)
        let e = loadError(path)
        XCTAssertEqual(e?.line, 2)
        XCTAssertEqual(e?.reason, "dump is truncated: no trailer record after 1 objects (the export did not finish, or the file was cut). Use --allow-truncated to load what is there")
        let g = load(path, LoadOptions(allowTruncated: true, progress: false))
        XCTAssertTrue(g.info.truncated)
        XCTAssertEqual(g.nodeCount, 1)
        XCTAssertTrue(g.info.warnings.first?.contains("truncated") ?? false)
    }

    func testRecordCutMidLine() {
        let text = nativeDump(["{\"address\": 1, \"type\": \"dict\", \"size\": 10, \"refs\": [2]}", "{\"address\": 2, \"type\": \"str\", \"size\": 10, \"refs\": []}"])
        let lines = text.split(separator: "\n")
        let cut = lines[0] + "\n" + lines[1] + "\n" + lines[2].prefix(20)
        let e = loadError(temporaryFile(String(cut)))
        XCTAssertEqual(e?.line, 3)
        XCTAssertTrue(e?.reason.hasPrefix("dump is truncated: the last record is cut off mid-line") ?? false, e?.reason ?? "")
    }

    func testTrailerWithWrongCounts() {
        var text = nativeDump(["{\"address\": 1, \"type\": \"dict\", \"size\": 10, \"refs\": []}"])
        text = text.replacingOccurrences(of: "\"objects\": 1", with: "\"objects\": 5")
        let e = loadError(temporaryFile(text))
        XCTAssertEqual(e?.description.hasSuffix(":3: trailer says 5 objects but 1 were read: the dump is damaged or was edited"), true, e?.description ?? "")
    }

    func testPlaceholdersAndDuplicates() {
        let text = nativeDump([
            "{\"address\": 1, \"type\": \"list\", \"size\": 10, \"refs\": [2, 3]}",
            "{\"address\": 2, \"type\": \"str\", \"size\": 50, \"refs\": []}",
            "{\"address\": 2, \"type\": \"int\", \"size\": 28, \"refs\": []}",
        ])
        let g = load(temporaryFile(text))
        XCTAssertEqual(g.nodeCount, 3)
        XCTAssertEqual(g.info.duplicates, 1)
        XCTAssertEqual(g.typeName(g.node(2)!), "str", "the first record wins")
        let ph = g.node(3)!
        XCTAssertEqual(g.typeName(ph), "unknown")
        XCTAssertTrue(g.flags(ph).contains(.placeholder))
        XCTAssertTrue(Summary(g).text().contains("1 placeholders for referenced objects with no record; 1 duplicate records ignored"))
    }

    func testBadRecordsGiveFileLineReason() {
        let cases: [(String, String)] = [
            ("{\"address\": -1, \"type\": \"x\", \"size\": 1, \"refs\": []}", "address is negative"),
            ("{\"address\": 1, \"type\": \"x\", \"size\": -5, \"refs\": []}", "size is negative"),
            ("{\"address\": 18446744073709551616, \"type\": \"x\", \"size\": 1, \"refs\": []}", "address is out of range (more than 64 bits)"),
            ("{\"address\": 1, \"type\": \"\\q\", \"size\": 1, \"refs\": []}", "invalid JSON escape '\\q'"),
            ("{\"type\": \"x\", \"size\": 1, \"refs\": []}", "record has no \"address\""),
            ("{\"address\": 1, \"type\": \"x\", \"refs\": [1, 2], \"labels\": [\"a\"]}", "\"labels\" has 1 entries but \"refs\" has 2"),
            ("{\"address\": 1, \"type\": \"x\", \"root\": \"moon\"}", "unknown root kind \"moon\""),
        ]
        for (record, reason) in cases {
            let text = nativeDump([record])
            let path = temporaryFile(text)
            let e = loadError(path)
            XCTAssertEqual(e?.file, path)
            XCTAssertEqual(e?.line, 2, record)
            XCTAssertEqual(e?.reason.hasPrefix(reason), true, "\(e?.reason ?? "nil") for \(record)")
        }
    }

    func testIdsAbove2To63AreFine() {
        let text = nativeDump(["{\"address\": 18446744073709551615, \"type\": \"x\", \"size\": 1, \"refs\": [9223372036854775809]}"])
        let g = load(temporaryFile(text))
        XCTAssertEqual(g.address(0), UInt64.max)
        XCTAssertEqual(g.address(1), 9_223_372_036_854_775_809)
    }

    func testUnknownKeysAndNestedValuesAreSkipped() {
        let text = nativeDump(["{\"address\": 1, \"extra\": {\"a\": [1, {\"b\": null}], \"c\": \"}\"}, \"type\": \"x\", \"size\": 3, \"refs\": []}"])
        let g = load(temporaryFile(text))
        XCTAssertEqual(g.size(0), 3)
    }
}
