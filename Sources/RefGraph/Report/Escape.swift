/// Escaping of untrusted text (object names and values come from the dumped
/// process) for each place it is shown.
public enum Escape {
    /// Safe for a terminal: control characters, escape sequences and
    /// bidirectional overrides become visible `\x..`/`\u{..}` escapes, so a
    /// dumped string cannot recolour, move or clear the user's terminal.
    public static func terminal(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for u in s.unicodeScalars {
            let v = u.value
            if v < 0x20 || v == 0x7f || (v >= 0x80 && v < 0xa0) {
                switch u {
                case "\n": out += "\\n"
                case "\t": out += "\\t"
                case "\r": out += "\\r"
                default: out += "\\x" + hex2(v)
                }
            } else if (0x202a...0x202e).contains(v) || (0x2066...0x2069).contains(v) || v == 0x200e || v == 0x200f || v == 0x061c {
                out += "\\u{" + String(v, radix: 16) + "}"
            } else {
                out.unicodeScalars.append(u)
            }
        }
        return out
    }

    /// Text cut to `limit` characters with an ellipsis.
    public static func cut(_ s: String, _ limit: Int) -> String {
        guard s.count > limit else { return s }
        return String(s.prefix(max(limit - 1, 1))) + "…"
    }

    /// A string literal for JSON output.
    public static func json(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 || u.value == 0x7f || (0x2028...0x2029).contains(u.value) {
                    out += "\\u" + String(repeating: "0", count: 4 - String(u.value, radix: 16).count) + String(u.value, radix: 16)
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }

    /// Text for XML and HTML-like labels: markup characters become entities,
    /// control characters are dropped.
    public static func xml(_ s: String) -> String {
        var out = ""
        for u in s.unicodeScalars {
            switch u {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default:
                if u.value < 0x20 || u.value == 0x7f { out += "\\x" + hex2(u.value) } else { out.unicodeScalars.append(u) }
            }
        }
        return out
    }

    private static func hex2(_ v: UInt32) -> String {
        let h = String(v, radix: 16)
        return h.count < 2 ? "0" + h : h
    }
}
