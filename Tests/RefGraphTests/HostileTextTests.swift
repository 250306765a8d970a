import XCTest
@testable import RefGraph

/// Issue 18, items 10, 11 and 14: edge lists, node tables and JSON lines
/// that loaded wrongly (a phantom object, a cut field, two ids as one, a
/// dropped key, an overflowing total) or not at all (a racing dump).
final class HostileTextTests: XCTestCase {
    private func names(_ g: HeapGraph) -> [String] { g.nodes.map { g.name($0) ?? "#\(g.address($0))" }.sorted() }

    // MARK: Item 10: edge lists and node tables

    func testByteOrderMarkIsNotData() {
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        let tsv = load(temporaryFile(bytes: bom + Array("1\t2\n2\t3\n".utf8), name: "bom.tsv"))
        XCTAssertEqual(tsv.nodeCount, 3, "no phantom object made of the mark")
        XCTAssertEqual(tsv.roots.map { tsv.address($0) }, [1])
        let csv = load(temporaryFile(bytes: bom + Array("from,to\n1,2\n".utf8), name: "bom.csv"))
        XCTAssertEqual(csv.edgeCount, 1, "the header after the mark is still a header")
        XCTAssertEqual(csv.nodeCount, 2)
        let native = temporaryFile(bytes: bom + Array(nativeDump(["{\"address\": 1, \"type\": \"dict\", \"size\": 10, \"refs\": []}"]).utf8), name: "bom.jsonl")
        XCTAssertEqual(try DumpLoader.detectFormat(native), .native)
        XCTAssertEqual(load(native).size(load(native).node(1)!), 10)
        let nodes = temporaryFile(bytes: bom + Array("id,type\n1,dict\n".utf8), name: "bom-nodes.csv")
        let g = load(temporaryFile("1,2\n", name: "e.csv"), LoadOptions(nodeTable: nodes, progress: false))
        XCTAssertEqual(g.typeName(g.node(1)!), "dict")
    }

    func testAHeaderWordUsedAsAnIdIsData() {
        // `child` is an object elsewhere, so `parent child` is an edge.
        let g = load(temporaryFile("parent child\nchild leaf\n", name: "tree.txt"))
        XCTAssertEqual(g.edgeCount, 2)
        XCTAssertEqual(names(g), ["child", "leaf", "parent"])
        // A real header stays one.
        let h = load(temporaryFile("parent child\nroot leaf\n", name: "h.txt"))
        XCTAssertEqual(h.edgeCount, 1)
        XCTAssertEqual(names(h), ["leaf", "root"])
        // `from` only inside a longer token does not count.
        let csv = load(temporaryFile("from,to\nfromage,toast\n", name: "h.csv"))
        XCTAssertEqual(csv.edgeCount, 1)
    }

    /// Found by fuzz-loader: a header with no line after it and no final newline.
    func testAHeaderAloneWithoutNewlineIsAnErrorNotATrap() {
        for text in ["src,dst", "src,dst\n", "from to"] {
            XCTAssertEqual(loadError(temporaryFile(text, name: "h.csv"))?.reason.hasPrefix("no references found"), true, text)
        }
    }

    func testQuotedCSVIdsAreTheSameObjects() {
        let g = load(temporaryFile("\"1\",2\n2,\"3\"\n1,\"0x3\"\n\"a b\",1\n", name: "q.csv"))
        XCTAssertEqual(g.nodeCount, 4, "\"1\" is 1, \"0x3\" is 3")
        XCTAssertEqual(g.referents(g.node(1)!).map { g.address($0) }, [2, 3])
        XCTAssertEqual(names(g).filter { !$0.hasPrefix("#") }, ["a b"])
        let nodes = temporaryFile("id,type\n\"2\",list\n", name: "q-nodes.csv")
        let t = load(temporaryFile("1,2\n", name: "e.csv"), LoadOptions(nodeTable: nodes, progress: false))
        XCTAssertEqual(t.typeName(t.node(2)!), "list")
    }

    func testHashInsideAFieldIsData() {
        let g = load(temporaryFile("# a comment line\n1\t2\tissue #12\n  # another\n", name: "h.tsv"))
        XCTAssertEqual(g.outLabels(g.node(1)!), ["issue #12"])
        let nodes = temporaryFile("id\ttype\tsize\tname\troot\n1\tRef\t10\tRef #2355\ttrue\n", name: "n.tsv")
        let t = load(temporaryFile("1\t2\n", name: "e.tsv"), LoadOptions(nodeTable: nodes, progress: false))
        XCTAssertEqual(t.name(t.node(1)!), "Ref #2355")
    }

    func testNumericIdsInTheTokenRangeStayApart() {
        let g = load(temporaryFile("word\t0xffff000000000000\n0xffff000000000001\tword\nother\t1\n", name: "c.tsv"))
        XCTAssertEqual(g.nodeCount, 5)
        let word = g.nodes.first { g.name($0) == "word" }!
        XCTAssertFalse([0xffff_0000_0000_0000, 0xffff_0000_0000_0001].contains(g.address(word)))
        XCTAssertEqual(Set(g.addresses.map { $0 }).count, 5, "every node has its own address")
        XCTAssertEqual(g.referents(g.node(0xffff_0000_0000_0001)!).map { g.name($0) }, ["word"])
    }

