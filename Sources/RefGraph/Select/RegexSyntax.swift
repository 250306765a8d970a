/// The pattern language of the selector's `~` test, read into postfix form
/// for `LinearRegex`. It is the part of Python's `re` (and RE2's) syntax that
/// a linear-time matcher can run: literals and escapes, `.`, classes,
/// `\d \w \s \b` and their negations, `^ $ \A \z \Z`, groups (capturing,
/// `(?:`, `(?P<name>`, `(?<name>`), `|`, `* + ? {n} {n,} {,m} {n,m}` (lazy
/// and possessive forms match the same strings), and the flags `(?i)`,
/// `(?s)`, `(?m)`, `(?x)` at the start. Backreferences and lookaround are
/// refused: no linear-time matcher can run them.
///
/// The reader is a loop with an explicit stack of open groups (no
/// recursion); counted repetition is expanded here, into copies of its
/// operand's postfix span, and bounded.
struct RegexSyntax {
    /// One postfix token.
    enum Token: Equatable {
        /// One scalar (case folding is the matcher's).
        case scalar(Unicode.Scalar)
        /// A class: ranges, named classes, negated or not.
        case set(ScalarSet)
        /// `.`
        case any
        /// `^`, `$`, `\A`, `\z`, `\Z`, `\b`, `\B`.
        case assert(Assertion)
        /// Matches the empty string (`()`, `(a|)`).
        case empty
        /// Binary: the two operands before it, in order.
        case concat, alternate
        /// Unary on the operand before it.
        case star, plus, quest
    }

    enum Assertion: Equatable { case lineStart, lineEnd, textStart, textEnd, textEndOrFinalNewline, wordBoundary, notWordBoundary }

    struct Flags: Equatable {
        var ignoreCase = false, dotAll = false, multiline = false, verbose = false
    }

    /// Why a pattern is refused, with the character offset of the fault.
    struct Failure: Error, Equatable {
        var message: String
        var offset: Int
    }

    /// The most postfix tokens a pattern may expand to (counted repetition
    /// multiplies): keeps the program, and so the match, small.
    static let maxTokens = 4_000

    let tokens: [Token]
    let flags: Flags

