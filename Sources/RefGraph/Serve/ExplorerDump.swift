/// One dump as `refgraph serve` holds it, with what is computed from it on
/// first use and kept: the describer, the dominator index, the summary and
/// the suspects report.
final class ExplorerDump {
    typealias Node = HeapGraph.Node
    /// The loaded dump.
    let graph: HeapGraph
    /// Words objects (titles, owners).
    lazy var describer = Describer(graph)
    /// Writes an object's facts as the CLI's `--json` does.
    lazy var hops = HopText(graph, describer: describer)
    /// The dominator tree laid out for queries, built once: by `warm` on a
    /// background thread, or by the first request that needs it.
    let indexSlot = OnceValue<DominatorIndex>()
    /// The dominator index. Cost: the dominator tree, the first time.
    var index: DominatorIndex { indexSlot.get { [graph] in DominatorIndex(graph, tree: DominatorTree(graph)) } }
    /// `summary --json`.
    lazy var summary = Summary(graph, top: 10).json()
    /// `suspects --json` with the CLI's defaults, built once (see `indexSlot`).
    let suspectsSlot = OnceValue<String>()
    /// `suspects --json` with the CLI's defaults.
    var suspects: String { suspectsSlot.get { [graph, index] in Self.suspects(graph, index) } }

    /// The suspects report, from Sendable state only (a fresh HeapSemantics),
    /// so that a background thread can build it.
    static func suspects(_ graph: HeapGraph, _ index: DominatorIndex) -> String {
        LeakSuspects(graph, index: index, semantics: HeapSemantics(graph)).json(graph)
    }
    /// Ids looked up so far.
    private var found: [UInt64: Node] = [:]

    init(_ graph: HeapGraph) { self.graph = graph }

    /// The object whose id is `text` (`0x` hex or decimal, as reports show
    /// ids), or nil. Cost: one pass over the addresses the first time.
    func node(_ text: String) -> Node? {
        let value: UInt64?
        let hex = text.hasPrefix("0x") || text.hasPrefix("0X")
        let digits = hex ? text.dropFirst(2) : Substring(text)
        guard !digits.isEmpty, digits.allSatisfy({ hex ? $0.isHexDigit : $0.isASCII && $0.isNumber }) else { return nil }
        value = hex ? UInt64(digits, radix: 16) : UInt64(digits)
        guard let v = value else { return nil }
        if let n = found[v] { return n }
        var hit: Node?
        graph.addresses.withUnsafeBufferPointer { a in
            if let i = a.firstIndex(of: v) { hit = Node(i) }
        }
        if let hit {
            if found.count > 4096 { found.removeAll() }
            found[v] = hit
        }
        return hit
    }

    /// Bytes `n` retains (0 when no root reaches it).
    func retained(_ n: Node) -> UInt64 { index.tree.retained[Int(n)] }

    /// Writes object `n` as a JSON object: the CLI's object fields
    /// (`HopText.jsonFields`) plus `title`, `retained` and `dominated` (its
    /// children in the dominator tree).
    func row(_ j: inout JSONWriter, _ n: Node) {
        j.beginObject()
        rowFields(&j, n)
        j.endObject()
    }

    /// `row`'s fields, into an object the caller opens.
    func rowFields(_ j: inout JSONWriter, _ n: Node) {
        hops.jsonFields(&j, n)
        j.field("title", describer.title(n))
        j.field("retained", retained(n))
        j.field("dominated", index.children(of: n).count)
    }

    /// `nodes` largest retained first (ties in the order given), the page of
    /// `limit` from `offset`, as a JSON array under `key`, with `total` and `offset`.
    /// Cost: one pass over `nodes` with a buffer of `offset + limit` for the
    /// first pages (a node with 5M children pages in milliseconds), a sort
    /// beyond them.
    func page<C: Collection>(_ j: inout JSONWriter, _ key: String, _ nodes: C, offset: Int, limit: Int) where C.Element == Node {
        let retained = index.tree.retained
        let wanted = offset.addingReportingOverflow(limit)
        let shown: ArraySlice<Node>
        if !wanted.overflow && wanted.partialValue <= 2000 {
            shown = largest(wanted.partialValue, among: nodes) { retained[Int($0)] }.dropFirst(offset)
        } else {
            // The same order: largest first, ties in the order given.
            let order = nodes.enumerated().sorted { (retained[Int($0.element)], $1.offset) > (retained[Int($1.element)], $0.offset) }
            shown = ArraySlice(order.dropFirst(offset).prefix(limit).map(\.element))
        }
        j.field("total", nodes.count)
        j.field("offset", offset)
        j.key(key)
        j.beginArray()
        for n in shown { row(&j, n) }
        j.endArray()
    }
}
