/// Growth of one type or module between snapshots.
public struct GrowthRow: Sendable {
    /// The type name, or the module name (JSON `key`).
    public var key: String
    /// The type's module; for a module row, the module itself (JSON `module`).
    public var module: String
    /// Count and bytes in each snapshot, in order.
    public var counts: [Int]
    /// Shallow bytes in each snapshot, in order (JSON `bytes`).
    public var bytes: [UInt64]
    /// Count in the last snapshot minus the first (JSON `count_delta`).
    public var countDelta: Int { counts[counts.count - 1] - counts[0] }
    /// Bytes in the last snapshot minus the first; negative when it shrank
    /// (JSON `bytes_delta`).
    public var bytesDelta: Int64 { Int64(bitPattern: bytes[bytes.count - 1]) - Int64(bitPattern: bytes[0]) }
}

/// Leak candidates whose retention paths look alike.
public struct LeakCluster: Sendable {
    /// One object per leak in the cluster: where its representative path ends.
    public var roots: [HeapGraph.Node]
    /// Candidate objects in the cluster (JSON `objects`).
    public var objects: Int
    /// Shallow bytes of those objects (JSON `shallow_bytes`).
    public var shallowBytes: UInt64
    /// Bytes freed if the cluster's leaks were released (in the last snapshot).
    public var retainedBytes: UInt64
    /// The path signature the cluster's leaks share; `["unreachable", TYPE]`
    /// for a leak no root reaches (JSON `signature`).
    public var signature: [String]
    /// How the first leak is held in the last snapshot, root first (JSON `path`).
    public var path: [Hop]
    /// Its objects counted by type name.
    public var typeCounts: [String: Int] = [:]
    /// `typeCounts` largest first ("2,000 dict, 1,742 int").
    public var byType: [(type: String, count: Int)] {
        typeCounts.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map { (type: $0.key, count: $0.value) }
    }
    /// Its objects by allocation site (HeapGraph.allocationSite; 0: no
    /// site), as tracemalloc users group them. Empty when the dump has none.
    public var siteCounts: [UInt32: SiteCount] = [:]
}

/// New objects allocated at one site: how many, and their shallow bytes.
public struct SiteCount: Sendable, Equatable {
    /// New objects allocated at the site.
    public var objects = 0
    /// Their shallow bytes.
    public var bytes: UInt64 = 0
}

/// What `refgraph diff` finds: growth tables, and new objects that stay alive,
/// clustered by how they are held. With three snapshots, memlab's rule:
/// objects new in TARGET and still present in FINAL.
public struct SnapshotDiff: Sendable {
    /// The first snapshot whose header time is earlier than the one before
    /// it (diff expects oldest first), or nil. Snapshots without a time are
    /// not compared.
    public static func outOfOrder(_ graphs: [HeapGraph]) -> Int? {
        for i in graphs.indices.dropFirst() {
            if let a = graphs[i - 1].info.time, let b = graphs[i].info.time, b < a { return i }
        }
        return nil
    }

    /// Growth per type name, most bytes gained first; types whose count and
    /// bytes are the same in the first and last snapshot are left out (JSON `by_type`).
    public var byType: [GrowthRow]
    /// Growth per module, most bytes gained first; unchanged ones (first to
    /// last snapshot) left out (JSON `by_module`).
    public var byModule: [GrowthRow]
    /// Objects new in the target (and, with three snapshots, still in the final).
    public var candidates: Int
    /// Shallow bytes of the candidates (JSON `candidate_bytes`).
    public var candidateBytes: UInt64
    /// Objects new in the target that were gone by the final snapshot.
    public var transient: Int
    /// Candidates clustered by how they are held, most shallow bytes first
    /// (JSON `clusters`).
    public var clusters: [LeakCluster]
    /// Number of snapshots compared: 2 or 3.
    public var snapshots: Int

    /// The snapshots' pids differ, so addresses cannot be compared.
    public struct DifferentProcesses: Error, CustomStringConvertible {
        /// The message, with the pids and the `--by-type` way out.
        public var description: String
    }

