/// Words for what a selector selected: which kind of object a bare word
/// matched, and for a selector that matched nothing, what it may have meant.
public enum SelectionText {
    /// ` (instances of __main__.Foo)`, ` (no instance of a type 'Foo'; objects named Foo: 1 type, 1 code)`,
    /// or "" when the selector has no bare word.
    public static func kind(_ words: [WordMatch]) -> String {
        let parts: [String] = words.map { m in
            let w = Escape.terminal(m.word)
            switch m.kind {
            case .instances:
                return "'\(w)': instances of " + list(m.types, counts: m.types.count > 1)
            case .named:
                return "'\(w)': no instance of a type '\(w)', so the objects named \(w): " + list(m.types, counts: true)
            case .none:
                return "'\(w)': no type or object of that name"
            }
        }
        return parts.isEmpty ? "" : " (" + parts.joined(separator: "; ") + ")"
    }

    /// `did you mean type == __main__.Handler (13,400)?`, or nil.
    public static func hint(_ selector: Selector) -> String? {
        let all = selector.suggestions().flatMap(\.types)
        guard !all.isEmpty else { return nil }
        let shown = all.prefix(3).map { "type == \(Escape.terminal($0.type)) (\(Units.count($0.count)))" }
        return "did you mean " + shown.joined(separator: " or ") + "?"
    }

    /// The line a command prints about its selection: `N objects match 'S'`
    /// with the kind of a bare word, or with the hint when nothing matched.
    public static func header(_ selector: Selector, matched: Int) -> String {
        var out = "\(Units.count(matched)) object\(matched == 1 ? "" : "s") match '\(Escape.terminal(selector.source))'"
        if matched == 0, let hint = hint(selector) { out += "; " + hint }
        else { out += kind(selector.words) }
        return out
    }

    private static func list(_ types: [TypeCount], counts: Bool) -> String {
        let shown = types.prefix(4).map { Escape.terminal($0.type) + (counts ? " (\(Units.count($0.count)))" : "") }
        return shown.joined(separator: ", ") + (types.count > 4 ? ", and \(types.count - 4) more types" : "")
    }
}
