/// The head of one HTTP/1.x request, as `refgraph serve` reads it: method,
/// target and headers. Only what the explorer needs is kept; a body is never
/// read (every route is a GET).
public struct HTTPRequestHead: Sendable, Equatable {
    /// `GET`, `HEAD`, ... as sent.
    public var method: String
    /// The request target as sent: `/api/object?id=0x10`.
    public var target: String
    /// Header fields in order, names lower-cased.
    public var headers: [(name: String, value: String)]

    /// The most bytes a head may take; a longer one gets 431.
    public static let maxBytes = 16 * 1024

    public init(method: String, target: String, headers: [(name: String, value: String)] = []) {
        self.method = method
        self.target = target
        self.headers = headers
    }

    /// The first value of header `name` (lower-case), or nil.
    public func header(_ name: String) -> String? { headers.first { $0.name == name }?.value }

    /// Where the head ends (just past the blank line: CRLF CRLF, or LF LF
    /// from a client that ends lines with LF alone) in `bytes`, or nil when
    /// it has not all arrived. Cost: one scan of the bytes.
    public static func end(in bytes: [UInt8]) -> Int? {
        var i = 0
        while i + 1 < bytes.count {
            if bytes[i] == 10 {
                if bytes[i + 1] == 10 { return i + 2 }
                if bytes[i + 1] == 13 && i + 2 < bytes.count && bytes[i + 2] == 10 { return i + 3 }
            }
            i += 1
        }
        return nil
    }

    /// Parses a complete head (request line, header lines, blank line).
    /// Returns nil for anything malformed: no request line, a control byte or
    /// a lone CR, a header line without a colon, or a version other than
    /// HTTP/1.0 and HTTP/1.1.
    public static func parse(_ bytes: ArraySlice<UInt8>) -> HTTPRequestHead? {
        var lines: [String] = []
        var start = bytes.startIndex
        var i = bytes.startIndex
        while i < bytes.endIndex {
            let b = bytes[i]
            if b == 10 {
                var end = i
                if end > start && bytes[end - 1] == 13 { end -= 1 }
                guard let line = String(validating: bytes[start..<end], as: UTF8.self) else { return nil }
                if line.isEmpty { break }
                lines.append(line)
                start = i + 1
            } else if (b < 32 && b != 9 && !(b == 13 && i + 1 < bytes.endIndex && bytes[i + 1] == 10)) || b == 127 {
                return nil  // a control byte, or a CR that does not end a line
            }
            i += 1
        }
        guard let first = lines.first else { return nil }
        let parts = first.split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, parts[2] == "HTTP/1.1" || parts[2] == "HTTP/1.0", parts[1].hasPrefix("/") else { return nil }
        var head = HTTPRequestHead(method: String(parts[0]), target: String(parts[1]))
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { return nil }
            let name = line[..<colon].lowercased()
            guard !name.isEmpty, !name.contains(" ") else { return nil }
            head.headers.append((name, trimmingSpaces(line[line.index(after: colon)...])))
        }
        return head
    }

    public static func == (a: HTTPRequestHead, b: HTTPRequestHead) -> Bool {
        a.method == b.method && a.target == b.target && a.headers.map { $0.name + ":" + $0.value } == b.headers.map { $0.name + ":" + $0.value }
    }
}