    func testDuplicateNodeRowsAreCountedFirstWins() {
        let nodes = temporaryFile("id,type,size\n1,dict,100\n2,list,5\n1,str,7\n1,int,9\n", name: "d.csv")
        let g = load(temporaryFile("1,2\n", name: "e.csv"), LoadOptions(nodeTable: nodes, progress: false))
        XCTAssertEqual(g.typeName(g.node(1)!), "dict")
        XCTAssertEqual(g.size(g.node(1)!), 100)
        XCTAssertEqual(g.info.warnings, ["\(nodes):4: 2 rows repeat an id of an earlier row and were ignored; the first row of an id wins"])
    }

    func testNodeTableSizesThatOverflowAreRefused() {
        let nodes = temporaryFile("id,size\n1,9223372036854775808\n2,9223372036854775808\n", name: "o.csv")
        let e = loadError(temporaryFile("1,2\n", name: "e.csv"), LoadOptions(nodeTable: nodes, progress: false))
        XCTAssertEqual(e?.line, 2)
        XCTAssertTrue(e?.reason.contains("more than 2^63 bytes") ?? false, e?.reason ?? "")
    }

    // MARK: Item 11: native and meliae lines

    func testEscapedKeysAreKeys() {
        let g = load(temporaryFile([
            "{\"record\": \"header\", \"format\": \"refgraph\", \"version\": 1}",
            "{\"address\": 1, \"type\": \"dict\", \"size\": 8, \"r\\u0065fs\": [2], \"\\u006cabels\": [\"k\"]}",
            "{\"address\": 2, \"type\": \"list\", \"s\\u0069ze\": 9}",
            "{\"record\": \"trailer\", \"objects\": 2, \"references\": 1}",
        ].joined(separator: "\n") + "\n"))
        XCTAssertEqual(g.referents(g.node(1)!).map { g.address($0) }, [2])
        XCTAssertEqual(g.outLabels(g.node(1)!), ["k"])
        XCTAssertEqual(g.size(g.node(2)!), 9)
        XCTAssertEqual(g.flags(g.node(2)!).contains(.placeholder), false)
    }

    func testTrailerWithoutCountsAndUnknownFormatsAreRefused() {
        let header = "{\"record\": \"header\", \"format\": \"refgraph\", \"version\": 1}"
        let obj = "{\"address\": 1, \"type\": \"dict\", \"size\": 8}"
        for trailer in ["{\"record\": \"trailer\"}", "{\"record\": \"trailer\", \"objects\": 1}", "{\"record\": \"trailer\", \"references\": 0}"] {
            let e = loadError(temporaryFile([header, obj, trailer].joined(separator: "\n") + "\n"))
            XCTAssertEqual(e?.line, 3)
            XCTAssertTrue(e?.reason.hasPrefix("the trailer record has no") ?? false, e?.reason ?? "")
        }
        let trailer = "{\"record\": \"trailer\", \"objects\": 1, \"references\": 0}"
        let other = loadError(temporaryFile(["{\"record\": \"header\", \"format\": \"other\", \"version\": 1}", obj, trailer].joined(separator: "\n") + "\n"))
        XCTAssertEqual(other?.line, 1)
        XCTAssertTrue(other?.reason.hasPrefix("the header's format is \"other\", not \"refgraph\"") ?? false)
        let none = loadError(temporaryFile(["{\"record\": \"header\", \"version\": 1}", obj, trailer].joined(separator: "\n") + "\n"))
        XCTAssertTrue(none?.reason.hasPrefix("the header record has no \"format\": \"refgraph\"") ?? false)
    }

    func testSizesThatOverflowAreRefused() {
        let e = loadError(temporaryFile(nativeDump([
            "{\"address\": 1, \"type\": \"bytes\", \"size\": 9223372036854775808, \"refs\": [2]}",
            "{\"address\": 2, \"type\": \"bytes\", \"size\": 9223372036854775808}",
        ])))
        XCTAssertEqual(e?.line, 2)
        XCTAssertTrue(e?.reason.contains("more than 2^63 bytes") ?? false, e?.reason ?? "")
        let meliae = loadError(temporaryFile("{\"address\": 1, \"type\": \"bytes\", \"size\": 18446744073709551615, \"refs\": [2]}\n{\"address\": 2, \"type\": \"bytes\", \"size\": 1, \"refs\": []}\n"))
        XCTAssertEqual(meliae?.line, 1)
    }

    // MARK: Item 14: dumps taken while threads changed the heap

    func testNegativeRefcountsAreUnknownAndCounted() {
        let path = temporaryFile(nativeDump([
            "{\"address\": 1, \"refcount\": -1, \"type\": \"dict\", \"size\": 8, \"refs\": [2]}",
            "{\"address\": 2, \"refcount\": 3, \"type\": \"list\", \"size\": 9}",
            "{\"address\": 3, \"refcount\": -2, \"type\": \"list\", \"size\": 9}",
            "{\"address\": 4, \"refcount\": 0, \"raced\": true, \"type\": \"list\", \"size\": 9}",
        ]))
        let g = load(path)
        XCTAssertEqual(g.nodeCount, 4)
        XCTAssertNil(g.refcount(g.node(1)!))
        XCTAssertNil(g.refcount(g.node(4)!), "the exporter's raced record: refcount unknown")
        XCTAssertEqual(g.refcount(g.node(2)!), 3)
        XCTAssertEqual(g.info.warnings, ["\(path):2: 3 records have a refcount read while another thread changed the heap (raced, or negative); their refcounts are treated as unknown"])
        XCTAssertNotNil(loadError(temporaryFile(nativeDump(["{\"address\": 1, \"refcount\": -1.5, \"type\": \"dict\"}"]))))
    }
}
