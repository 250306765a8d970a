#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The field separator of a delimited text file.
enum Delimiter: Equatable {
    case tab, comma, spaces

    var name: String {
        switch self {
        case .tab: return "tabs"
        case .comma: return "commas"
        case .spaces: return "spaces"
        }
    }

    /// The byte between fields (one space for `.spaces`).
    var byte: UInt8 {
        switch self {
        case .tab: return 0x09
        case .comma: return 0x2c
        case .spaces: return 0x20
        }
    }

    /// Chosen from a file's first data line.
    static func detect(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Delimiter {
        if memchr(p + start, 0x09, end - start) != nil { return .tab }
        if memchr(p + start, 0x2c, end - start) != nil { return .comma }
        return .spaces
    }
}

/// Splits one line of a delimited file into byte ranges, with CSV double-quote
/// quoting when the delimiter is a comma.
struct FieldSplitter {
    let delimiter: Delimiter
    var fields: [Range<Int>] = []
    var scratch: [UInt8] = []

    init(_ delimiter: Delimiter) { self.delimiter = delimiter }

    /// Fills `fields`; with `.spaces`, the field at index `restFrom` and after run to the line's end.
    mutating func split(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int, restFrom: Int = Int.max) throws(ScanError) {
        fields.removeAll(keepingCapacity: true)
        var i = start
        switch delimiter {
        case .spaces:
            while i < end {
                while i < end && (p[i] == 0x20 || p[i] == 0x09) { i += 1 }
                if i >= end { break }
                if fields.count == restFrom {
                    var e = end
                    while e > i && (p[e - 1] == 0x20 || p[e - 1] == 0x09) { e -= 1 }
                    fields.append(i..<e)
                    break
                }
                let s = i
                while i < end && p[i] != 0x20 && p[i] != 0x09 { i += 1 }
                fields.append(s..<i)
            }
        case .tab, .comma:
            let sep: UInt8 = delimiter == .tab ? 0x09 : 0x2c
            var s = i
            while true {
                if delimiter == .comma && s < end && p[s] == UInt8(ascii: "\"") {
                    // Quoted field: ends at a quote not doubled.
                    var q = s + 1
                    while q < end {
                        if p[q] == UInt8(ascii: "\"") {
                            if q + 1 < end && p[q + 1] == UInt8(ascii: "\"") { q += 2; continue }
                            break
                        }
                        q += 1
                    }
                    guard q < end else { throw ScanError("unterminated quoted field", s) }
                    fields.append(s..<(q + 1))
                    s = q + 1
                    if s >= end { break }
                    guard p[s] == sep else { throw ScanError("expected a comma after a quoted field", s) }
                    s += 1
                    continue
                }
                var e = s
                while e < end && p[e] != sep { e += 1 }
                fields.append(trim(p, s, e))
                if e >= end { break }
                s = e + 1
            }
        }
    }

    private func trim(_ p: UnsafePointer<UInt8>, _ s: Int, _ e: Int) -> Range<Int> {
        var a = s, b = e
        while a < b && p[a] == 0x20 { a += 1 }
        while b > a && p[b - 1] == 0x20 { b -= 1 }
        return a..<b
    }

    /// The field's text, with CSV quotes removed.
    mutating func text(_ p: UnsafePointer<UInt8>, _ r: Range<Int>) -> String {
        if r.count >= 2 && p[r.lowerBound] == UInt8(ascii: "\"") && p[r.upperBound - 1] == UInt8(ascii: "\"") {
            scratch.removeAll(keepingCapacity: true)
            var i = r.lowerBound + 1
            while i < r.upperBound - 1 {
                scratch.append(p[i])
                i += (p[i] == UInt8(ascii: "\"") && p[i + 1] == UInt8(ascii: "\"")) ? 2 : 1
            }
            return String(decoding: scratch, as: UTF8.self)
        }
        return String(decoding: UnsafeBufferPointer(start: p + r.lowerBound, count: r.count), as: UTF8.self)
    }
}

/// An object id of a text format: a number (decimal or `0x` hex), or any
/// other token, numbered in order of first appearance. The two never meet:
/// a token is not a number, whatever number it is later drawn as.
enum NodeKey: Hashable {
    case number(UInt64)
    case token(UInt32)
}

/// Object ids in text formats: decimal and `0x` hex become numbers; any other
/// token is numbered on its own and keeps its text as the name. A CSV field
/// in double quotes is unquoted first, so `"1"` and `1` are one object.
struct TokenIDs {
    /// Symbolic ids are drawn at the top of the 64-bit space, where no address
    /// falls; one a numeric id already uses is skipped (`EdgeColumns`).
    static let symbolicBase: UInt64 = 0xFFFF_0000_0000_0000
    private var tokens = StringTable()
    private var unquoted: [UInt8] = []
    /// Whether some numeric id was written in `0x` hex (then reports show ids in hex).
    private(set) var sawHex = false

