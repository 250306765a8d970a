/// Parses selector text into a `SelectorExpr`.
///
///     expr    := and ("or" and)*
///     and     := unary ("and" unary)*
///     unary   := "not" unary | "(" expr ")" | test
///     test    := FIELD OP value | FIELD "in" "[" value ("," value)* "]" | WORD
///
/// A bare WORD selects the instances of the types whose short name (the last
/// dotted part) or qualified name is WORD; when no object is such an
/// instance, the objects named WORD (classes, functions, code objects,
/// modules: name or its last dotted part). The flag fields `garbage`, `root`
/// and `finalizer` as bare words test that the field is set.
public struct SelectorParser {
    enum Token: Equatable {
        case word(String), string(String), number(UInt64), op(SelectorOp)
        case lparen, rparen, lbracket, rbracket, comma, end
    }

    private var tokens: [(Token, Int, Int)] = []
    private var index = 0
    private let source: String
    private var depth = 0
    private static let maxDepth = 64
    private var tests = 0
    /// Bounds the work of one selector (it is evaluated per object).
    static let maxTests = 10_000

    /// Parses `text`; an empty text or `*` is `.all`. A `SelectorError` points
    /// at the fault.
    public static func parse(_ text: String) throws(SelectorError) -> SelectorExpr {
        var p = SelectorParser(source: text)
        try p.tokenize()
        if p.tokens.first?.0 == .end { return .all }
        if p.tokens.count == 2, case .word("*") = p.tokens[0].0 { return .all }
        let e = try p.expression()
        guard p.peek == .end else { throw p.error("unexpected \(p.describe(p.peek)) after a complete selector", at: p.index) }
        return e
    }

    private init(source: String) { self.source = source }

    private var peek: Token { tokens[index].0 }

    private func error(_ message: String, at i: Int) -> SelectorError {
        let t = tokens[min(i, tokens.count - 1)]
        return SelectorError(message: message, source: source, offset: t.1, length: t.2)
    }

    private func describe(_ t: Token) -> String {
        switch t {
        case .word(let w): return "'\(w)'"
        case .string(let s): return "\"\(s)\""
        case .number(let n): return String(n)
        case .op(let o): return "'\(o.rawValue)'"
        case .lparen: return "'('"
        case .rparen: return "')'"
        case .lbracket: return "'['"
        case .rbracket: return "']'"
        case .comma: return "','"
        case .end: return "the end"
        }
    }

    // MARK: Tokens

    private mutating func tokenize() throws(SelectorError) {
        let chars = Array(source)
        var i = 0
        func fail(_ m: String, _ at: Int, _ len: Int = 1) -> SelectorError {
            SelectorError(message: m, source: source, offset: at, length: len)
        }
        while i < chars.count {
            let c = chars[i]
            if c == " " || c == "\t" || c == "\n" { i += 1; continue }
            let start = i
            switch c {
            case "(": tokens.append((.lparen, i, 1)); i += 1
            case ")": tokens.append((.rparen, i, 1)); i += 1
            case "[": tokens.append((.lbracket, i, 1)); i += 1
            case "]": tokens.append((.rbracket, i, 1)); i += 1
            case ",": tokens.append((.comma, i, 1)); i += 1
            case "~": tokens.append((.op(.match), i, 1)); i += 1
            case "=", "!", "<", ">":
                let two = i + 1 < chars.count ? String([c, chars[i + 1]]) : String(c)
                if let op = SelectorOp(rawValue: two), two.count == 2 {
                    tokens.append((.op(op), i, 2)); i += 2
                } else if let op = SelectorOp(rawValue: String(c)) {
                    tokens.append((.op(op), i, 1)); i += 1
                } else {
                    throw fail(c == "=" ? "'=' is not an operator: use '=='" : "'!' must be followed by '=': use 'not' to negate", i)
                }
            case "\"", "'":
                var s = ""
                i += 1
                var closed = false
                while i < chars.count {
                    if chars[i] == "\\" && i + 1 < chars.count { s.append(chars[i + 1]); i += 2; continue }
                    if chars[i] == c { closed = true; i += 1; break }
                    s.append(chars[i]); i += 1
                }
                guard closed else { throw fail("unterminated string", start, chars.count - start) }
                tokens.append((.string(s), start, i - start))
            default:
                var w = ""
                while i < chars.count, !" \t\n()[],~=!<>\"'".contains(chars[i]) { w.append(chars[i]); i += 1 }
                if w.isEmpty { throw fail("unexpected character '\(c)'", i) }
                if let n = Self.number(w) { tokens.append((.number(n), start, i - start)) } else { tokens.append((.word(w), start, i - start)) }
            }
        }
        tokens.append((.end, chars.count, 1))
    }

