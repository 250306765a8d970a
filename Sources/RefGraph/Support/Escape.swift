/// Escaping of untrusted text (object names and values come from the dumped
/// process) for each place it is shown. Every escaper is one walk over the
/// Unicode scalars with its own rule (`map`), so they cannot drift apart in
/// how they treat control characters.
public enum Escape {
    /// Safe for a terminal: control characters, escape sequences and
    /// bidirectional overrides become visible `\x..`/`\u{..}` escapes, so a
    /// dumped string cannot recolour, move or clear the user's terminal.
    public static func terminal(_ s: String) -> String {
        map(s) { u in
            let v = u.value
            if isControl(v) || (v >= 0x80 && v < 0xa0) { return cEscape(u) ?? "\\x" + hex(v, 2) }
            if (0x202a...0x202e).contains(v) || (0x2066...0x2069).contains(v) || v == 0x200e || v == 0x200f || v == 0x061c {
                return "\\u{" + String(v, radix: 16) + "}"
            }
            return nil
        }
    }

    /// Text cut to `limit` characters with an ellipsis.
    public static func cut(_ s: String, _ limit: Int) -> String {
        guard s.count > limit else { return s }
        return String(s.prefix(max(limit - 1, 1))) + "…"
    }

    /// A string literal for JSON output.
    public static func json(_ s: String) -> String {
        "\"" + map(s) { u in
            switch u {
            case "\"": return "\\\""
            case "\\": return "\\\\"
            default:
                if let c = cEscape(u) { return c }
                return isControl(u.value) || (0x2028...0x2029).contains(u.value) ? "\\u" + hex(u.value, 4) : nil
            }
        } + "\""
    }

    /// Text for XML (SVG, JUnit): markup characters become entities, control
    /// characters and the characters XML 1.0 forbids (U+FFFE, U+FFFF) visible
    /// `\x..`/`\u{..}` escapes, so the document stays well-formed.
    public static func xml(_ s: String) -> String {
        map(s, xmlScalar)
    }

    /// One scalar of `xml`: markup characters as references, forbidden ones escaped.
    private static func xmlScalar(_ u: Unicode.Scalar) -> String? {
        switch u {
        case "&": return "&amp;"
        case "<": return "&lt;"
        case ">": return "&gt;"
        case "\"": return "&quot;"
        case "'": return "&#39;"
        default: return xmlForbidden(u.value)
        }
    }

    /// Text for Graphviz's HTML-like labels: `xml`, and what Graphviz itself
    /// misreads: it expands backslash sequences (`\N` is the node's name)
    /// even there, so a backslash is shown as U+2216 (∖) as in tooltips; and a
    /// text that is only `]` is a syntax error to its label parser, so `]` is
    /// written as a character reference.
    public static func graphvizHTML(_ s: String) -> String {
        map(s) { u in
            switch u {
            case "\\": return "\u{2216}"
            case "]": return "&#93;"
            default: return xmlScalar(u)
            }
        }
    }

    /// The escape for a scalar XML 1.0 does not allow, or nil.
    private static func xmlForbidden(_ v: UInt32) -> String? {
        if isControl(v) { return "\\x" + hex(v, 2) }
        if v == 0xFFFE || v == 0xFFFF { return "\\u{" + String(v, radix: 16) + "}" }
        return nil
    }

    /// Python's repr of a str, as meliae's dict keys are shown (`'key'`).
    public static func pythonRepr(_ s: String) -> String {
        "'" + map(s) { u in
            switch u {
            case "'": return "\\'"
            case "\\": return "\\\\"
            default: return cEscape(u) ?? (isControl(u.value) ? "\\x" + hex(u.value, 2) : nil)
            }
        } + "'"
    }

    /// Makes untrusted text safe for a plain Graphviz string attribute
    /// (tooltips). Graphviz expands backslash sequences such as `\N`, `\G` and
    /// `\l` in those, through more than one pass, so no escaping of the
    /// backslash survives every version: it is shown as U+2216 (∖) instead.
    /// Control characters are dropped; newlines become Graphviz's `\n`.
    public static func graphvizString(_ s: String) -> String {
        map(s) { u in
            switch u {
            case "\\": return "\u{2216}"
            case "\n": return "\\n"
            default: return isControl(u.value) || u.value == 0xFFFE || u.value == 0xFFFF ? "" : nil
            }
        }
    }

    /// One walk over `s`: a scalar `rule` maps to text is replaced by it; nil keeps it.
    static func map(_ s: String, _ rule: (Unicode.Scalar) -> String?) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for u in s.unicodeScalars {
            if let r = rule(u) { out += r } else { out.unicodeScalars.append(u) }
        }
        return out
    }

    private static func isControl(_ v: UInt32) -> Bool { v < 0x20 || v == 0x7f }

    /// The C-style escapes every format here shares.
    private static func cEscape(_ u: Unicode.Scalar) -> String? {
        switch u {
        case "\n": return "\\n"
        case "\r": return "\\r"
        case "\t": return "\\t"
        default: return nil
        }
    }

    private static func hex(_ v: UInt32, _ width: Int) -> String {
        let h = String(v, radix: 16)
        return String(repeating: "0", count: max(0, width - h.count)) + h
    }
}
