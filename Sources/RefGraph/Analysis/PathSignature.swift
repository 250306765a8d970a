/// How retention paths are grouped, shared by `path --all` (targets held
/// alike) and `diff` (leak clusters), so the two group the same way: a
/// path's hops, its signature (root kind, then edge label and type per hop,
/// container indices generalised) and the compression of repeated hops.
/// Cost: linear in the path's length (compression: times the six periods).
enum PathSignature {
    /// The signature `path` and `diff` group by: `compress(signature(...))`.
    static func of(_ graph: HeapGraph, _ hops: [Hop], _ semantics: HeapSemantics) -> [String] {
        compress(signature(graph, hops, semantics))
    }

    static func hops(_ graph: HeapGraph, _ nodes: [HeapGraph.Node]) -> [Hop] {
        var out = [Hop(node: nodes[0], edge: nil)]
        for i in 1..<max(nodes.count, 1) where nodes.count > 1 {
            out.append(Hop(node: nodes[i], edge: graph.edge(from: nodes[i - 1], to: nodes[i])))
        }
        return out
    }

    /// Root kind, then type and edge label of each hop. Container indices
    /// (`[3]`) and the keys of plain data dicts become `[*]`, so a thousand
    /// entries of one list or cache form one group; attribute names (keys of
    /// module, class and instance dicts) stay, because they are structure.
    static func signature(_ graph: HeapGraph, _ hops: [Hop], _ semantics: HeapSemantics) -> [String] {
        var sig = [graph.rootKind(hops[0].node).name]
        var previous = hops[0].node
        for h in hops {
            if let e = h.edge {
                let label = graph.label(ofEdge: e)
                if label.hasPrefix("[") && (label.first(where: { $0 != "[" }).map { $0.isNumber || $0 == "-" } == true
                                            || semantics.ownerOf(previous) == nil) {
                    sig.append("[*]")
                } else {
                    sig.append(label)
                }
            }
            sig.append(graph.typeName(h.node))
            previous = h.node
        }
        return sig
    }

    /// Collapses runs of a repeated hop (label, type), or of a repeated block of
    /// up to six hops, into one `(…)+` entry, so every node of a growing chain
    /// falls in one cluster.
    static func compress(_ sig: [String]) -> [String] {
        guard sig.count > 3 else { return sig }
        // sig = [rootKind, type0, label1, type1, label2, type2, ...]: hops are (label, type) pairs.
        var hops: [String] = []
        var i = 2
        while i + 1 < sig.count { hops.append(sig[i] + " " + sig[i + 1]); i += 2 }
        for period in 1...6 {
            var out: [String] = []
            var k = 0
            while k < hops.count {
                if k + 2 * period <= hops.count && Array(hops[k..<(k + period)]) == Array(hops[(k + period)..<(k + 2 * period)]) {
                    let block = Array(hops[k..<(k + period)])
                    var j = k + period
                    while j + period <= hops.count && Array(hops[j..<(j + period)]) == block { j += period }
                    out.append("(" + block.joined(separator: " ") + ")+")
                    k = j
                } else {
                    out.append(hops[k])
                    k += 1
                }
            }
            hops = out
        }
        return [sig[0], sig[1]] + hops
    }
}
