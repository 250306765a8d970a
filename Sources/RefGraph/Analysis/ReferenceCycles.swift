/// How the dumped Python treats a reference cycle.
public enum CycleClass: String, Sendable, Comparable {
    /// Never freed: Python < 3.4 with `__del__` members, a legacy tp_del member, or members in gc.garbage.
    case uncollectable
    /// Freed by the collector after running finalizers (PEP 442, Python 3.4+).
    case collectableFinalized = "collectable-finalized"
    /// Reachable from a root, with finalizers: not garbage (yet).
    case liveWithFinalizers = "live-with-finalizers"
    /// No finalizers, nothing in gc.garbage: the collector frees it once unreachable.
    case plain

    private var rank: Int {
        switch self {
        case .uncollectable: return 0
        case .collectableFinalized: return 1
        case .liveWithFinalizers: return 2
        case .plain: return 3
        }
    }
    /// Most serious first: `uncollectable` sorts lowest.
    public static func < (a: CycleClass, b: CycleClass) -> Bool { a.rank < b.rank }
}

/// One strongly connected component of the heap, described for `refgraph cycles`.
public struct CycleReport: Sendable {
    /// The component's objects, in node order (JSON `objects` counts them).
    public var members: [HeapGraph.Node]
    /// Shallow bytes of the members (JSON `bytes`).
    public var bytes: UInt64
    /// Type name and count, most common first.
    public var types: [(type: String, count: Int)]
    /// Members whose type defines a finalizer, in node order (JSON `finalizers`).
    public var finalizerMembers: [HeapGraph.Node]
    /// Number of members in gc.garbage (JSON `garbage_members`).
    public var garbageMembers: Int
    /// Whether any root reaches the component (else it is garbage awaiting collection).
    public var reachable: Bool
    /// One concrete cycle, as edge indices in order, from a garbage or finalizer member.
    public var example: [Int]
    /// For garbage: no other garbage cycle refers to this one (refcycle's
    /// source component), so freeing it frees the garbage it refers to.
    public var isKey = false
    /// For a key cycle: the other garbage objects it keeps alive, and their bytes.
    public var keepsAlive = 0
    /// Shallow bytes of the `keepsAlive` objects (JSON `keeps_alive_bytes`).
    public var keepsAliveBytes: UInt64 = 0
    /// How the dumped Python treats the cycle (JSON `classification`).
    public var classification: CycleClass
    /// Why it has that classification, in words, e.g. "no finalizers" (JSON `reason`).
    public var reason: String
}

/// Reference cycles in a dump, classified by the dump's Python version.
public struct ReferenceCycles: Sendable {
    /// Every cyclic component: garbage first (uncollectable, then key cycles,
    /// then the rest), then live ones; larger first within each (JSON `cycles`).
    public var cycles: [CycleReport]
    /// Python version the classification assumed.
    public var python: String?

