import XCTest
@testable import RefGraph

/// Every file of Tests/Fixtures/bad is refused with `FILE:LINE: reason`, or
/// loads with its documented warning, as Tests/Fixtures/bad/EXPECTED.tsv says.
final class BadInputTests: XCTestCase {
    struct Case { var file: String; var exit: Int; var line: Int; var reason: String; var nodes: Bool }

    func cases() throws -> [Case] {
        let text = try String(contentsOfFile: fixture("bad/EXPECTED.tsv"), encoding: .utf8)
        return text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { row in
            let f = row.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            return Case(file: f[0], exit: Int(f[1])!, line: Int(f[2])!, reason: f.count > 3 ? f[3] : "", nodes: f.count > 4 && f[4] == "--nodes")
        }
    }

    func testCorpusIsLargeEnoughAndListed() throws {
        let listed = Set(try cases().map(\.file))
        XCTAssertGreaterThanOrEqual(listed.count, 40)
        let present = Set(try FileManager.default.contentsOfDirectory(atPath: fixture("bad"))).subtracting(["EXPECTED.tsv", "edges-ok.tsv"])
        XCTAssertEqual(present, listed, "every bad file has an expectation, and every expectation a file")
    }

    func testEveryCaseGivesFileLineReason() throws {
        for c in try cases() {
            let path = c.nodes ? fixture("bad/edges-ok.tsv") : fixture("bad/" + c.file)
            let options = LoadOptions(nodeTable: c.nodes ? fixture("bad/" + c.file) : nil, progress: false)
            do {
                let g = try DumpLoader.load(path, options: options)
                XCTAssertEqual(c.exit, 0, "\(c.file) loaded but should be refused")
                if !c.reason.isEmpty {
                    XCTAssertTrue(g.info.warnings.contains { $0.hasPrefix("\(path):\(c.line): \(c.reason)") }, "\(c.file): warnings \(g.info.warnings)")
                } else {
                    XCTAssertTrue(g.info.warnings.isEmpty, "\(c.file): \(g.info.warnings)")
                }
            } catch {
                XCTAssertEqual(c.exit, 2, "\(c.file) refused: \(error)")
                XCTAssertEqual(error.file, c.nodes ? fixture("bad/" + c.file) : path, c.file)
                XCTAssertEqual(error.line, c.line, "\(c.file): \(error)")
                XCTAssertTrue(error.reason.hasPrefix(c.reason), "\(c.file): \(error.reason)")
            }
        }
    }

    func testAMillionRefsOnOneLineLoads() throws {
        var refs = (2...1_000_001).map(String.init).joined(separator: ", ")
        var lines = ["{\"address\": 1, \"type\": \"list\", \"size\": 8000056, \"refs\": [\(refs)], \"root\": \"frame\"}"]
        refs = ""
        lines.append("{\"address\": 2, \"type\": \"int\", \"size\": 28, \"refs\": []}")
        let g = load(temporaryFile(nativeDump(lines)))
        XCTAssertEqual(g.edgeCount, 1_000_000)
        XCTAssertEqual(g.nodeCount, 1_000_001, "the missing ones are placeholders")
        XCTAssertEqual(g.referrers(g.node(2)!).count, 1)
        XCTAssertEqual(g.referrers(g.node(3)!).count, 1)
    }

    func testAHundredMegabyteLineOfGarbageIsRefusedQuickly() throws {
        let junk = String(repeating: "x", count: 100_000_000)
        let path = temporaryFile(nativeDump(["{\"address\": 1, \"type\": \"" + junk]))
        let e = loadError(path)
        XCTAssertEqual(e?.line, 2)
        XCTAssertTrue(e?.reason.hasPrefix("record ends early: unterminated string") ?? false, e?.reason ?? "")
    }

    /// A dump that shrinks while it is mapped (log rotation, `cp` over it):
    /// reads past the new end get zero pages instead of SIGBUS, and the load
    /// says the file changed.
    func testADumpThatShrinksWhileMappedIsAnErrorNotSIGBUS() throws {
        let lines = (1...20_000).map { (i: Int) -> String in #"{"address": \#(i), "type": "dict", "size": 100, "refs": [], "refcount": 1}"# }
        let path = temporaryFile(nativeDump(lines))
        let bytes = try DumpBytes(path: path)
        XCTAssertGreaterThan(bytes.count, 1 << 20)
        XCTAssertNoThrow(try bytes.checkUnchanged(path))
        XCTAssertEqual(truncate(path, 4096), 0)
        var sum = 0
        for i in stride(from: 0, to: bytes.count, by: 512) { sum &+= Int(bytes.base[i]) }  // SIGBUS without the guard
        XCTAssertGreaterThan(sum, 0)
        XCTAssertThrowsError(try bytes.checkUnchanged(path)) {
            XCTAssertTrue("\($0)".contains("the file shrank while it was read"), "\($0)")
            // The line where the file now ends: 4096 bytes hold the header and some records.
            let lines = Array(nativeDump(lines).utf8.prefix(4096)).filter { $0 == 0x0a }.count + 1
            XCTAssertEqual(($0 as? LoadError)?.line, lines)
        }
        XCTAssertThrowsError(try DumpLoader.load(path, options: LoadOptions(cache: .off)))  // now 4 kB: a truncated dump
    }

    /// Addresses aimed at one slot of the address index (`i·K⁻¹ mod 2⁶⁴` for
    /// its Fibonacci multiplier K) switch it to the seeded mixer, so probes
    /// stay short; every address is still found.
    func testAddressesAimedAtOneSlotSwitchTheIndexToItsSeededMixer() {
        let kInverse: UInt64 = 0xF1DE_83E1_9937_733D  // 0x9E3779B97F4A7C15⁻¹ mod 2⁶⁴
        XCTAssertEqual(kInverse &* 0x9E37_79B9_7F4A_7C15, 1)
        let n = 160_000
        let addresses = (1...UInt64(n)).map { $0 &* kInverse }
        var index = AddressIndex()
        addresses.withUnsafeBufferPointer { buf in
            for i in 0..<n { index.insert(buf[i], node: UInt32(i), addresses: buf) }
            XCTAssertTrue(index.mixed)
            for i in stride(from: 0, to: n, by: 997) { XCTAssertEqual(index.find(buf[i], in: buf), UInt32(i)) }
            XCTAssertNil(index.find(12345, in: buf))
        }
        // Ordinary addresses (a heap's 16-byte steps) keep the fast hash.
        let heap = (0..<UInt64(n)).map { 0x7f00_0000_0000 + $0 * 16 }
        var plain = AddressIndex()
        heap.withUnsafeBufferPointer { buf in
            for i in 0..<n { plain.insert(buf[i], node: UInt32(i), addresses: buf) }
        }
        XCTAssertFalse(plain.mixed)
        // The loader, end to end (this load took 42 s before the switch).
        let lines = addresses.prefix(20_000).enumerated().map { (i, a) -> String in
            #"{"address": \#(a), "type": "dict", "size": 64, "refs": [], "refcount": 1\#(i == 0 ? #", "root": "sys.modules""# : "")}"#
        }
        let g = load(temporaryFile(nativeDump(lines)))
        XCTAssertEqual(g.nodeCount, 20_000)
        XCTAssertNotNil(g.node(addresses[19_999]))
    }
}
