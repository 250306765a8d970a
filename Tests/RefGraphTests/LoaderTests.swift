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

final class MeliaeLoaderTests: XCTestCase {
    func testRealMeliaeDumpsLoad() {
        for name in ["meliae/py27-small.json", "meliae/py38-small.json"] {
            let g = load(fixture(name))
            XCTAssertEqual(g.info.format, .meliae)
            XCTAssertGreaterThan(g.nodeCount, 5000)
            XCTAssertFalse(g.info.truncated)
            // The sys module is found and made a root, so modules are reachable.
            XCTAssertEqual(g.nodes.filter { g.rootKind($0) == .sysModules }.count, 1, name)
        }
    }

    func testWrappedFormLoadsTheSame() {
        let a = load(fixture("meliae/py38-small.json"))
        let b = load(fixture("meliae/py38-wrapped.json"))
        XCTAssertEqual(a.nodeCount, b.nodeCount)
        XCTAssertEqual(a.edgeCount, b.edgeCount)
    }

    func testDictEdgesAreLabelledFromKeyValueOrder() {
        let g = load(fixture("meliae/py38-small.json"))
        // Some module's dict holds '__name__'.
        let labels = Set(g.nodes.filter { g.typeName($0) == "dict" }.flatMap { g.outLabels($0) })
        XCTAssertTrue(labels.contains("[b'PATH']"), "3.8 writes value, key pairs for non-str keys")
        XCTAssertTrue(labels.contains("<key>"))
        let g27 = load(fixture("meliae/py27-small.json"))
        let labels27 = Set(g27.nodes.filter { g27.typeName($0) == "dict" }.flatMap { g27.outLabels($0) })
        XCTAssertTrue(labels27.contains("['__name__']"), "2.7 writes key, value pairs")
        // Functions: code then globals.
        let f = g.nodes.first { g.typeName($0) == "function" && g.outLabels($0).contains("__globals__") }
        XCTAssertNotNil(f)
        let moduleDictLabels = g.nodes.filter { g.typeName($0) == "module" }.flatMap { g.outLabels($0) }
        XCTAssertTrue(moduleDictLabels.contains("__dict__"))
    }

    func testTruncatedMeliaeDumpsAreDetected() {
        let e = loadError(fixture("meliae/py38-truncated-midrecord.json"))
        XCTAssertTrue(e?.reason.hasPrefix("dump is truncated: the last record is cut off mid-line") ?? false)
        let crash = loadError(fixture("meliae/py38-bigint-crash.json"))
        XCTAssertTrue(crash?.reason.hasPrefix("dump looks truncated: 203 referenced objects have no record") ?? false, crash?.reason ?? "")
        let abort = loadError(fixture("meliae/py38-ctypes-abort.json"))
        XCTAssertTrue(abort?.reason.hasPrefix("dump is truncated: the last record is cut off mid-line") ?? false, abort?.reason ?? "")
        let g = load(fixture("meliae/py38-bigint-crash.json"), LoadOptions(allowTruncated: true, progress: false))
        XCTAssertTrue(g.info.truncated)
        XCTAssertGreaterThan(g.nodeCount, 1000)
    }
}

final class EdgeListLoaderTests: XCTestCase {
    func testTSVWithHeaderCommentsHexAndWords() {
        let g = load(fixture("edgelist/small.tsv"))
        XCTAssertEqual(g.info.format, .edgeList)
        XCTAssertEqual(g.edgeCount, 4)
        let one = g.node(1)!
        XCTAssertEqual(g.outLabels(one), ["[0]", ""])
        XCTAssertEqual(g.outLabels(g.node(0x10)!), ["attr"])
        let word = g.nodes.first { g.name($0) == "root" }!
        XCTAssertTrue(g.flags(word).contains(.symbolicID))
        XCTAssertEqual(g.outLabels(word), ["x y"])
        // Roots: nodes nobody refers to.
        XCTAssertEqual(Set(g.roots.map { g.name($0) ?? String(g.address($0)) }), ["root", "16"])
    }

    /// An empty label field at the very end of the input (no final newline):
    /// its range starts at the end of the buffer, which must not be read
    /// (ASan found a 1-byte heap overflow there when the bytes are in memory).
    func testEmptyLastLabelWithoutFinalNewline() throws {
        var bytes = Array("a\tb\nc\tu\t".utf8)
        let g = try bytes.withUnsafeMutableBytes { try DumpLoader.load(bytes: UnsafeRawBufferPointer($0), name: "mem.tsv") }
        XCTAssertEqual(g.edgeCount, 2)
        XCTAssertEqual(load(fixture("edgelist/empty-last-label-no-newline.tsv")).edgeCount, 2)
    }