    /// The key of field `r`, and for a token its text id in `strings`.
    mutating func key(_ p: UnsafePointer<UInt8>, _ r: Range<Int>, strings: inout StringTable) -> (NodeKey, UInt32?) {
        guard r.count >= 2 && p[r.lowerBound] == UInt8(ascii: "\"") && p[r.upperBound - 1] == UInt8(ascii: "\"") else {
            return plainKey(UnsafeBufferPointer(start: p + r.lowerBound, count: r.count), strings: &strings)
        }
        var inner = unquoted
        inner.removeAll(keepingCapacity: true)
        var i = r.lowerBound + 1
        while i < r.upperBound - 1 {
            inner.append(p[i])
            i += (p[i] == UInt8(ascii: "\"") && p[i + 1] == UInt8(ascii: "\"")) ? 2 : 1
        }
        defer { unquoted = inner }
        return inner.withUnsafeBufferPointer { plainKey($0, strings: &strings) }
    }

    private mutating func plainKey(_ buf: UnsafeBufferPointer<UInt8>, strings: inout StringTable) -> (NodeKey, UInt32?) {
        if let base = buf.baseAddress, let v = Self.number(base, 0..<buf.count) {
            if buf.count > 2 && base[1] | 0x20 == UInt8(ascii: "x") { sawHex = true }
            return (.number(v), nil)
        }
        return (.token(tokens.intern(bytes: buf)), strings.intern(bytes: buf))
    }

    static func number(_ p: UnsafePointer<UInt8>, _ r: Range<Int>) -> UInt64? {
        guard !r.isEmpty else { return nil }
        var i = r.lowerBound
        var v: UInt64 = 0
        if r.count > 2 && p[i] == 0x30 && (p[i + 1] | 0x20) == UInt8(ascii: "x") {
            i += 2
            while i < r.upperBound {
                let c = p[i] | 0x20
                let d: UInt64
                if c >= 0x30 && c <= 0x39 { d = UInt64(c - 0x30) } else if c >= 0x61 && c <= 0x66 { d = UInt64(c - 0x61 + 10) } else { return nil }
                if v >> 60 != 0 { return nil }
                v = v << 4 | d
                i += 1
            }
            return v
        }
        let digits = scanDecimal(p, from: i, to: r.upperBound)
        return digits.end == r.upperBound && !digits.overflow ? digits.value : nil
    }
}

/// The position of the first occurrence of `needle` in `base[from..<to]`, or nil.
func firstOccurrence(of needle: UnsafeBufferPointer<UInt8>, in base: UnsafePointer<UInt8>, from: Int, to: Int) -> Int? {
    guard let first = needle.first, let n = needle.baseAddress else { return nil }
    var i = from
    while i + needle.count <= to, let hit = memchr(base + i, Int32(first), to - needle.count + 1 - i) {
        let at = UnsafeRawPointer(hit) - UnsafeRawPointer(base)
        if memcmp(base + at, n, needle.count) == 0 { return at }
        i = at + 1
    }
    return nil
}

/// Calls `body(lineNumber, start, end)` for each line that is not blank or a
/// `#` comment, with the line's leading blanks cut (`dataLine`).
/// `fast(start)`, tried first at each line's start below the end of the
/// bytes, may read a whole line of the common shape itself and return the
/// position of its newline (or of the end): then `body` is not called for
/// it, and no separate search for the newline is made. `stop()`, asked after
/// each line `body` took, ends the walk early with `lines` just past that line.
func forEachDataLine(_ lines: inout LineWalk, fast: (Int) -> Int? = { _ in nil }, stop: () -> Bool = { false },
                     _ body: (Int, Int, Int) throws(LoadError) -> Void) throws(LoadError) {
    let base = lines.bytes.base, count = lines.bytes.count
    while true {
        if lines.position < count, let end = fast(lines.position) {
            lines.skip(to: end)
            continue
        }
        guard let (p, end) = lines.next() else { break }
        if let (s, e) = dataLine(base, p, end) {
            try body(lines.number, s, e)
            if stop() { break }
        }
    }
}

/// `forEachDataLine` over all of `bytes`.
func forEachDataLine(_ bytes: DumpBytes, _ body: (Int, Int, Int) throws(LoadError) -> Void) throws(LoadError) {
    var lines = LineWalk(bytes)
    try forEachDataLine(&lines, body)
}

/// The data of the line `base[start..<end]` (newline excluded): without its
/// leading blanks and a final CR; nil for a blank line or a `#` comment.
@inline(__always)
func dataLine(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> (Int, Int)? {
    var e = end
    if e > start && base[e - 1] == 0x0d { e -= 1 }
    var s = start
    while s < e && (base[s] == 0x20 || base[s] == 0x09) { s += 1 }
    // A comment is a whole line: a `#` inside a field (`Ref #2355`) is data.
    guard s < e && base[s] != UInt8(ascii: "#") else { return nil }
    return (s, e)
}
