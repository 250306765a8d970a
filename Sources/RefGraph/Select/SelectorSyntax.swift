/// The selector language's syntax tree. See docs/SELECTORS.md.
public indirect enum SelectorExpr: Sendable, Equatable {
    /// Both sides match.
    case and(SelectorExpr, SelectorExpr)
    /// Either side matches.
    case or(SelectorExpr, SelectorExpr)
    /// The operand does not match.
    case not(SelectorExpr)
    /// `FIELD OP value`.
    case compare(SelectorField, SelectorOp, SelectorValue)
    /// `FIELD in [value, ...]`: the field equals one of the values.
    case member(SelectorField, [SelectorValue])
    /// A bare flag field: `garbage`, `root`, `finalizer`.
    case isSet(SelectorField)
    /// A bare word: the instances of the types it names (by short or
    /// qualified name); only when there are none, the objects it names.
    case word(String)
    /// Matches every object (the empty selector, or `*`).
    case all
}

/// A comparison operator, as written; `~` is a regular expression search.
public enum SelectorOp: String, Sendable, CaseIterable {
    case eq = "==", ne = "!=", lt = "<", le = "<=", gt = ">", ge = ">=", match = "~"
}

/// A value in a test: text (quoted or bare) or an unsigned integer.
public enum SelectorValue: Sendable, Equatable {
    case text(String)
    case number(UInt64)

    var text: String {
        switch self {
        case .text(let s): return s
        case .number(let n): return String(n)
        }
    }
}

/// The fields an object can be selected by.
public enum SelectorField: String, Sendable, CaseIterable {
    case type, name, module, owner, id, size, len, refcount, root, finalizer, garbage, value, referrers, referents

    /// Numeric fields compare as numbers; the others as text.
    var isNumeric: Bool {
        switch self {
        case .id, .size, .len, .refcount, .referrers, .referents: return true
        default: return false
        }
    }

    /// Fields that a bare word tests for being set.
    var isFlag: Bool { self == .garbage || self == .root || self == .finalizer }
}

/// A selector that does not parse: the message and where it went wrong.
public struct SelectorError: Error, CustomStringConvertible, Sendable {
    /// What is wrong, without the selector.
    public var message: String
    /// The whole selector text.
    public var source: String
    /// Character offset and length of the fault in `source`.
    public var offset: Int
    /// Length of the fault, in characters.
    public var length: Int

    /// The message with the selector and a caret under the fault. Both are
    /// escaped for the terminal (a field name may hold ESC), and a long
    /// selector is shown as a window of 60 characters either side of the fault.
    public var description: String {
        let chars = Array(source)
        let start = min(max(0, offset - 60), chars.count), end = min(chars.count, offset + max(length, 1) + 60)
        let before = Escape.terminal(String(chars[start..<min(offset, chars.count)]))
        let fault = Escape.terminal(String(chars[min(offset, chars.count)..<min(chars.count, offset + length)]))
        let after = Escape.terminal(String(chars[min(chars.count, offset + length)..<end]))
        let lead = start > 0 ? "…" : "", tail = end < chars.count ? "…" : ""
        let caret = String(repeating: " ", count: lead.count + before.count) + String(repeating: "^", count: max(fault.count, 1))
        return "bad selector: \(Escape.terminal(message))\n  \(lead)\(before)\(fault)\(after)\(tail)\n  \(caret)"
    }
}