    /// - Parameter byTypeOnly: compare type tables only; snapshots may come from different processes.
    public init(_ graphs: [HeapGraph], byTypeOnly: Bool = false) throws(DifferentProcesses) {
        precondition(graphs.count == 2 || graphs.count == 3)
        snapshots = graphs.count
        if !byTypeOnly {
            let pids = graphs.map(\.info.pid)
            if let a = pids[0], pids.contains(where: { $0 != nil && $0 != a }) {
                throw DifferentProcesses(description: "the snapshots come from different processes (pids \(pids.map { $0.map(String.init) ?? "?" }.joined(separator: ", "))): addresses mean nothing across processes. Use --by-type to compare type tables only")
            }
        }
        (byType, byModule) = Self.growth(graphs)
        guard !byTypeOnly else {
            candidates = 0; candidateBytes = 0; transient = 0; clusters = []
            return
        }
        let target = graphs[1]
        let last = graphs[graphs.count - 1]
        let newInTarget = SnapshotMatch(earlier: graphs[0], later: target).existed.map { !$0 }
        var isCandidate: [Bool]
        if graphs.count == 3 {
            // Candidates live in FINAL: objects that existed in TARGET (same object) and were new there.
            let inTarget = SnapshotMatch(earlier: target, later: last).earlierNode
            isCandidate = last.nodes.map { n in
                let t = inTarget[Int(n)]
                return t != SnapshotMatch.none && newInTarget[Int(t)]
            }
            let kept = isCandidate.reduce(0) { $0 + ($1 ? 1 : 0) }
            transient = newInTarget.reduce(0) { $0 + ($1 ? 1 : 0) } - kept
        } else {
            isCandidate = newInTarget
            transient = 0
        }
        for n in last.nodes where last.flags(n).contains(.placeholder) { isCandidate[Int(n)] = false }
        var count = 0
        var bytes: UInt64 = 0
        for n in last.nodes where isCandidate[Int(n)] { count += 1; bytes &+= last.size(n) }
        candidates = count
        candidateBytes = bytes
        // Older objects: in the final snapshot, those that were already in the target (or baseline).
        let existedBefore = graphs.count == 3 ? SnapshotMatch(earlier: target, later: last).earlierNode.enumerated().map { i, t in t != SnapshotMatch.none && !isCandidate[i] }
            : SnapshotMatch(earlier: graphs[0], later: last).existed
        clusters = Self.cluster(last, isCandidate: isCandidate, existedBefore: existedBefore)
    }

    /// Count and bytes per type and per module in every snapshot.
    static func growth(_ graphs: [HeapGraph]) -> ([GrowthRow], [GrowthRow]) {
        var types: [String: GrowthRow] = [:]
        var modules: [String: GrowthRow] = [:]
        for (i, g) in graphs.enumerated() {
            let d = HeapSemantics(g)
            var c = [Int](repeating: 0, count: g.strings.count)
            var b = [UInt64](repeating: 0, count: g.strings.count)
            for n in 0..<g.nodeCount { c[Int(g.typeIDs[n])] += 1; b[Int(g.typeIDs[n])] &+= g.size(HeapGraph.Node(n)) }
            for t in 0..<c.count where c[t] > 0 {
                let name = g.strings[UInt32(t)]
                let module = d.moduleOfType(UInt32(t))
                var row = types[name] ?? GrowthRow(key: name, module: module, counts: Array(repeating: 0, count: graphs.count), bytes: Array(repeating: 0, count: graphs.count))
                row.counts[i] += c[t]; row.bytes[i] &+= b[t]
                types[name] = row
                var m = modules[module] ?? GrowthRow(key: module, module: module, counts: Array(repeating: 0, count: graphs.count), bytes: Array(repeating: 0, count: graphs.count))
                m.counts[i] += c[t]; m.bytes[i] &+= b[t]
                modules[module] = m
            }
        }
        func order(_ rows: [GrowthRow]) -> [GrowthRow] {
            rows.filter { $0.countDelta != 0 || $0.bytesDelta != 0 }
                .sorted { ($0.bytesDelta, $0.countDelta, $1.key) > ($1.bytesDelta, $1.countDelta, $0.key) }
        }
        return (order(Array(types.values)), order(Array(modules.values)))
    }