    /// Longest regular expression a `~` test takes.
    static let maxRegexLength = 1_000

    /// Why a `~` pattern is refused, or nil: too long, or not in the
    /// language `LinearRegex` matches in linear time (RegexSyntax).
    static func regexProblem(_ pattern: String) -> String? {
        if pattern.count > maxRegexLength { return "regular expression longer than \(maxRegexLength) characters" }
        do { _ = try LinearRegex(pattern) } catch { return "invalid regular expression: \(error.message) (at character \(error.offset + 1) of the pattern)" }
        return nil
    }

    /// Decimal, 0x-hex, or a size with a unit: 10kB, 1.5MB, 2GiB.
    static func number(_ w: String) -> UInt64? {
        let lower = w.lowercased()
        if lower.hasPrefix("0x") { return UInt64(lower.dropFirst(2), radix: 16) }
        if let v = UInt64(w) { return v }
        let units: [(String, Double)] = [("kib", 1024), ("mib", 1_048_576), ("gib", 1_073_741_824), ("kb", 1e3), ("mb", 1e6), ("gb", 1e9), ("k", 1e3), ("m", 1e6), ("g", 1e9), ("b", 1)]
        for (u, scale) in units where lower.hasSuffix(u) {
            let digits = lower.dropLast(u.count)
            guard let d = Double(digits), d >= 0, d.isFinite, d * scale < 1.8e19, digits.first?.isNumber == true else { return nil }
            return UInt64(d * scale)
        }
        return nil
    }

    // MARK: Grammar

    private mutating func expression() throws(SelectorError) -> SelectorExpr {
        var terms = [try conjunction()]
        while case .word(let w) = peek, w == "or" {
            index += 1
            terms.append(try conjunction())
        }
        return Self.balanced(terms[...], SelectorExpr.or)
    }

    private mutating func conjunction() throws(SelectorError) -> SelectorExpr {
        var terms = [try unary()]
        while case .word(let w) = peek, w == "and" {
            index += 1
            terms.append(try unary())
        }
        return Self.balanced(terms[...], SelectorExpr.and)
    }

    /// `a or b or c …` as a balanced tree, so that a selector of thousands
    /// of terms is only log2(terms) deep for everything that walks it
    /// (`and` and `or` are associative; evaluation order stays left to right).
    static func balanced(_ terms: ArraySlice<SelectorExpr>, _ join: (SelectorExpr, SelectorExpr) -> SelectorExpr) -> SelectorExpr {
        if terms.count == 1 { return terms.first! }
        let mid = terms.startIndex + terms.count / 2
        return join(balanced(terms[..<mid], join), balanced(terms[mid...], join))
    }

    private mutating func unary() throws(SelectorError) -> SelectorExpr {
        depth += 1
        defer { depth -= 1 }
        guard depth < Self.maxDepth else { throw error("selector nests too deeply", at: index) }
        if case .word("not") = peek {
            index += 1
            return .not(try unary())
        }
        if peek == .lparen {
            let open = index
            index += 1
            let e = try expression()
            guard peek == .rparen else { throw error(peek == .end ? "'(' is never closed" : "expected ')', found \(describe(peek))", at: peek == .end ? open : index) }
            index += 1
            return e
        }
        return try test()
    }