    init(_ pattern: String) throws(Failure) {
        let p = Array(pattern.unicodeScalars)
        var flags = Flags()
        var i = 0
        // Global flags at the start: (?imsx)
        while i + 2 < p.count, p[i] == "(", p[i + 1] == "?", "imsxu".unicodeScalars.contains(p[i + 2]) {
            var j = i + 2
            while j < p.count, "imsxu".unicodeScalars.contains(p[j]) {
                switch p[j] {
                case "i": flags.ignoreCase = true
                case "s": flags.dotAll = true
                case "m": flags.multiline = true
                case "x": flags.verbose = true
                default: break
                }
                j += 1
            }
            guard j < p.count, p[j] == ")" else { throw Failure(message: "flags must stand alone at the start, as (?i)", offset: i) }
            i = j + 1
        }
        self.flags = flags
        var out: [Token] = []

        // Per open group: operands waiting to be concatenated, alternatives
        // so far, where the group's tokens start, and where its last operand starts.
        struct Level { var atoms = 0, alternatives = 0, start = 0, lastStart = -1, quantified = false, lastIsGroup = false }
        var levels: [Level] = []
        var level = Level()

        func flushConcat(_ l: inout Level) {
            while l.atoms > 1 { out.append(.concat); l.atoms -= 1 }
        }
        func beginOperand(_ l: inout Level) {
            if l.atoms > 1 { out.append(.concat); l.atoms -= 1 }
            l.lastStart = out.count
            l.quantified = false
            l.lastIsGroup = false
        }
        func atom(_ t: Token, _ l: inout Level) {
            beginOperand(&l)
            out.append(t)
            l.atoms += 1
        }

        while i < p.count {
            let c = p[i]
            let at = i
            i += 1
            if flags.verbose {
                if c == " " || c == "\t" || c == "\n" || c == "\r" || c == "\u{0B}" || c == "\u{0C}" { continue }
                if c == "#" { while i < p.count && p[i] != "\n" { i += 1 }; continue }
            }
            switch c {
            case "(":
                if i + 1 < p.count && p[i] == "?" && p[i + 1] == "#" {
                    while i < p.count && p[i] != ")" { i += 1 }
                    guard i < p.count else { throw Failure(message: "unterminated comment (?#", offset: at) }
                    i += 1
                    continue
                }
                if i < p.count && p[i] == "?" {
                    if i + 1 < p.count && p[i + 1] == ":" {
                        i += 2
                    } else if i + 2 < p.count && p[i + 1] == "P" && p[i + 2] == "<" || i + 1 < p.count && p[i + 1] == "<" && i + 2 < p.count && p[i + 2] != "=" && p[i + 2] != "!" {
                        while i < p.count && p[i] != ">" { i += 1 }
                        guard i < p.count else { throw Failure(message: "unterminated group name", offset: at) }
                        i += 1
                    } else {
                        throw Failure(message: "unsupported group '(?\(i + 1 < p.count ? String(p[i + 1]) : "")': lookaround, atomic groups and inline flags cannot be matched in linear time (flags go at the start: (?i))", offset: at)
                    }
                }
                beginOperand(&level)
                levels.append(level)
                level = Level(start: out.count)
            case ")":
                guard let parent = levels.popLast() else { throw Failure(message: "unbalanced ')'", offset: at) }
                if level.atoms == 0 { out.append(.empty); level.atoms = 1 }
                flushConcat(&level)
                for _ in 0..<level.alternatives { out.append(.alternate) }
                let start = level.start
                level = parent
                level.lastStart = start
                level.quantified = false
                level.lastIsGroup = true
                level.atoms += 1
            case "|":
                if level.atoms == 0 { out.append(.empty); level.atoms = 1 }
                flushConcat(&level)
                level.atoms = 0
                level.alternatives += 1
                level.lastStart = -1
            case "*", "+", "?":
                guard level.lastStart >= 0, level.atoms > 0 else { throw Failure(message: "'\(c)' repeats nothing", offset: at) }
                guard !level.quantified else { throw Failure(message: "multiple repeat", offset: at) }
                if !level.lastIsGroup { try Self.checkRepeatable(out, from: level.lastStart, at: at) }
                level.quantified = true
                out.append(c == "*" ? .star : c == "+" ? .plus : .quest)
                if i < p.count && p[i] == "?" { i += 1 }  // lazy: matches the same strings
                if i < p.count && p[i] == "+" { throw Failure(message: "possessive quantifiers are not supported (they change which strings match)", offset: i) }
            case "{":
                guard let (lo, hi, end) = Self.counts(p, from: i) else {
                    atom(.scalar(c), &level)  // a literal brace, as Python reads `{` not followed by a count
                    continue
                }
                guard level.lastStart >= 0, level.atoms > 0 else { throw Failure(message: "'{' repeats nothing", offset: at) }
                guard !level.quantified else { throw Failure(message: "multiple repeat", offset: at) }
                if !level.lastIsGroup { try Self.checkRepeatable(out, from: level.lastStart, at: at) }
                level.quantified = true
                guard hi.map({ $0 >= lo }) ?? true, lo <= 1000, (hi ?? 0) <= 1000 else {
                    throw Failure(message: "bad repetition count (at most 1000, and min <= max)", offset: at)
                }
                i = end
                if i < p.count && p[i] == "?" { i += 1 }
                if i < p.count && p[i] == "+" { throw Failure(message: "possessive quantifiers are not supported (they change which strings match)", offset: i) }
                let operand = Array(out[level.lastStart...])
                out.removeSubrange(level.lastStart...)
                guard operand.count * max(lo, hi ?? lo + 1, 1) + out.count <= Self.maxTokens else {
                    throw Failure(message: "repetition makes the pattern too large (over \(Self.maxTokens) steps)", offset: at)
                }
                out += Self.expand(operand, lo, hi)
            case "^":
                atom(.assert(flags.multiline ? .lineStart : .textStart), &level)
            case "$":
                atom(.assert(flags.multiline ? .lineEnd : .textEndOrFinalNewline), &level)
            case ".":
                atom(.any, &level)
            case "[":
                let (set, end) = try Self.readClass(p, from: i, openedAt: at)
                i = end
                atom(.set(set), &level)
            case "\\":
                guard i < p.count else { throw Failure(message: "a pattern cannot end with '\\'", offset: at) }
                let (t, end) = try Self.readEscape(p, from: i, escapeAt: at)
                i = end
                atom(t, &level)
            default:
                atom(.scalar(c), &level)
            }
            if out.count > Self.maxTokens { throw Failure(message: "pattern too large (over \(Self.maxTokens) steps)", offset: at) }
        }
        guard levels.isEmpty else { throw Failure(message: "'(' is never closed", offset: level.start) }
        if level.atoms == 0 { out.append(.empty); level.atoms = 1 }
        flushConcat(&level)
        for _ in 0..<level.alternatives { out.append(.alternate) }
        tokens = out
    }

