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
    /// The dominator tree laid out for queries. Cost: the dominator tree, once.
    lazy var index = DominatorIndex(graph, tree: DominatorTree(graph))
    /// `summary --json`.
    lazy var summary = Summary(graph, top: 10).json()
    /// `suspects --json` with the CLI's defaults.
    lazy var suspects = LeakSuspects(graph, index: index, semantics: describer.semantics).json(graph)
    /// Ids looked up so far.
    private var found: [UInt64: Node] = [:]

    init(_ graph: HeapGraph) { self.graph = graph }

    /// The object whose id is `text` (`0x` hex or decimal, as reports show
    /// ids), or nil. Cost: one pass over the addresses the first time.
    func node(_ text: String) -> Node? {
        let value: UInt64?
        if text.hasPrefix("0x") || text.hasPrefix("0X") { value = UInt64(text.dropFirst(2), radix: 16) } else { value = UInt64(text) }
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

    /// `nodes` largest retained first (ties in node order), the page of
    /// `limit` from `offset`, as a JSON array under `key`, with `total` and `offset`.
    func page(_ j: inout JSONWriter, _ key: String, _ nodes: [Node], offset: Int, limit: Int) {
        let tree = index.tree
        let sorted = nodes.sorted { (tree.retained[Int($0)], $1) > (tree.retained[Int($1)], $0) }
        j.field("total", sorted.count)
        j.field("offset", offset)
        j.key(key)
        j.beginArray()
        for n in sorted.dropFirst(offset).prefix(limit) { row(&j, n) }
        j.endArray()
    }
}
