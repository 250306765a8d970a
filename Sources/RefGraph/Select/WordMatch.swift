/// How many objects of one type.
public struct TypeCount: Sendable, Equatable {
    /// The type's name.
    public var type: String
    /// Number of objects of that type.
    public var count: Int
}

/// What a bare word of a selector selected, so a report can say it
/// (`'Foo' selects instances of __main__.Foo`), and what it could have meant.
public struct WordMatch: Sendable, Equatable {
    /// What the word ended up selecting.
    public enum Kind: Sendable, Equatable {
        /// Instances of the types the word names (short or qualified name).
        case instances
        /// No instance: objects whose name (or its last dotted part) is the word.
        case named
        /// Nothing.
        case none
    }
    /// The bare word as written.
    public var word: String
    /// What it selected.
    public var kind: Kind
    /// The types of the selected objects, most objects first.
    public var types: [TypeCount]
}

/// The distinct types of a graph with their counts: one pass over the type
/// column, O(nodes), made once per selector that needs it.
struct TypeCensus {
    /// Type string id → number of objects.
    let counts: [UInt32: Int]

    init(_ g: HeapGraph) {
        var c: [UInt32: Int] = [:]
        g.typeIDs.withUnsafeBufferPointer { ids in for t in ids { c[t, default: 0] += 1 } }
        counts = c
    }

    /// `type` is `word`, or ends with `.word`.
    static func names(_ type: String, _ word: String) -> Bool {
        type == word || (type.count > word.count && type.hasSuffix(word) && type.dropLast(word.count).last == ".")
    }

    /// The types a word names, by short or qualified name.
    func types(named word: String, in g: HeapGraph) -> Set<UInt32> {
        Set(counts.keys.filter { Self.names(g.strings[$0], word) })
    }

    /// Up to three types `text` may have meant, most objects first: same short
    /// name in another case or module, or a short name a few edits away.
    func suggestions(for text: String, in g: HeapGraph) -> [TypeCount] {
        let want = text.split(separator: ".").last.map { String($0).lowercased() } ?? ""
        guard !want.isEmpty else { return [] }
        var scored: [(TypeCount, Int)] = []
        for (id, n) in counts {
            let name = g.strings[id]
            guard name != text else { continue }
            let short = (name.split(separator: ".").last.map(String.init) ?? name).lowercased()
            let d = short == want ? 0 : SelectorParser.editDistance(want, short)
            if d <= max(1, want.count / 4) { scored.append((TypeCount(type: name, count: n), d)) }
        }
        return scored.sorted { ($0.1, -$0.0.count, $0.0.type) < ($1.1, -$1.0.count, $1.0.type) }.prefix(3).map(\.0)
    }
}