    /// Python's "nothing to repeat": an assertion (`^`, `\\b`) alone cannot be repeated.
    static func checkRepeatable(_ out: [Token], from start: Int, at: Int) throws(Failure) {
        if out.count - start == 1, case .assert = out[start] { throw Failure(message: "nothing to repeat (an anchor or \\b)", offset: at) }
    }

    /// `{n}`, `{n,}`, `{,m}`, `{n,m}` at `i` (just past the brace): the
    /// counts and the index past `}`; nil when it is no count (a literal `{`).
    static func counts(_ p: [Unicode.Scalar], from i: Int) -> (Int, Int?, Int)? {
        var j = i, first = "", second = "", comma = false
        while j < p.count && p[j] != "}" {
            let c = p[j]
            if c == "," { if comma { return nil }; comma = true }
            else if c.properties.numericType == .decimal && c.isASCII { if comma { second.unicodeScalars.append(c) } else { first.unicodeScalars.append(c) } }
            else { return nil }
            j += 1
        }
        guard j < p.count, first.count <= 6, second.count <= 6, !(first.isEmpty && second.isEmpty) else { return nil }
        let lo = Int(first) ?? 0
        let hi: Int? = comma ? (second.isEmpty ? nil : Int(second)) : lo
        return (lo, hi, j + 1)
    }

    /// Postfix for `operand{lo,hi}` (hi nil: unbounded): lo copies, then
    /// either `operand*` or nested optional copies.
    static func expand(_ x: [Token], _ lo: Int, _ hi: Int?) -> [Token] {
        var out: [Token] = []
        var parts = 0
        func push(_ t: [Token]) {
            out += t
            parts += 1
            if parts > 1 { out.append(.concat) }
        }
        for _ in 0..<lo { push(x) }
        if let hi {
            if hi > lo {
                // x(x(x)?)? for hi - lo optional copies, built from the inside out.
                var tail = x + [.quest]
                for _ in 0..<(hi - lo - 1) { tail = x + tail + [.concat, .quest] }
                push(tail)
            }
        } else {
            push(x + [.star])
        }
        if parts == 0 { out.append(.empty) }
        return out
    }

    /// A class from just past `[` to just past its `]`.
    static func readClass(_ p: [Unicode.Scalar], from start: Int, openedAt: Int) throws(Failure) -> (ScalarSet, Int) {
        var set = ScalarSet()
        var i = start
        if i < p.count && p[i] == "^" { set.negated = true; i += 1 }
        var first = true
        while true {
            guard i < p.count else { throw Failure(message: "'[' is never closed", offset: openedAt) }
            var c = p[i]
            if c == "]" && !first { return (set, i + 1) }
            first = false
            i += 1
            if c == "\\" && i < p.count && p[i] == "b" {
                c = "\u{08}"  // [\b] is a backspace, as Python
                i += 1
            } else if c == "\\" {
                guard i < p.count else { throw Failure(message: "'[' is never closed", offset: openedAt) }
                let (t, end) = try readEscape(p, from: i, escapeAt: i - 1)
                i = end
                switch t {
                case .scalar(let s): c = s
                case .set(let named): set.named += named.named; set.ranges += named.ranges; continue
                default: throw Failure(message: "'\\\(p[i - 1])' cannot stand in a class", offset: i - 2)
                }
            }
            if i + 1 < p.count && p[i] == "-" && p[i + 1] != "]" {
                var hi = p[i + 1]
                i += 2
                if hi == "\\" {
                    guard i < p.count else { throw Failure(message: "'[' is never closed", offset: openedAt) }
                    let (t, end) = try readEscape(p, from: i, escapeAt: i - 1)
                    guard case .scalar(let s) = t else { throw Failure(message: "a range must end with a character", offset: i - 1) }
                    hi = s
                    i = end
                }
                guard hi.value >= c.value else { throw Failure(message: "bad range \(c)-\(hi)", offset: i - 3) }
                set.ranges.append((c.value, hi.value))
            } else {
                set.ranges.append((c.value, c.value))
            }
        }
    }

