/// A forward-only JSON reader over raw bytes, for the one-record-per-line
/// dump formats. It never builds a String per token: strings come back as
/// byte ranges and are decoded only when a caller interns them.
struct JSONCursor {
    let base: UnsafePointer<UInt8>
    var pos: Int
    let end: Int

    /// A string token: the bytes between the quotes, and what decoding needs.
    struct RawString {
        var start: Int
        var end: Int
        var hasEscape: Bool
        var hasHighBit: Bool
    }

    /// A number token as it was written.
    struct RawNumber {
        var start: Int
        var end: Int
        var negative: Bool
        var isInteger: Bool
        /// The magnitude, when it is an integer that fits 64 bits.
        var magnitude: UInt64?
    }

    init(base: UnsafePointer<UInt8>, start: Int, end: Int) {
        self.base = base
        self.pos = start
        self.end = end
    }

    @inline(__always) var atEnd: Bool { pos >= end }

    @inline(__always) func peek() -> UInt8 { pos < end ? base[pos] : 0 }

    @inline(__always) mutating func skipSpace() {
        while pos < end {
            let b = base[pos]
            if b == 0x20 || b == 0x09 || b == 0x0d { pos += 1 } else { break }
        }
    }

    mutating func expect(_ byte: UInt8, _ what: @autoclosure () -> String) throws(ScanError) {
        skipSpace()
        guard pos < end else { throw ScanError("record ends early: expected \(what())", pos) }
        guard base[pos] == byte else { throw ScanError("expected \(what()), found \(describe(base[pos]))", pos) }
        pos += 1
    }

    /// Consumes `byte` if it is next (after spaces).
    @inline(__always) mutating func take(_ byte: UInt8) -> Bool {
        skipSpace()
        if pos < end && base[pos] == byte { pos += 1; return true }
        return false
    }

    mutating func string() throws(ScanError) -> RawString {
        skipSpace()
        guard pos < end, base[pos] == UInt8(ascii: "\"") else {
            throw ScanError(pos < end ? "expected a string, found \(describe(base[pos]))" : "record ends early: expected a string", pos)
        }
        pos += 1
        let start = pos
        var escape = false
        var high: UInt8 = 0
        var highWords: UInt64 = 0
        while pos < end {
            // Eight bytes at a time up to the first quote, backslash or control character.
            if end - pos >= 8 {
                let x = UInt64(littleEndian: UnsafeRawPointer(base + pos).loadUnaligned(as: UInt64.self))
                let special = Self.quoteBackslashOrControl(x)
                if special == 0 {
                    highWords |= x
                    pos += 8
                    continue
                }
                let plain = special.trailingZeroBitCount >> 3  // bytes before the first special one
                highWords |= x & ((1 << UInt64(plain * 8)) &- 1)
                pos += plain
            }
            let b = base[pos]
            if b == UInt8(ascii: "\"") {
                let s = RawString(start: start, end: pos, hasEscape: escape,
                                  hasHighBit: high & 0x80 != 0 || highWords & 0x8080_8080_8080_8080 != 0)
                pos += 1
                return s
            }
            if b == UInt8(ascii: "\\") {
                escape = true
                pos += 2
                continue
            }
            if b < 0x20 { throw ScanError("control character in a string", pos) }
            high |= b
            pos += 1
        }
        throw ScanError("record ends early: unterminated string", start - 1)
    }

    /// The top bit of each byte of the word `x` (little-endian) that may be
    /// `"`, `\\` or below 0x20, by the "has a zero byte" and "has a byte
    /// below n" word tests: 0 when there is none, and the lowest bit set is
    /// exactly the first such byte (a borrow only starts at one, and only
    /// moves up, so bytes above it may be flagged falsely, never below).
    @inline(__always)
    static func quoteBackslashOrControl(_ x: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101, tops: UInt64 = 0x8080_8080_8080_8080
        let q = x ^ 0x2222_2222_2222_2222, b = x ^ 0x5C5C_5C5C_5C5C_5C5C
        return (((q &- ones) & ~q) | ((b &- ones) & ~b) | ((x &- 0x2020_2020_2020_2020) & ~x)) & tops
    }

    mutating func number() throws(ScanError) -> RawNumber {
        skipSpace()
        let start = pos
        var negative = false
        if pos < end && base[pos] == UInt8(ascii: "-") { negative = true; pos += 1 }
        let scanned = scanDecimal(base, from: pos, to: end)
        let magnitude = scanned.overflow ? nil : scanned.value
        let digits = scanned.end - pos
        pos = scanned.end
        guard digits > 0 else {
            throw ScanError(pos < end ? "expected a number, found \(describe(base[pos]))" : "record ends early: expected a number", start)
        }
        var isInteger = true
        while pos < end {
            let b = base[pos]
            if b == UInt8(ascii: ".") || b == UInt8(ascii: "e") || b == UInt8(ascii: "E")
                || b == UInt8(ascii: "+") || b == UInt8(ascii: "-") || (b &- 0x30) <= 9 {
                isInteger = false
                pos += 1
            } else { break }
        }
        return RawNumber(start: start, end: pos, negative: negative, isInteger: isInteger, magnitude: isInteger ? magnitude : nil)
    }