    func testCSVWithQuotesAndNodeTable() {
        let g = load(fixture("edgelist/small.csv"), LoadOptions(nodeTable: fixture("edgelist/small-nodes.csv"), progress: false))
        XCTAssertEqual(g.edgeCount, 4)
        let one = g.node(1)!
        XCTAssertEqual(g.typeName(one), "dict")
        XCTAssertEqual(g.size(one), 100)
        XCTAssertEqual(g.rootKind(one), .sysModules)
        XCTAssertEqual(g.name(g.node(3)!), "hello")
        let ab = g.nodes.first { g.name($0) == "mod" }!
        XCTAssertEqual(g.typeName(ab), "module")
        XCTAssertEqual(g.referents(ab).map { g.address($0) }, [1])
        // With root flags in the table, no roots are inferred.
        XCTAssertEqual(g.roots, [one])
    }

    /// Plain numeric lines take a fast path; everything else the general one.
    /// Mixed in one file, they must build the same graph.
    func testFastAndGeneralLinesAgree() {
        func pair(_ text: String, _ d: Delimiter) -> [UInt64]? {
            var bytes = Array(text.utf8)
            return bytes.withUnsafeMutableBufferPointer { b in
                EdgeListLoader.numericPair(UnsafePointer(b.baseAddress!), 0, b.count, delimiter: d).map { [$0.0, $0.1] }
            }
        }
        XCTAssertEqual(pair("12\t345", .tab), [12, 345])
        XCTAssertEqual(pair("12,345", .comma), [12, 345])
        XCTAssertEqual(pair("9999999999999999999 1", .spaces), [9_999_999_999_999_999_999, 1])
        for general in ["12\t345\tlabel", "0x10\t2", "12\t", "\t3", "12\t3x", "12 3", "12\t\t3", "99999999999999999999\t1"] {
            XCTAssertNil(pair(general, .tab), general)
        }
        let mixed = temporaryFile("1\t2\n2\t3\n3\t1\t[0]\n0x4\t1\n4\t5\nroot\t4\n5\t2\t\"k\"\n", name: "mixed.tsv")
        let g = load(mixed)
        func out(_ a: UInt64) -> [String] {
            let n = g.node(a)!
            return zip(g.referents(n), g.outLabels(n)).map { "\(g.address($0.0)) \($0.1)" }
        }
        XCTAssertEqual(out(1), ["2 "])
        XCTAssertEqual(out(3), ["1 [0]"])
        XCTAssertEqual(out(4), ["1 ", "5 "], "0x4 and 4 are one node, edges in file order")
        XCTAssertEqual(out(5), ["2 k"])
        XCTAssertEqual(g.nodeCount, 6)
        XCTAssertEqual(g.roots.compactMap { g.name($0) }, ["root"])
    }

    func testSpaceSeparatedLabelsKeepSpaces() {
        let g = load(fixture("edgelist/spaces.txt"))
        XCTAssertEqual(g.outLabels(g.node(1)!), ["hello world"])
    }

    func testMixedDelimitersAreRefused() {
        let e = loadError(temporaryFile("1\t2\n3,4\n", name: "e.tsv"))
        XCTAssertEqual(e?.line, 2)
        XCTAssertEqual(e?.reason, "mixed delimiters: this line uses commas but the file's first line uses tabs")
    }

    func testNodeTableWithoutHeader() {
        let nodes = temporaryFile("1,dict,100\n", name: "n.csv")
        let e = loadError(fixture("edgelist/small.csv"), LoadOptions(nodeTable: nodes, progress: false))
        XCTAssertEqual(e?.file, nodes)
        XCTAssertEqual(e?.line, 1)
        XCTAssertTrue(e?.reason.hasPrefix("a node table needs a header line naming an 'id' column") ?? false)
    }
}

final class DetectionTests: XCTestCase {
    func testEmptyAndBinaryFiles() {
        XCTAssertEqual(loadError(temporaryFile(""))?.reason, "the file is empty")
        XCTAssertEqual(loadError(temporaryFile(bytes: [0x00, 0xff, 0x13, 0x37, 0x00], name: "b.bin"))?.reason,
                       "binary data: not a refgraph dump, a meliae dump or an edge list")
        let e = loadError("/nonexistent/dump.jsonl")
        XCTAssertEqual(e?.line, 0)
        XCTAssertEqual(e?.reason, "cannot open: No such file or directory")
    }

    func testCorruptAndTruncatedGzip() {
        let e = loadError(temporaryFile(bytes: [0x1f, 0x8b, 0x08, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77], name: "c.gz"))
        XCTAssertTrue(e?.reason.hasPrefix("gzip data is") ?? false, e?.reason ?? "")
    }
}

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
