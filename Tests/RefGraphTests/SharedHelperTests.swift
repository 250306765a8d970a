import XCTest
@testable import RefGraph

/// The helpers every reader shares: decimal digits, FNV-1a, the line walk.
final class SharedHelperTests: XCTestCase {
    func testDecimalDigitsStopAtANonDigitAndNoticeOverflow() {
        func scan(_ s: String) -> (UInt64, Int, Bool) {
            let b = Array(s.utf8)
            return b.withUnsafeBufferPointer { let r = scanDecimal($0.baseAddress!, from: 0, to: $0.count); return (r.value, r.end, r.overflow) }
        }
        XCTAssertTrue(scan("123,") == (123, 3, false))
        XCTAssertTrue(scan("x") == (0, 0, false))
        XCTAssertTrue(scan("9999999999999999999") == (9_999_999_999_999_999_999, 19, false))
        XCTAssertTrue(scan("18446744073709551615}") == (UInt64.max, 20, false))
        XCTAssertTrue(scan("18446744073709551616").2, "2^64 overflows")
        XCTAssertEqual(scan("184467440737095516160000 ").1, 24, "the digits are consumed past an overflow")
    }

    func testFNV1aIsTheStandardHashUnseeded() {
        XCTAssertEqual(HashSeed.fnv1a("".utf8), 0xcbf2_9ce4_8422_2325)
        XCTAssertEqual(HashSeed.fnv1a("a".utf8), 0xaf63_dc4c_8601_ec8c)
        XCTAssertNotEqual(HashSeed.fnv1a("a".utf8, seed: 1), HashSeed.fnv1a("a".utf8))
    }

    func testTheLineWalkGivesEveryLine() throws {
        let text = "one\n\ntwo\nthree"
        let bytes = try Array(text.utf8).withUnsafeBytes { (b) throws(LoadError) in try DumpBytes(copying: b, name: "t") }
        var walk = LineWalk(bytes)
        var lines: [String] = []
        while let (s, e) = walk.next() {
            lines.append("\(walk.number):" + String(decoding: UnsafeBufferPointer(start: bytes.base + s, count: e - s), as: UTF8.self))
        }
        XCTAssertEqual(lines, ["1:one", "2:", "3:two", "4:three"])
    }
}