    /// A non-negative integer that fits 64 bits, such as an address or a size.
    @inline(__always)
    mutating func unsigned(_ what: StaticString) throws(ScanError) -> UInt64 {
        skipSpace()
        // Fast path: plain digits.
        let (v, p, overflow) = scanDecimal(base, from: pos, to: end)
        if p > pos && !overflow && (p >= end || base[p] != UInt8(ascii: ".") && base[p] != UInt8(ascii: "e") && base[p] != UInt8(ascii: "E")) {
            pos = p
            return v
        }
        let num = try number()
        if num.negative { throw ScanError("\(what) is negative", num.start) }
        guard num.isInteger else { throw ScanError("\(what) is not an integer", num.start) }
        guard let m = num.magnitude else { throw ScanError("\(what) is out of range (more than 64 bits)", num.start) }
        return m
    }

    /// Skips any JSON value, iteratively (a hostile line may nest deeply).
    mutating func skipValue() throws(ScanError) {
        var open: [UInt8] = []  // the unclosed containers, '{' or '['
        while true {
            skipSpace()
            guard pos < end else { throw ScanError("record ends early", pos) }
            let b = base[pos]
            if b == UInt8(ascii: "{") || b == UInt8(ascii: "[") {
                pos += 1
                skipSpace()
                let close = b == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")
                if pos < end && base[pos] == close {
                    pos += 1
                } else {
                    open.append(b)
                    if b == UInt8(ascii: "{") { _ = try string(); try expect(UInt8(ascii: ":"), "':'") }
                    continue
                }
            } else if b == UInt8(ascii: "\"") {
                _ = try string()
            } else if b == UInt8(ascii: "t") {
                try literal("true")
            } else if b == UInt8(ascii: "f") {
                try literal("false")
            } else if b == UInt8(ascii: "n") {
                try literal("null")
            } else {
                _ = try number()
            }
            // A value is complete: a separator or closers follow.
            while let top = open.last {
                skipSpace()
                guard pos < end else { throw ScanError("record ends early", pos) }
                let c = base[pos]
                if c == UInt8(ascii: ",") {
                    pos += 1
                    if top == UInt8(ascii: "{") { _ = try string(); try expect(UInt8(ascii: ":"), "':'") }
                    break
                }
                if (top == UInt8(ascii: "{") && c == UInt8(ascii: "}")) || (top == UInt8(ascii: "[") && c == UInt8(ascii: "]")) {
                    pos += 1
                    open.removeLast()
                    continue
                }
                throw ScanError("expected ',' or a closing bracket, found \(describe(c))", pos)
            }
            if open.isEmpty { return }
        }
    }

    mutating func literal(_ word: StaticString) throws(ScanError) {
        let n = word.utf8CodeUnitCount
        guard pos + n <= end, memcmp(base + pos, word.utf8Start, n) == 0 else {
            throw ScanError("invalid literal", pos)
        }
        pos += n
    }

    /// The bytes of `raw` with JSON escapes decoded into `scratch`.
    static func decode(_ raw: RawString, base: UnsafePointer<UInt8>, into scratch: inout [UInt8]) throws(ScanError) {
        scratch.removeAll(keepingCapacity: true)
        var p = raw.start
        while p < raw.end {
            let b = base[p]
            guard b == UInt8(ascii: "\\") else { scratch.append(b); p += 1; continue }
            guard p + 1 < raw.end else { throw ScanError("invalid JSON escape at end of string", p) }
            let e = base[p + 1]
            p += 2
            switch e {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scratch.append(e)
            case UInt8(ascii: "b"): scratch.append(0x08)
            case UInt8(ascii: "f"): scratch.append(0x0c)
            case UInt8(ascii: "n"): scratch.append(0x0a)
            case UInt8(ascii: "r"): scratch.append(0x0d)
            case UInt8(ascii: "t"): scratch.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4(base, p, raw.end)
                p += 4
                if scalar >= 0xD800 && scalar < 0xDC00, p + 6 <= raw.end, base[p] == UInt8(ascii: "\\"), base[p + 1] == UInt8(ascii: "u"),
                   let low = try? hex4(base, p + 2, raw.end), low >= 0xDC00 && low < 0xE000 {
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    p += 6
                }
                let us = Unicode.Scalar(scalar) ?? "\u{FFFD}"  // lone surrogates become U+FFFD
                scratch.append(contentsOf: String(us).utf8)
            default:
                throw ScanError("invalid JSON escape '\\\(describeChar(e))'", p - 2)
            }
        }
    }

    private static func hex4(_ base: UnsafePointer<UInt8>, _ p: Int, _ end: Int) throws(ScanError) -> UInt32 {
        guard p + 4 <= end else { throw ScanError("invalid JSON escape: \\u needs four hex digits", p - 2) }
        var v: UInt32 = 0
        for i in 0..<4 {
            let c = base[p + i]
            let d: UInt32
            switch c {
            case 0x30...0x39: d = UInt32(c - 0x30)
            case 0x41...0x46: d = UInt32(c - 0x41 + 10)
            case 0x61...0x66: d = UInt32(c - 0x61 + 10)
            default: throw ScanError("invalid JSON escape: \\u needs four hex digits", p - 2)
            }
            v = v << 4 | d
        }
        return v
    }
}

/// A reason a record could not be read, with the byte offset where it went wrong.
struct ScanError: Error {
    var reason: String
    var offset: Int
    init(_ reason: String, _ offset: Int) {
        self.reason = reason
        self.offset = offset
    }
}

func describe(_ b: UInt8) -> String {
    if b >= 0x21 && b < 0x7f { return "'\(Character(Unicode.Scalar(b)))'" }
    return "byte 0x" + hexByte(b)
}

func describeChar(_ b: UInt8) -> String {
    if b >= 0x21 && b < 0x7f { return String(Character(Unicode.Scalar(b))) }
    return "x" + hexByte(b)
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