    private mutating func test() throws(SelectorError) -> SelectorExpr {
        let at = index
        tests += 1
        guard tests <= Self.maxTests else { throw error("selector has more than \(Self.maxTests) tests", at: index) }
        guard case .word(let w) = peek else {
            if case .string(let s) = peek { index += 1; return bare(s) }
            throw error(peek == .end ? "selector ends early: expected a field or a word" : "expected a field or a word, found \(describe(peek))", at: index)
        }
        index += 1
        let next = peek
        let isOperator: Bool
        if case .op = next { isOperator = true } else if case .word("in") = next { isOperator = true } else { isOperator = false }
        guard isOperator else {
            if let f = SelectorField(rawValue: w), f.isFlag { return .isSet(f) }
            return bare(w)
        }
        guard let field = SelectorField(rawValue: w) ?? (w == "address" ? .id : nil) else {
            let suggestion = Self.nearest(w)
            throw error("unknown field '\(w)'" + (suggestion.map { " (did you mean '\($0)'?)" } ?? "") + "; fields: " + SelectorField.allCases.map(\.rawValue).joined(separator: ", "), at: at)
        }
        if case .word("in") = next {
            index += 1
            guard peek == .lbracket else { throw error("expected '[' after 'in'", at: index) }
            index += 1
            var values: [SelectorValue] = []
            if peek != .rbracket {
                repeat {
                    values.append(try value(for: field))
                    if peek == .comma { index += 1 } else { break }
                } while true
            }
            guard peek == .rbracket else { throw error("expected ',' or ']' in a list, found \(describe(peek))", at: index) }
            index += 1
            return .member(field, values)
        }
        guard case .op(let op) = next else { throw error("expected an operator", at: index) }
        let opAt = index
        index += 1
        let v = try value(for: field)
        if op == .match {
            if let problem = Self.regexProblem(v.text) { throw self.error(problem, at: opAt + 1) }
        } else if field.isNumeric, case .text = v, op != .eq, op != .ne {
            throw error("'\(field.rawValue)' is a number: compare it with a number", at: opAt + 1)
        }
        return .compare(field, op, v)
    }

    private mutating func value(for field: SelectorField) throws(SelectorError) -> SelectorValue {
        let t = peek
        switch t {
        case .string(let s):
            index += 1
            if field.isNumeric {
                guard let n = Self.number(s) else { throw error("'\(field.rawValue)' is a number, not \"\(s)\"", at: index - 1) }
                return .number(n)
            }
            return .text(s)
        case .number(let n):
            index += 1
            // A word made of digits is still text for text fields (type names are never numbers, values may be).
            return field.isNumeric ? .number(n) : .text(String(source[source.index(source.startIndex, offsetBy: tokens[index - 1].1)...].prefix(tokens[index - 1].2)))
        case .word(let w):
            index += 1
            if field.isNumeric { throw error("'\(field.rawValue)' is a number, not '\(w)'", at: index - 1) }
            return .text(w)
        default:
            throw error(t == .end ? "selector ends early: expected a value" : "expected a value, found \(describe(t))", at: index)
        }
    }

    private func bare(_ w: String) -> SelectorExpr { .word(w) }

    /// The field closest to a misspelt one, by edit distance.
    static func nearest(_ w: String) -> String? {
        let candidates = SelectorField.allCases.map(\.rawValue) + ["address"]
        let scored = candidates.map { ($0, editDistance(w.lowercased(), $0)) }.min { $0.1 < $1.1 }
        guard let (best, d) = scored, d <= max(2, w.count / 3) else { return nil }
        return best
    }

    /// Levenshtein distance, for "did you mean" hints.
    public static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var row = Array(0...b.count)
        for i in a.indices {
            var prev = row[0]
            row[0] = i + 1
            for j in b.indices {
                let cur = row[j + 1]
                row[j + 1] = min(row[j + 1] + 1, row[j] + 1, prev + (a[i] == b[j] ? 0 : 1))
                prev = cur
            }
        }
        return row[b.count]
    }
}
