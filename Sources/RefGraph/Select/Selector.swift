/// A compiled selector: decides, object by object, whether it is selected.
///
/// Text comparisons on type, name and value are resolved once against the
/// string table, so testing ten million objects compares integers, and a
/// regular expression runs once per distinct string, not once per object.
public struct Selector {
    /// The selector text as given.
    public let source: String
    /// The parsed syntax tree.
    public let expression: SelectorExpr
    private let predicate: (HeapGraph.Node) -> Bool
    /// What each bare word selected, in the order the words appear.
    public let words: [WordMatch]
    private let context: SelectorContext

    /// Parses and compiles `text` for `graph`. An empty text selects everything.
    public init(_ text: String, graph: HeapGraph) throws(SelectorError) {
        source = text
        expression = try SelectorParser.parse(text)
        context = SelectorContext(graph: graph)
        predicate = context.compile(expression)
        words = context.words
    }

    /// For a selector that matched nothing: per type name it tests (`type ==
    /// X` or a bare word), the types that exist and it may have meant.
    /// O(distinct types) per name after one pass over the type column.
    public func suggestions() -> [(asked: String, types: [TypeCount])] {
        var asked: [String] = []
        var stack = [expression]
        while let e = stack.popLast() {
            switch e {
            case .and(let a, let b), .or(let a, let b): stack.append(b); stack.append(a)
            case .not(let a): stack.append(a)
            case .compare(.type, .eq, .text(let t)), .word(let t): asked.append(t)
            case .member(.type, let values): asked += values.map(\.text)
            default: break
            }
        }
        return asked.map { ($0, context.census.suggestions(for: $0, in: context.graph)) }.filter { !$0.1.isEmpty }
    }

    /// Whether object `n` is selected.
    public func matches(_ n: HeapGraph.Node) -> Bool { predicate(n) }

    /// All matching objects, in node order.
    /// Cost: one pass over the nodes.
    public func select(in graph: HeapGraph) -> [HeapGraph.Node] {
        var out: [HeapGraph.Node] = []
        for n in graph.nodes where predicate(n) { out.append(n) }
        return out
    }
}

/// Compilation state shared by the closures of one selector.
private final class SelectorContext {
    let graph: HeapGraph
    /// Built on first use: most selectors need neither.
    lazy var semantics = HeapSemantics(graph)
    lazy var census = TypeCensus(graph)
    /// What the bare words selected, as they were compiled.
    private(set) var words: [WordMatch] = []

    init(graph: HeapGraph) { self.graph = graph }

    /// A bare word: instances of the types it names; else the objects it names.
    private func word(_ w: String) -> (HeapGraph.Node) -> Bool {
        let g = graph
        let types = census.types(named: w, in: g)
        if !types.isEmpty {
            let counts = types.map { TypeCount(type: g.strings[$0], count: census.counts[$0] ?? 0) }
            words.append(WordMatch(word: w, kind: .instances, types: counts.sorted { ($0.count, $1.type) > ($1.count, $0.type) }))
            let memo = [Bool](unsafeUninitializedCapacity: g.strings.count) { b, n in
                b.initialize(repeating: false); for t in types { b[Int(t)] = true }; n = g.strings.count
            }
            return { memo[Int(g.typeIDs[Int($0)])] }
        }
        // No instance: names, whole or by their last dotted part, memoised per string id.
        // One pass over the objects decides every name string they use.
        var named = [Bool](repeating: false, count: g.strings.count)
        var decided = [Bool](repeating: false, count: g.strings.count)
        var kinds: [UInt32: Int] = [:]
        for n in g.nodes where !g.flags(n).contains(.textIsValue) {
            let id = Int(g.textIDs[Int(n)])
            guard id != 0 else { continue }
            if !decided[id] { decided[id] = true; named[id] = TypeCensus.names(g.strings[UInt32(id)], w) }
            if named[id] { kinds[g.typeIDs[Int(n)], default: 0] += 1 }
        }
        let test: (HeapGraph.Node) -> Bool = { n in !g.flags(n).contains(.textIsValue) && named[Int(g.textIDs[Int(n)])] }
        let counts = kinds.map { TypeCount(type: g.strings[$0.key], count: $0.value) }.sorted { ($0.count, $1.type) > ($1.count, $0.type) }
        words.append(WordMatch(word: w, kind: counts.isEmpty ? .none : .named, types: counts))
        return test
    }

