/// A request target split into its path and decoded query parameters:
/// `/api/select?selector=len+%3E+10` → path `/api/select`, `selector` = `len > 10`.
public struct SiteQuery: Sendable {
    /// The path, percent-decoded; `/` at least.
    public var path: String
    /// Query parameters in order; a repeated name keeps its first value in `subscript`.
    public var items: [(name: String, value: String)]

    /// Splits and decodes `target`. A malformed escape (`%zz`) or bytes that
    /// are not UTF-8 make it nil (the request gets 400).
    public init?(_ target: String) {
        let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        var rawPath = Substring(parts[0])
        if let hash = rawPath.firstIndex(of: "#") { rawPath = rawPath[..<hash] }
        guard let p = Self.decode(rawPath, plusIsSpace: false) else { return nil }
        path = p.isEmpty ? "/" : p
        items = []
        if parts.count == 2 {
            var query = parts[1]
            if let hash = query.firstIndex(of: "#") { query = query[..<hash] }
            for pair in query.split(separator: "&") {
                let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                guard let k = Self.decode(kv[0], plusIsSpace: true),
                      let v = Self.decode(kv.count == 2 ? kv[1] : "", plusIsSpace: true) else { return nil }
                items.append((k, v))
            }
        }
    }

    /// The first value of parameter `name`, or nil.
    public subscript(_ name: String) -> String? { items.first { $0.name == name }?.value }

    /// Parameter `name` as a count: `fallback` when absent, at most `max`;
    /// anything but a whole number from 0 is a 400.
    func count(_ name: String, fallback: Int, max: Int) throws(SiteFailure) -> Int {
        guard let s = self[name] else { return fallback }
        guard !s.isEmpty, s.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { throw SiteFailure(400, "\(name) must be a whole number from 0, not '\(s)'") }
        return Int(s).map { Swift.min($0, max) } ?? max
    }

    /// Percent-decodes `s` (and `+` as a space in a query).
    static func decode(_ s: Substring, plusIsSpace: Bool) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(s.utf8.count)
        var it = s.utf8.makeIterator()
        while let b = it.next() {
            if b == UInt8(ascii: "%") {
                guard let h = it.next().flatMap(hexValue), let l = it.next().flatMap(hexValue) else { return nil }
                bytes.append(h << 4 | l)
            } else if b == UInt8(ascii: "+") && plusIsSpace {
                bytes.append(32)
            } else {
                bytes.append(b)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case 48...57: return b - 48
        case 65...70: return b - 55
        case 97...102: return b - 87
        default: return nil
        }
    }

    /// `s` percent-encoded for a query value (unreserved characters kept).
    public static func encode(_ s: String) -> String {
        var out = ""
        for b in s.utf8 {
            switch b {
            case 48...57, 65...90, 97...122, UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(b))
            default:
                let hex = Array("0123456789ABCDEF".utf8)
                out += "%" + String(decoding: [hex[Int(b >> 4)], hex[Int(b & 15)]], as: UTF8.self)
            }
        }
        return out
    }
}
