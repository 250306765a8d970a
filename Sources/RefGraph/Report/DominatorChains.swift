/// `refgraph dominators`: for each object, the objects whose removal would free it.
public struct DominatorChains {
    let graph: HeapGraph
    let tree: DominatorTree
    let targets: [HeapGraph.Node]
    let limit: Int

    public init(_ graph: HeapGraph, tree: DominatorTree, targets: [HeapGraph.Node], limit: Int) {
        self.graph = graph
        self.tree = tree
        self.targets = targets
        self.limit = limit
    }

    public func render(json: Bool) -> String {
        let d = Describer(graph)
        if json {
            let h = HopText(graph, describer: d)
            var j = JSONWriter()
            j.beginObject()
            j.field("targets", targets.count)
            j.key("objects")
            j.beginArray()
            for t in targets.prefix(limit) {
                j.beginObject()
                h.jsonFields(&j, t)
                j.field("retained", tree.retained[Int(t)])
                j.field("reachable", tree.isReachable(t))
                j.key("dominators")
                j.beginArray()
                for x in tree.dominators(of: t) {
                    j.beginObject(); h.jsonFields(&j, x); j.field("retained", tree.retained[Int(x)]); j.endObject()
                }
                j.endArray()
                j.endObject()
            }
            j.endArray()
            j.endObject()
            return j.text
        }
        var out = "\(Units.count(targets.count)) object\(targets.count == 1 ? "" : "s") selected\n"
        for t in targets.prefix(limit) {
            out += "\n" + d.title(t) + "  retains \(Units.bytes(tree.retained[Int(t)]))\n"
            guard tree.isReachable(t) else { out += "    unreachable: no root reaches it\n"; continue }
            let chain = tree.dominators(of: t)
            out += "    (super-root: all GC roots)\n"
            for x in chain { out += "    └ " + d.title(x) + "  retains \(Units.bytes(tree.retained[Int(x)]))\n" }
            out += "    └ " + d.title(t) + "\n"
            if chain.isEmpty { out += independentHolders(t, describer: d) }
        }
        if targets.count > limit { out += "\n… \(targets.count - limit) more (--limit)\n" }
        return out
    }

    /// For an object no single object dominates: the roots that hold it,
    /// each by its shortest path avoiding the holders named before it.
    func independentHolders(_ t: HeapGraph.Node, describer d: Describer) -> String {
        let kind = graph.rootKind(t)
        if kind != .none { return "    it is a GC root itself (\(kind.name))\n" }
        // Bounded like a path search (ShortestPaths): the last search, which
        // finds no further holder, would otherwise visit every ancestor.
        let found = RetentionPaths(graph, targets: [t], alternatives: 5, alternativeBudget: max(250_000, graph.nodeCount / 16),
                                   explainUnreachable: 0, describer: d)
        guard let group = found.groups.first else { return "" }
        let paths = group.paths
        var out = "    no single object dominates it: holders that reach it independently:\n"
        let h = HopText(graph, describer: d)
        for p in paths { out += "      " + h.chain(p) + "\n" }
        if graph.isHeldFromC(t), let u = graph.unexplained[t] {
            out += "      and \(u) reference\(u == 1 ? "" : "s") from C that no object in the dump explains\n"
        }
        if group.holdersTruncated {
            out += "      (the search for more holders stopped at its bound; `refgraph path --all` searches on)\n"
        }
        return out
    }
}