    func compile(_ e: SelectorExpr) -> (HeapGraph.Node) -> Bool {
        switch e {
        case .all:
            return { _ in true }
        case .and(let a, let b):
            let fa = compile(a), fb = compile(b)
            return { fa($0) && fb($0) }
        case .or(let a, let b):
            let fa = compile(a), fb = compile(b)
            return { fa($0) || fb($0) }
        case .not(let a):
            let fa = compile(a)
            return { !fa($0) }
        case .isSet(let f):
            let g = graph
            switch f {
            case .garbage: return { g.flags($0).contains(.garbage) }
            case .root: return { g.rootKind($0) != .none }
            default: return { g.finalizer($0) != .none }
            }
        case .member(let f, let values):
            let tests = values.map { compile(.compare(f, .eq, $0)) }
            return { n in tests.contains { $0(n) } }
        case .compare(let f, let op, let v):
            if f.isNumeric { return numeric(f, op, v) }
            return text(f, op, v.text)
        case .word(let w):
            return word(w)
        }
    }

    // MARK: Numbers

    private func numeric(_ f: SelectorField, _ op: SelectorOp, _ v: SelectorValue) -> (HeapGraph.Node) -> Bool {
        guard case .number(let x) = v else { return { _ in op == .ne } }
        let g = graph
        let get: (HeapGraph.Node) -> UInt64?
        switch f {
        case .id: get = { g.address($0) }
        case .size: get = { g.size($0) }
        case .len: get = { g.length($0) }
        case .refcount: get = { g.refcount($0).map(UInt64.init) }
        case .referrers: get = { UInt64(g.inEdges($0).count) }
        default: get = { UInt64(g.outEdges($0).count) }
        }
        let cmp: (UInt64, UInt64) -> Bool = Self.order(op)
        return { n in get(n).map { cmp($0, x) } ?? false }
    }

    private static func order<T: Comparable>(_ op: SelectorOp) -> (T, T) -> Bool {
        switch op {
        case .eq: return (==)
        case .ne: return (!=)
        case .lt: return (<)
        case .le: return (<=)
        case .gt: return (>)
        case .ge: return (>=)
        case .match: return { _, _ in false }
        }
    }

    // MARK: Text

    private func text(_ f: SelectorField, _ op: SelectorOp, _ x: String) -> (HeapGraph.Node) -> Bool {
        let g = graph
        switch f {
        case .type, .name, .value:
            // Interned columns: resolve the string id per node, compare ids or cached results.
            let column: (HeapGraph.Node) -> UInt32?
            switch f {
            case .type: column = { g.typeIDs[Int($0)] }
            case .name: column = { g.flags($0).contains(.textIsValue) ? 0 : g.textIDs[Int($0)] }
            default: column = { g.flags($0).contains(.textIsValue) ? g.textIDs[Int($0)] : 0 }
            }
            if op == .eq || op == .ne {
                let want = g.strings.lookup(x)
                let eq = op == .eq
                return { n in (column(n) == want) == eq }
            }
            let test = cachedTest(op, x)
            return { n in column(n).map(test) ?? false }
        case .module:
            let d = semantics
            return stringTest(op, x) { d.module($0) ?? "" }
        case .owner:
            let d = semantics
            return stringTest(op, x) { d.owner($0) ?? "" }
        case .root:
            return stringTest(op, x) { g.rootKind($0).name }
        case .finalizer:
            return stringTest(op, x) { g.finalizer($0).name }
        case .garbage:
            return stringTest(op, x == "1" ? "true" : x == "0" ? "false" : x.lowercased()) { g.flags($0).contains(.garbage) ? "true" : "false" }
        default:
            return { _ in false }
        }
    }

    /// A test on string ids, memoised per id.
    private func cachedTest(_ op: SelectorOp, _ x: String) -> (UInt32) -> Bool {
        let g = graph
        let base = Self.stringPredicate(op, x)
        let memo = Memo(count: g.strings.count)
        return { id in
            let m = memo.values[Int(id)]
            if m != 0 { return m == 2 }
            let r = base(g.strings[id])
            memo.values[Int(id)] = r ? 2 : 1
            return r
        }
    }

    private func stringTest(_ op: SelectorOp, _ x: String, _ get: @escaping (HeapGraph.Node) -> String) -> (HeapGraph.Node) -> Bool {
        let p = Self.stringPredicate(op, x)
        return { p(get($0)) }
    }

    static func stringPredicate(_ op: SelectorOp, _ x: String) -> (String) -> Bool {
        if op == .match {
            // Validated by the parser; linear in each string (LinearRegex).
            let re = try! LinearRegex(x)
            return { re.search($0) }
        }
        let cmp: (String, String) -> Bool = order(op)
        return { cmp($0, x) }
    }

    private final class Memo {
        var values: [UInt8]
        init(count: Int) { values = [UInt8](repeating: 0, count: count) }
    }
}