    /// Garbage (members of gc.garbage, and objects no root reaches) and live
    /// objects are split before the components are found: a garbage cycle is
    /// never merged with the module graph through its class, and its size is
    /// its own. O(nodes + edges), plus one search over the garbage per key
    /// cycle (at most `keyCycleSearches`).
    public init(_ graph: HeapGraph, finalizersOnly: Bool = false) {
        // Live: reached from a root without passing through gc.garbage's
        // members. Everything else is garbage, with what only garbage holds.
        PhaseTrace.mark("cycles: start")
        let roots = RootPaths(graph, avoid: { graph.flags($0).contains(.garbage) })
        PhaseTrace.mark("cycles: reached from roots")
        var partition = [UInt8](repeating: 0, count: graph.nodeCount)
        for n in graph.nodes where graph.flags(n).contains(.garbage) || !roots.isReached(n) { partition[Int(n)] = 1 }
        let scc = StronglyConnected(graph, partition: partition)
        PhaseTrace.mark("cycles: components")
        let version = graph.info.pythonVersion
        python = graph.info.python
        // Garbage components some other garbage component refers to.
        var referredTo = [Bool](repeating: false, count: scc.count)
        for v in graph.nodes where partition[Int(v)] == 1 {
            for e in graph.outEdges(v) where !graph.isWeak(edge: e) {
                let w = graph.target(ofEdge: e)
                if partition[Int(w)] == 1 && scc.component[Int(w)] != scc.component[Int(v)] { referredTo[Int(scc.component[Int(w)])] = true }
            }
        }
        var out: [CycleReport] = []
        var search = CycleSearch(nodeCount: graph.nodeCount)
        var typeCounts = TypeCounts(graph)
        for members in scc.cyclicComponents() {
            let fin = members.filter { graph.finalizer($0) != .none }
            let isGarbage = partition[Int(members[0])] == 1
            let garbage = members.reduce(0) { $0 + (graph.flags($1).contains(.garbage) ? 1 : 0) }
            if finalizersOnly && fin.isEmpty && garbage == 0 { continue }
            var bytes: UInt64 = 0
            for m in members { bytes &+= graph.size(m) }
            let (cls, why) = isGarbage ? Self.classify(graph, finalizers: fin, garbage: garbage, version: version)
                                       : Self.classifyLive(finalizers: fin, version: version)
            let start = members.first { graph.flags($0).contains(.garbage) } ?? fin.first ?? members[0]
            var report = CycleReport(members: members, bytes: bytes, types: typeCounts.of(members), finalizerMembers: fin,
                                     garbageMembers: garbage, reachable: !isGarbage,
                                     example: search.cycle(through: start, scc: scc, in: graph), classification: cls, reason: why)
            report.isKey = isGarbage && !referredTo[Int(scc.component[Int(members[0])])]
            out.append(report)
        }
        PhaseTrace.mark("cycles: reports")
        // Garbage first (uncollectable, then key cycles, then the rest), then live; larger first.
        out.sort { a, b in
            if a.reachable != b.reachable { return !a.reachable }
            if a.classification != b.classification { return a.classification < b.classification }
            if a.isKey != b.isKey { return a.isKey }
            return (b.bytes, b.members.count) < (a.bytes, a.members.count)
        }
        for i in out.indices where out[i].isKey && i < Self.keyCycleSearches {
            (out[i].keepsAlive, out[i].keepsAliveBytes) = Self.heldBy(out[i].members, graph, partition)
        }
        cycles = out
    }

    /// Key cycles whose kept-alive garbage is counted (one search each).
    static let keyCycleSearches = 64

    /// The garbage objects reachable from `members` (not counting them), and their bytes.
    static func heldBy(_ members: [HeapGraph.Node], _ graph: HeapGraph, _ partition: [UInt8]) -> (Int, UInt64) {
        var seen = Set(members)
        var stack = members
        var count = 0
        var bytes: UInt64 = 0
        while let v = stack.popLast() {
            for e in graph.outEdges(v) where !graph.isWeak(edge: e) {
                let w = graph.target(ofEdge: e)
                guard partition[Int(w)] == 1, seen.insert(w).inserted else { continue }
                count += 1
                bytes &+= graph.size(w)
                stack.append(w)
            }
        }
        return (count, bytes)
    }

    /// A cycle a root reaches is not garbage, whatever its finalizers.
    static func classifyLive(finalizers: [HeapGraph.Node], version: (major: Int, minor: Int)?) -> (CycleClass, String) {
        guard !finalizers.isEmpty else { return (.plain, "no finalizers") }
        if let v = version, v.major < 3 || (v.major == 3 && v.minor < 4) {
            return (.liveWithFinalizers, "reachable from a root, so not garbage; once unreachable, Python \(v.major).\(v.minor) would never collect it (__del__ in a cycle, before PEP 442)")
        }
        return (.liveWithFinalizers, "reachable from a root, so not garbage; once unreachable, the collector runs __del__ and frees it (PEP 442)")
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

/// Counts members by type with one counter per string id, allocated once
/// and cleared only where a count was made: O(members) per group, no hashing.
struct TypeCounts {
    private let graph: HeapGraph
    private var counts: [Int]
    private var seen: [UInt32] = []

    init(_ graph: HeapGraph) {
        self.graph = graph
        counts = [Int](repeating: 0, count: graph.strings.count)
    }

    /// Type names and counts of `members`, most common first, then by name.
    mutating func of(_ members: [HeapGraph.Node]) -> [(type: String, count: Int)] {
        for m in members {
            let t = Int(graph.typeIDs[Int(m)])
            if counts[t] == 0 { seen.append(UInt32(t)) }
            counts[t] += 1
        }
        let types = seen.map { (id: $0, count: counts[Int($0)]) }
            .sorted { ($0.count, graph.strings[$1.id]) > ($1.count, graph.strings[$0.id]) }
            .map { (type: graph.strings[$0.id], count: $0.count) }
        for t in seen { counts[Int(t)] = 0 }
        seen.removeAll(keepingCapacity: true)
        return types
    }
}
