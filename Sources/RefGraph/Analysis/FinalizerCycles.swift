/// How the dumped Python treats a reference cycle.
public enum CycleClass: String, Sendable, Comparable {
    /// Never freed: Python < 3.4 with `__del__` members, a legacy tp_del member, or members in gc.garbage.
    case uncollectable
    /// Freed by the collector after running finalizers (PEP 442, Python 3.4+).
    case collectableFinalized = "collectable-finalized"
    case plain

    private var rank: Int { self == .uncollectable ? 0 : self == .collectableFinalized ? 1 : 2 }
    public static func < (a: CycleClass, b: CycleClass) -> Bool { a.rank < b.rank }
}

/// One strongly connected component of the heap, described for `refgraph cycles`.
public struct CycleReport: Sendable {
    public var members: [HeapGraph.Node]
    public var bytes: UInt64
    /// Type name and count, most common first.
    public var types: [(type: String, count: Int)]
    public var finalizerMembers: [HeapGraph.Node]
    public var garbageMembers: Int
    /// Whether any root reaches the component (else it is garbage awaiting collection).
    public var reachable: Bool
    /// One concrete cycle, as edge indices in order.
    public var example: [Int]
    public var classification: CycleClass
    public var reason: String
}

/// Reference cycles in a dump, classified by the dump's Python version.
public struct FinalizerCycles: Sendable {
    public var cycles: [CycleReport]
    /// Python version the classification assumed.
    public var python: String?

    public init(_ graph: HeapGraph, finalizersOnly: Bool = false) {
        let scc = StronglyConnected(graph)
        let roots = RootPaths(graph)
        let version = graph.info.pythonVersion
        python = graph.info.python
        var out: [CycleReport] = []
        for members in scc.cyclicComponents() {
            let fin = members.filter { graph.finalizer($0) != .none }
            if finalizersOnly && fin.isEmpty { continue }
            var bytes: UInt64 = 0
            var typeCounts: [UInt32: Int] = [:]
            var garbage = 0
            var reachable = false
            for m in members {
                bytes &+= graph.size(m)
                typeCounts[graph.typeIDs[Int(m)], default: 0] += 1
                if graph.flags(m).contains(.garbage) { garbage += 1 }
                if roots.isReached(m) { reachable = true }
            }
            let (cls, why) = Self.classify(graph, finalizers: fin, garbage: garbage, version: version)
            let start = fin.first ?? members[0]
            let types = typeCounts.sorted { ($0.value, graph.strings[$1.key]) > ($1.value, graph.strings[$0.key]) }
                .map { (type: graph.strings[$0.key], count: $0.value) }
            out.append(CycleReport(members: members, bytes: bytes, types: types, finalizerMembers: fin,
                                   garbageMembers: garbage, reachable: reachable,
                                   example: scc.cycle(through: start, in: graph), classification: cls, reason: why))
        }
        // Uncollectable first, then garbage awaiting collection, then live cycles; larger first.
        out.sort { a, b in
            if a.classification == .uncollectable || b.classification == .uncollectable, a.classification != b.classification {
                return a.classification == .uncollectable
            }
            if a.reachable != b.reachable { return !a.reachable }
            return (a.classification, b.bytes, b.members.count) < (b.classification, a.bytes, a.members.count)
        }
        cycles = out
    }

    static func classify(_ graph: HeapGraph, finalizers: [HeapGraph.Node], garbage: Int, version: (major: Int, minor: Int)?) -> (CycleClass, String) {
        if garbage > 0 { return (.uncollectable, "\(garbage) member\(garbage == 1 ? " is" : "s are") in gc.garbage") }
        if let legacy = finalizers.first(where: { graph.finalizer($0) == .tpDel }) {
            return (.uncollectable, "\(graph.typeName(legacy)) has a legacy tp_del, which the collector never calls in a cycle")
        }
        guard !finalizers.isEmpty else { return (.plain, "no finalizers") }
        if let v = version, v.major < 3 || (v.major == 3 && v.minor < 4) {
            return (.uncollectable, "Python \(v.major).\(v.minor) never collects a cycle with __del__ (PEP 442 came in 3.4)")
        }
        let known = version.map { "Python \($0.major).\($0.minor)" } ?? "Python 3.4+ (the dump does not say its version)"
        return (.collectableFinalized, "\(known) runs __del__ and then frees the cycle (PEP 442)")
    }
}
