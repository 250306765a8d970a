/// `refgraph dominators`: for each object, the objects whose removal would free it.
public struct DominatorChains {
    let graph: HeapGraph
    let tree: DominatorTree
    let targets: [HeapGraph.Node]
    let limit: Int

    /// The report for `targets`; `limit` caps the objects and groups shown.
    public init(_ graph: HeapGraph, tree: DominatorTree, targets: [HeapGraph.Node], limit: Int) {
        self.graph = graph
        self.tree = tree
        self.targets = targets
        self.limit = limit
    }

    /// Targets grouped by the shape of their chain (`DominatorGroups`).
    public func groups(_ d: Describer) -> DominatorGroups {
        DominatorGroups(graph, tree: tree, targets: targets) { n in
            graph.typeName(n) + " " + (d.displayName(n) ?? d.semantics.owner(n).map { "of " + $0 } ?? "")
        }
    }

    /// The report as text, or as one JSON document. Cost: grouping the targets
    /// (linear in the objects on their chains); in text, a bounded path search
    /// for each shown target that no single object dominates.
    public func render(json: Bool) -> String {
        let d = Describer(graph)
        let grouped = groups(d)
        if json {
            let h = HopText(graph, describer: d)
            var j = JSONWriter()
            j.beginObject()
            j.field("targets", targets.count)
            j.objects("objects", targets.prefix(limit)) { j, t in
                h.jsonFields(&j, t)
                j.field("retained", tree.retained[Int(t)])
                j.field("reachable", tree.isReachable(t))
                j.objects("dominators", tree.dominators(of: t)) { j, x in
                    h.jsonFields(&j, x); j.field("retained", tree.retained[Int(x)])
                }
            }
            j.objects("groups", grouped.groups.prefix(limit)) { j, g in
                j.field("count", g.members.count)
                j.field("bytes", g.bytes)
                j.field("retained_together", g.retainedTogether)
                j.field("reachable", !g.unreachable)
                j.field("representative", graph.idText(g.representative))
                j.field("member_ids", g.members.map { graph.idText($0) })
            }
            j.endObject()
            return j.text
        }
        let style = TextStyle.current
        let n = targets.count, gs = grouped.groups.count
        var out = "\(Units.count(n)) object\(n == 1 ? "" : "s") selected"
        out += gs < n ? " in \(Units.count(gs)) group\(gs == 1 ? "" : "s") by dominator chain\n" : "\n"
        for (i, g) in grouped.groups.prefix(limit).enumerated() {
            let t = g.representative
            out += "\n" + style.heading("#\(i + 1)") + "  "
            if g.members.count == 1 {
                out += style.target(d.title(t)) + "  retains \(style.size(Units.bytes(tree.retained[Int(t)])))\n"
            } else {
                out += "\(Units.count(g.members.count)) objects, \(style.size(Units.bytes(g.bytes))) shallow"
                if !g.unreachable { out += ", retaining \(style.size(Units.bytes(g.retainedTogether))) together" }
                out += " (shown for \(graph.idText(t)); the others differ only in addresses)\n"
            }
            guard !g.unreachable else { out += "    unreachable: no root reaches it\n"; continue }
            let chain = tree.dominators(of: t)
            out += "    (super-root: all GC roots)\n"
            for (k, x) in chain.enumerated() {
                if chain.count > Self.maxShown && k == Self.maxShown / 2 {
                    out += "    … \(Units.count(chain.count - Self.maxShown)) more dominators (--json shows all) …\n"
                }
                if chain.count > Self.maxShown && k >= Self.maxShown / 2 && k < chain.count - Self.maxShown / 2 { continue }
                out += "    └ " + d.title(x) + "  retains \(style.size(Units.bytes(tree.retained[Int(x)])))\n"
            }
            out += "    └ " + style.target(d.title(t)) + (g.members.count > 1 ? "  retains \(style.size(Units.bytes(tree.retained[Int(t)])))" : "") + "\n"
            if let site = d.allocationSite(t) { out += "    allocated at \(site)\n" }
            if chain.isEmpty { out += independentHolders(t, describer: d) }
        }
        if gs > limit { out += "\n… \(gs - limit) more group\(gs - limit == 1 ? "" : "s") (--limit)\n" }
        return out
    }

    /// Chains longer than this show their ends.
    static let maxShown = 60

    /// For an object no single object dominates: the roots that hold it,
    /// each by its shortest path avoiding the holders named before it.
    func independentHolders(_ t: HeapGraph.Node, describer d: Describer) -> String {
        let kind = graph.rootKind(t)
        if kind != .none { return "    it is a GC root itself (\(kind.name))\n" }
        // Bounded like a path search (ShortestPaths): the last search, which
        // finds no further holder, would otherwise visit every ancestor.
        let found = RetentionPaths(graph, targets: [t], alternatives: 5, alternativeBudget: max(250_000, graph.nodeCount / 16),
                                   explainUnreachable: 0, semantics: d.semantics)
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
