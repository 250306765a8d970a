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
            if chain.isEmpty { out += "    no single object dominates it: several roots hold it independently\n" }
        }
        if targets.count > limit { out += "\n… \(targets.count - limit) more (--limit)\n" }
        return out
    }
}
