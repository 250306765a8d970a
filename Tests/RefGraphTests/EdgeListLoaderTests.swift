import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest
@testable import RefGraph

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

    /// The one-pass reader takes a whole `digits SEP digits` line, newline
    /// (LF, CR LF or the end) included, and leaves every other line alone.
    func testNumericLinesAreReadWithTheirNewline() {
        func line(_ text: String, _ sep: UInt8 = 0x09) -> [Int]? {
            let bytes = Array(text.utf8)
            return bytes.withUnsafeBufferPointer { b in
                EdgeListLoader.numericLine(b.baseAddress!, 0, b.count, separator: sep).map { [Int($0.0), Int($0.1), $0.2] }
            }
        }
        XCTAssertEqual(line("12\t345\nx"), [12, 345, 6])
        XCTAssertEqual(line("12\t345\r\nx"), [12, 345, 7])
        XCTAssertEqual(line("12\t345"), [12, 345, 6])
        XCTAssertEqual(line("12\t345\r"), [12, 345, 7], "a CR before the end is cut, as the general path cuts it")
        XCTAssertEqual(line("123456789012345678\t9\n"), [123_456_789_012_345_678, 9, 20])
        for other in ["12\t345 \n", "12\t345x\n", "12\t\n", "\t1\n", "12 345\n", "12\t345\rx", " 12\t3\n", "99999999999999999999\t1\n"] {
            XCTAssertNil(line(other), other)
        }
    }

    /// Small ids are numbered through a direct table and large ones through
    /// the hash; either way nodes are numbered in order of first appearance,
    /// and an id on the table's limit (65,536 for a small file) is one node.
    func testSmallAndLargeIdsAreNumberedInFileOrder() {
        let text = "5 140000000000000\n65535 65536\n140000000000000 5\n65536 0x5\n7 65535\r\n9 7"
        let g = load(temporaryFile(text, name: "ids.txt"))
        XCTAssertEqual((0..<g.nodeCount).map { g.address(HeapGraph.Node($0)) }, [5, 140_000_000_000_000, 65535, 65536, 7, 9])
        XCTAssertEqual(g.edgeCount, 6)
        XCTAssertEqual(g.referents(g.node(65536)!).map { g.address($0) }, [5])
        XCTAssertEqual(g.referents(g.node(7)!).map { g.address($0) }, [65535])
        XCTAssertEqual(g.roots.map { g.address($0) }, [9])
    }

    /// Reports show an edge list's ids as it wrote them: decimal when every
    /// numeric id is decimal, hex once one is `0x` (and the cache keeps it).
    func testIdsAreShownAsTheFileWroteThem() {
        let decimal = load(temporaryFile("5 140000000000000\n7 5\n", name: "dec.txt"))
        XCTAssertTrue(decimal.info.decimalIDs)
        XCTAssertEqual(decimal.idText(decimal.node(140_000_000_000_000)!), "140000000000000")
        let hex = load(temporaryFile("5 140000000000000\n0x7 5\n", name: "hex.txt"))
        XCTAssertFalse(hex.info.decimalIDs)
        XCTAssertEqual(hex.idText(hex.node(7)!), "0x7")
        XCTAssertFalse(load(fixture("edgelist/small.tsv")).info.decimalIDs, "small.tsv has 0x10")
        XCTAssertTrue(IndexCache.parseInfo(IndexCache.infoText(decimal.info)).decimalIDs)
        XCTAssertFalse(IndexCache.parseInfo(IndexCache.infoText(hex.info)).decimalIDs)
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

/// Big edge lists are read on a second thread (`NumericLinePipeline`); the
/// graph and every error must be those of the one-thread load.
final class EdgeListPipelineTests: XCTestCase {
    /// Over 1 MiB (so the pipeline runs), with every kind of line the reader
    /// hands back: labels, symbolic ids, hex, comments, blanks, CR LF,
    /// leading blanks, and small and large ids across chunk boundaries.
    func bigList(badLineAt bad: Int? = nil) -> String {
        var lines = ["from\tto"]
        var rng = SystemRandomNumberGenerator()
        for i in 1...150_000 {
            let a = i % 7 == 0 ? UInt64(140_000_000_000 + i) : UInt64.random(in: 0..<40_000, using: &rng)
            let b = UInt64.random(in: 0..<60_000, using: &rng)
            switch i % 9973 {
            case 1: lines.append("\(a)\t\(b)\t[\(i)]")
            case 2: lines.append("name\(i)\t\(b)")
            case 3: lines.append("# comment \(i)")
            case 4: lines.append("")
            case 5: lines.append("0x\(String(a, radix: 16))\t\(b)\r")
            case 6: lines.append("  \(a)\t\(b)")
            default: lines.append(i == bad ? "\(a)\t\(b)\tx\ty" : (i % 5 == 0 ? "\(a)\t\(b)\r" : "\(a)\t\(b)"))
            }
        }
        return temporaryFile(lines.joined(separator: "\n") + "\n", name: "big.tsv")
    }

    func testTwoThreadsAndOneBuildTheSameGraph() throws {
        let path = bigList()
        XCTAssertGreaterThan(try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int, 1 << 20)
        var one = LoadOptions(progress: false)
        one.secondThread = false
        let a = load(path), b = load(path, one)
        XCTAssertEqual(a.nodeCount, b.nodeCount)
        XCTAssertTrue(a.addresses == b.addresses, "addresses differ")  // not Equal: it would print both columns
        XCTAssertTrue(a.forwardOffsets == b.forwardOffsets, "forwardOffsets differ")  // not Equal: it would print both columns
        XCTAssertTrue(a.forwardTargets == b.forwardTargets, "forwardTargets differ")  // not Equal: it would print both columns
        XCTAssertTrue(a.edgeLabels.map { a.strings[$0] } == b.edgeLabels.map { b.strings[$0] }, "labels differ")
        XCTAssertTrue(a.textIDs.map { a.strings[$0] } == b.textIDs.map { b.strings[$0] }, "names differ")
        XCTAssertEqual(a.edgeCount, 150_000 - 2 * (150_000 / 9973 + 1), "comments and blanks are no edges")
    }

    /// A list of symbolic ids is all "other" lines: they travel many to a
    /// chunk, in order, and build the one-thread graph.
    func testAListOfWordsBuildsTheSameGraphOnTwoThreads() throws {
        var lines: [String] = []
        for i in 0..<90_000 { lines.append(i % 3 == 0 ? "\(i) \(i + 1)" : "node\(i) node\(i % 977)") }
        let path = temporaryFile(lines.joined(separator: "\n"), name: "words.txt")
        XCTAssertGreaterThan(try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int, 1 << 20)
        var one = LoadOptions(progress: false)
        one.secondThread = false
        let a = load(path), b = load(path, one)
        XCTAssertEqual(a.nodeCount, b.nodeCount)
        XCTAssertTrue(a.addresses == b.addresses, "addresses differ")
        XCTAssertTrue(a.forwardTargets == b.forwardTargets, "targets differ")
        XCTAssertTrue(a.textIDs.map { a.strings[$0] } == b.textIDs.map { b.strings[$0] }, "names differ")
        XCTAssertEqual(a.edgeCount, 90_000)
    }

    func testABadLineDeepInAPipelinedLoadIsReportedAtItsLine() {
        let path = bigList(badLineAt: 123_457)
        var one = LoadOptions(progress: false)
        one.secondThread = false
        let a = loadError(path), b = loadError(path, one)
        XCTAssertEqual(a?.description, b?.description)
        XCTAssertEqual(a?.line, 123_458, "the header is line 1")
    }
}
