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

    /// The word-at-a-time path against a byte-at-a-time reference, for every
    /// digit count 0...22 and every kind of byte after the digits (below '0',
    /// just past '9', high bytes that carry or borrow), at every offset.
    func testDecimalWordPathAgreesWithTheDigitLoop() {
        func reference(_ b: [UInt8], _ from: Int) -> (UInt64, Int, Bool) {
            var v: UInt64 = 0, i = from, overflow = false
            while i < b.count, b[i] >= 0x30, b[i] <= 0x39 {
                let (m, o1) = v.multipliedReportingOverflow(by: 10)
                let (a, o2) = m.addingReportingOverflow(UInt64(b[i] - 0x30))
                if o1 || o2 { overflow = true } else if !overflow { v = a }
                i += 1
            }
            return (overflow ? 0 : v, i, overflow)
        }
        var rng = SystemRandomNumberGenerator()
        let stops: [UInt8] = [0x00, 0x09, 0x0a, 0x20, 0x2c, 0x2f, 0x3a, 0x3f, 0x7f, 0x80, 0xb9, 0xba, 0xc6, 0xff]
        for digits in 0...22 {
            for stop in stops {
                for pad in 0..<3 {
                    var b = [UInt8](repeating: 0x41, count: pad)
                    for k in 0..<digits { b.append(UInt8(ascii: "0") + (k == 0 && digits > 1 ? UInt8.random(in: 1...9, using: &rng) : UInt8.random(in: 0...9, using: &rng))) }
                    b.append(stop)
                    for _ in 0..<UInt8.random(in: 0...9, using: &rng) { b.append(UInt8.random(in: 0...255, using: &rng)) }
                    let got = b.withUnsafeBufferPointer { let r = scanDecimal($0.baseAddress!, from: pad, to: $0.count); return (r.overflow ? 0 : r.value, r.end, r.overflow) }
                    let want = reference(b, pad)
                    XCTAssertTrue(got == want, "\(b): \(got) != \(want)")
                }
            }
        }
    }

    /// The JSON string scanner's word test (the first special byte) against the byte-by-byte rule,
    /// and whole strings with the special byte at every offset.
    func testJSONStringWordPathAgreesWithTheByteLoop() {
        var rng = SystemRandomNumberGenerator()
        let interesting: [UInt8] = [0x00, 0x1f, 0x20, 0x21, 0x22, 0x23, 0x5b, 0x5c, 0x5d, 0x7f, 0x80, 0xa2, 0xdc, 0xff]
        for _ in 0..<20_000 {
            var bytes = (0..<8).map { _ in Bool.random(using: &rng) ? interesting.randomElement(using: &rng)! : UInt8.random(in: 0...255, using: &rng) }
            if Bool.random(using: &rng) { bytes = bytes.map { $0 < 0x20 || $0 == 0x22 || $0 == 0x5c ? 0x41 : $0 } }
            let x = bytes.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
            let first = bytes.firstIndex { $0 < 0x20 || $0 == 0x22 || $0 == 0x5c }
            let mask = JSONCursor.quoteBackslashOrControl(x)
            XCTAssertEqual(mask == 0 ? nil : mask.trailingZeroBitCount >> 3, first, "\(bytes)")
        }
        func scan(_ body: [UInt8]) -> Result<(Int, Bool, Bool), ScanError> {
            let text = [UInt8(ascii: "\"")] + body + Array("\" tail padding".utf8)
            return text.withUnsafeBufferPointer { b in
                var c = JSONCursor(base: b.baseAddress!, start: 0, end: b.count)
                do throws(ScanError) {
                    let s = try c.string()
                    return .success((s.end - s.start, s.hasEscape, s.hasHighBit))
                } catch { return .failure(error) }
            }
        }
        for length in 0..<40 {
            for at in 0..<max(length, 1) {
                var plain = [UInt8](repeating: UInt8(ascii: "a"), count: length)
                XCTAssertEqual(try? scan(plain).get().0, length)
                guard at < length else { continue }
                plain[at] = 0xc3
                XCTAssertEqual(try? scan(plain).get().2, true, "a high byte at \(at) of \(length)")
                plain[at] = 0x01
                if case .success = scan(plain) { XCTFail("a control byte at \(at) of \(length) is refused") }
                plain[at] = UInt8(ascii: "\\")
                if at + 1 < length { XCTAssertEqual(try? scan(plain).get().1, true, "an escape at \(at) of \(length)") }
                plain[at] = UInt8(ascii: "\"")
                XCTAssertEqual(try? scan(plain).get().0, at, "the string ends at the quote at \(at)")
            }
        }
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