    /// The escape whose letter is at `i` (just past the backslash), and the index past it.
    static func readEscape(_ p: [Unicode.Scalar], from i: Int, escapeAt: Int) throws(Failure) -> (Token, Int) {
        let c = p[i]
        func named(_ n: ScalarSet.Named, _ negated: Bool) -> Token {
            var s = ScalarSet()
            s.named = [(n, negated)]
            return .set(s)
        }
        switch c {
        case "d": return (named(.digit, false), i + 1)
        case "D": return (named(.digit, true), i + 1)
        case "w": return (named(.word, false), i + 1)
        case "W": return (named(.word, true), i + 1)
        case "s": return (named(.space, false), i + 1)
        case "S": return (named(.space, true), i + 1)
        case "b": return (.assert(.wordBoundary), i + 1)
        case "B": return (.assert(.notWordBoundary), i + 1)
        case "A": return (.assert(.textStart), i + 1)
        case "z", "Z": return (.assert(.textEnd), i + 1)  // Python's \Z: the very end
        case "n": return (.scalar("\n"), i + 1)
        case "t": return (.scalar("\t"), i + 1)
        case "r": return (.scalar("\r"), i + 1)
        case "f": return (.scalar("\u{0C}"), i + 1)
        case "v": return (.scalar("\u{0B}"), i + 1)
        case "a": return (.scalar("\u{07}"), i + 1)
        case "0":
            // \0, \0o, \0oo: octal, as Python
            var j = i + 1, v: UInt32 = 0
            while j < p.count && j < i + 3, let d = octal(p[j]) { v = v * 8 + d; j += 1 }
            return (.scalar(Unicode.Scalar(v)!), j)
        case "x", "u", "U":
            var j = i + 1
            var digits = ""
            do {
                let width = c == "x" ? 2 : c == "u" ? 4 : 8
                while j < p.count && digits.count < width { digits.unicodeScalars.append(p[j]); j += 1 }
                guard digits.count == width else { throw Failure(message: "bad \\\(c) escape: \(width) hex digits expected", offset: escapeAt) }
            }
            guard let v = UInt32(digits, radix: 16), let s = Unicode.Scalar(v) else { throw Failure(message: "bad \\\(c) escape", offset: escapeAt) }
            return (.scalar(s), j)
        case "1"..."7" where i + 2 < p.count && octal(p[i + 1]) != nil && octal(p[i + 2]) != nil:
            // three octal digits: a character, as Python (\101 is A)
            let v = octal(p[i])! * 64 + octal(p[i + 1])! * 8 + octal(p[i + 2])!
            guard v <= 0o377, let sc = Unicode.Scalar(v) else { throw Failure(message: "octal escape above \\377", offset: escapeAt) }
            return (.scalar(sc), i + 3)
        case "1"..."9":
            throw Failure(message: "backreferences (\\\(c)) are not supported: no linear-time matcher can run them", offset: escapeAt)
        case "p", "P", "N", "k", "g", "G", "K", "R", "X", "Q", "E", "h", "H", "c", "e", "o":
            throw Failure(message: "unsupported escape '\\\(c)'", offset: escapeAt)
        default:
            guard !(c.isASCII && c.properties.isAlphabetic) else { throw Failure(message: "unknown escape '\\\(c)'", offset: escapeAt) }
            return (.scalar(c), i + 1)  // \. \* \\ \( \é ...: the character itself
        }
    }
}

/// The value of an octal digit, or nil.
func octal(_ c: Unicode.Scalar) -> UInt32? { c.value >= 48 && c.value <= 55 ? c.value - 48 : nil }

/// A set of scalars: ranges and named classes, maybe negated.
struct ScalarSet: Equatable {
    enum Named: Equatable { case digit, word, space }
    var ranges: [(UInt32, UInt32)] = []
    var named: [(Named, Bool)] = []
    var negated = false

    /// Whether `s` is in the set, the negation applied last.
    func contains(_ s: Unicode.Scalar) -> Bool { rawContains(s) != negated }

    /// Membership before negation.
    func rawContains(_ s: Unicode.Scalar) -> Bool {
        for (lo, hi) in ranges where s.value >= lo && s.value <= hi { return true }
        for (n, neg) in named where Self.isIn(n, s) != neg { return true }
        return false
    }

    static func isIn(_ n: Named, _ s: Unicode.Scalar) -> Bool {
        switch n {
        case .digit: return s.properties.numericType == .decimal
        case .word: return isWord(s)
        case .space: return s.properties.isWhitespace || (s.value >= 0x1C && s.value <= 0x1F)
        }
    }

    /// `\w`: what Python 3's `str.isalnum()` takes (letters and every
    /// numeric character), and `_`.
    static func isWord(_ s: Unicode.Scalar) -> Bool {
        if s.isASCII {
            let v = s.value
            return (v >= 48 && v <= 57) || (v >= 65 && v <= 90) || (v >= 97 && v <= 122) || v == 95
        }
        let p = s.properties
        switch p.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return true
        default: return p.numericType != nil
        }
    }

    static func == (a: ScalarSet, b: ScalarSet) -> Bool {
        a.negated == b.negated && a.ranges.map { [$0.0, $0.1] } == b.ranges.map { [$0.0, $0.1] } && a.named.map { "\($0.0)\($0.1)" } == b.named.map { "\($0.0)\($0.1)" }
    }
}
