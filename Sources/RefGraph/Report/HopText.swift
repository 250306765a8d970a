/// Renders chains of objects (retention paths, cycles) as text and JSON.
public struct HopText {
    /// The graph the hops are in.
    public let graph: HeapGraph
    /// Words each hop's object.
    public let describer: Describer
    /// Paths longer than this show their ends and say how many hops were left out.
    public var maxShown = 60

    /// A renderer for hops in `graph`; a new `Describer` when none is given.
    public init(_ graph: HeapGraph, describer: Describer? = nil) {
        self.graph = graph
        self.describer = describer ?? Describer(graph)
    }

    /// One line per hop: the edge label (or the root kind) and the object;
    /// `lastIsTarget`: the last object is a selected one (styled so).
    public func lines(_ hops: [Hop], indent: String = "    ", lastIsTarget: Bool = false) -> [String] {
        let style = TextStyle.current
        let labels = hops.map { h -> String in
            if let e = h.edge { return Escape.terminal(Escape.cut(graph.label(ofEdge: e).isEmpty ? "?" : graph.label(ofEdge: e), 30)) }
            let k = graph.rootKind(h.node)
            return k == .none ? "(start)" : "[\(k.name) root]"
        }
        let width = min(32, labels.map(\.count).max() ?? 0)
        var out: [String] = []
        for (i, h) in hops.enumerated() {
            if hops.count > maxShown && i == maxShown / 2 {
                out.append(indent + Units.pad("", width) + "   … \(Units.count(hops.count - maxShown)) more hops (--json shows all) …")
            }
            if hops.count > maxShown && i >= maxShown / 2 && i < hops.count - maxShown / 2 { continue }
            var label = Units.pad(labels[i], width)
            if h.edge == nil && graph.rootKind(h.node) != .none { label = style.root(label) }
            out.append(indent + label + " → " + describer.line(h.node, target: lastIsTarget && i == hops.count - 1))
        }
        return out
    }

    /// A cycle of edges as hops: the first edge's source, then each edge's target.
    public func cycleHops(_ edges: [Int]) -> [Hop] {
        guard let first = edges.first else { return [] }
        var hops = [Hop(node: graph.reverseSourceOfForward(first), edge: nil)]
        for e in edges { hops.append(Hop(node: graph.target(ofEdge: e), edge: e)) }
        return hops
    }

    /// A compact one-line chain: `type --label--> type ...`.
    public func chain(_ hops: [Hop]) -> String {
        hops.map { h in
            (h.edge.map { "--" + Escape.terminal(graph.label(ofEdge: $0)) + "--> " } ?? "") + describer.title(h.node)
        }.joined(separator: " ")
    }

    /// Writes an object's facts into a JSON object (the caller opens and closes it).
    public func jsonFields(_ j: inout JSONWriter, _ n: HeapGraph.Node) {
        j.field("address", graph.address(n)); j.field("id", graph.idText(n))
        j.field("type", graph.typeName(n))
        if let name = describer.displayName(n) { j.field("name", name) }
        if let owner = describer.semantics.owner(n) { j.field("owner", owner) }
        if let v = graph.value(n) { j.field("value", v) }
        j.field("size", graph.size(n))
        if let l = graph.length(n) { j.field("len", l) }
        if let r = graph.refcount(n) { j.field("refcount", r) }
        let root = graph.rootKind(n)
        if root != .none { j.field("root", root.name) }
        if let u = graph.unexplained[n] { j.field(graph.isHeldFromC(n) ? "refs_from_c" : "unexplained", u) }
        if graph.finalizer(n) != .none { j.field("finalizer", graph.finalizer(n).name) }
        if graph.flags(n).contains(.garbage) { j.field("garbage", true) }
        let alloc = graph.allocationFrames(n)
        if !alloc.isEmpty {
            j.field("alloc", alloc)
        }
    }

    /// Writes `hops` as a JSON array, one object per hop: its `edge` label
    /// (null for the first) and the object's facts.
    public func json(_ j: inout JSONWriter, _ hops: [Hop]) {
        j.objects(hops) { j, h in
            if let e = h.edge { j.field("edge", graph.label(ofEdge: e)) } else { j.key("edge"); j.null() }
            jsonFields(&j, h.node)
        }
    }
}