    /// Clusters the leak candidates. Candidates that reference each other form
    /// one leak (a chain, a module copy, a cache entry with its strings). Each
    /// leak is shown by how it is held: from the roots to its biggest retainer
    /// when one object holds most of it, else to the pre-existing object it
    /// hangs from (`attachedTo`). Leaks held the same way form one cluster.
    static func cluster(_ g: HeapGraph, isCandidate: [Bool], existedBefore: [Bool]) -> [LeakCluster] {
        let tree = DominatorTree(g)
        let paths = RootPaths(g)
        let semantics = HeapSemantics(g)
        // 1. Components of candidates, by union-find over retaining references.
        var parent = [UInt32](unsafeUninitializedCapacity: g.nodeCount) { b, c in for i in 0..<g.nodeCount { b[i] = UInt32(i) }; c = g.nodeCount }
        func find(_ x: UInt32) -> UInt32 {
            var r = x
            while parent[Int(r)] != r { r = parent[Int(r)] }
            var y = x
            while parent[Int(y)] != r { let next = parent[Int(y)]; parent[Int(y)] = r; y = next }
            return r
        }
        for n in g.nodes where isCandidate[Int(n)] {
            for e in g.outEdges(n) where !g.isWeak(edge: e) {
                let t = g.target(ofEdge: e)
                if isCandidate[Int(t)] {
                    let a = find(n), b = find(t)
                    if a != b { parent[Int(max(a, b))] = min(a, b) }
                }
            }
        }
        var members: [UInt32: [HeapGraph.Node]] = [:]
        for n in g.nodes where isCandidate[Int(n)] { members[find(n), default: []].append(n) }
        // 2. Each component: its bytes, what freeing it frees, and how it is held.
        var clusters: [[String]: LeakCluster] = [:]
        for (_, ms) in members.sorted(by: { $0.key < $1.key }) {
            let set = Set(ms)
            var bytes: UInt64 = 0
            var freed: UInt64 = 0
            var biggest = ms[0]
            for m in ms {
                bytes &+= g.size(m)
                if tree.retained[Int(m)] > tree.retained[Int(biggest)] { biggest = m }
                let d = tree.idom[Int(m)]
                if d == DominatorTree.superRoot || (d != DominatorTree.unreachable && !set.contains(d)) { freed &+= tree.retained[Int(m)] }
            }
            var hops: [Hop]
            if !paths.isReached(biggest) {
                hops = [Hop(node: biggest, edge: nil)]
            } else if tree.retained[Int(biggest)] * 2 >= bytes || ms.contains(where: { g.rootKind($0) != .none }) {
                hops = PathSignature.hops(g, paths.path(to: biggest))
            } else {
                // The pre-existing object it hangs from, nearest a root; older objects first.
                var best: (old: Bool, depth: Int, source: HeapGraph.Node, target: HeapGraph.Node)?
                for m in ms {
                    for e in g.inEdges(m) {
                        let s = g.source(ofInEdge: e)
                        guard !set.contains(s), paths.isReached(s), !g.isWeakOnly(from: s, to: m) else { continue }
                        let cand = (old: existedBefore[Int(s)], depth: Int(paths.depth(s)), source: s, target: m)
                        if best == nil || (cand.old && !best!.old) || (cand.old == best!.old && cand.depth < best!.depth) { best = cand }
                    }
                }
                if let best {
                    hops = PathSignature.hops(g, paths.path(to: best.source) + [best.target])
                } else {
                    hops = PathSignature.hops(g, paths.path(to: biggest))
                }
            }
            let sig = hops.count == 1 && !paths.isReached(hops[0].node) ? ["unreachable", g.typeName(hops[0].node)]
                : PathSignature.of(g, hops, semantics)
            var c = clusters[sig] ?? LeakCluster(roots: [], objects: 0, shallowBytes: 0, retainedBytes: 0, signature: sig, path: hops)
            c.roots.append(hops[hops.count - 1].node)
            c.objects += ms.count
            for m in ms { c.typeCounts[g.typeName(m), default: 0] += 1 }
            if !g.allocIDs.isEmpty {
                for m in ms {
                    let site = g.allocationSite(m)
                    c.siteCounts[site, default: SiteCount()].objects += 1
                    c.siteCounts[site, default: SiteCount()].bytes &+= g.size(m)
                }
            }
            c.shallowBytes &+= bytes
            c.retainedBytes &+= freed
            clusters[sig] = c
        }
        return clusters.values.sorted { ($0.shallowBytes, $0.objects) > ($1.shallowBytes, $1.objects) }
    }
}
