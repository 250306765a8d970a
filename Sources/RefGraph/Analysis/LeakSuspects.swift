/// One leak suspect: an object, or a group of same-typed siblings in the
/// dominator tree, that keeps a large share of the heap alive.
public struct LeakSuspect: Sendable {
    /// What shape of retention a suspect is.
    public enum Kind: String, Sendable {
        /// One object retains the memory.
        case object
        /// Many same-typed siblings (say, 1,000 copies of a function) retain it together.
        case group
        /// A container holding many objects of one type, under the threshold but growing-shaped.
        case accumulation
        /// The head of a chain of like objects, each holding the next (a linked
        /// list, closures wrapping closures); reported by its head.
        case chain
    }

    /// What shape of suspect it is (JSON `kind`).
    public var kind: Kind
    /// The object, or the group's first member.
    public var node: HeapGraph.Node
    /// Objects the suspect stands for: 1, or the number of siblings in a
    /// group (JSON `members`).
    public var members: Int
    /// Bytes the suspect retains; for a group, its members' retained sizes
    /// summed (JSON `retained`).
    public var retained: UInt64
    /// Share of the reachable heap.
    public var fraction: Double
    /// Its most common referent type and how many it holds directly (containers).
    public var heldType: String?
    /// How many objects of `heldType` it refers to directly (`<key>` and weak
    /// edges not counted); 0 with none (JSON `held_count`).
    public var heldCount: Int
    /// What it retains, by type: bytes and count, largest first.
    public var retainedByType: [(type: String, bytes: UInt64, count: Int)]
    /// A shortest path from a root to the suspect's object, root first
    /// (JSON `path`).
    public var path: [Hop]
    /// Objects in its dominator subtree (itself included).
    public var subtreeObjects: Int
    /// Links in the chain (`kind == .chain`), 0 otherwise.
    public var chainLength: Int = 0
    /// The edge labels and types of one link of the chain (`kind == .chain`).
    public var chainPattern: [String] = []
    /// Objects it retains that sit in the young GC generations: allocated
    /// recently, so this part of the heap is growing now.
    public var young: Int = 0
}

/// An automatic leak report from one dump, in the manner of Eclipse MAT's
/// Leak Suspects: big retainers found by walking down the dominator tree to
/// where the memory spreads out, plus same-typed sibling groups and
/// accumulation points.
public struct LeakSuspects: Sendable {
    /// At most `limit` suspects: growing ones (two or more young objects)
    /// first, then by retained bytes (JSON `suspects`).
    public var suspects: [LeakSuspect]
    /// Bytes reachable from the roots: the dominator tree's total (JSON `reachable_bytes`).
    public var reachableBytes: UInt64
    /// Share of `reachableBytes` a suspect must retain, 0.1 for 10% (JSON `threshold`).
    public var threshold: Double
    /// Whether the dump says which objects are young (3.8+ exporter dumps).
    public var hasGenerations: Bool
    /// Set when one dump cannot rank the suspects by growth: no generation
    /// data, or none of the suspects is growing. The report points to `diff`.
    public var undecided: Bool { !hasGenerations || !suspects.contains { $0.young > 0 } }

    /// - Parameters:
    ///   - threshold: share of the reachable bytes (0.1 = 10%) a suspect must retain.
    ///   - accumulation: a container holding at least this many objects of one type is a suspect too.
    ///
    /// Cost: one walk down the dominator tree, a pass over the nodes for
    /// accumulation points, each suspect's retained set (for its breakdown
    /// and young objects), and a shortest path per reported suspect.
    public init(_ graph: HeapGraph, index: DominatorIndex, semantics: HeapSemantics, threshold: Double = 0.10, accumulation: Int = 10_000, limit: Int = 10) {
        self.threshold = threshold
        let tree = index.tree
        reachableBytes = tree.reachableBytes
        let minBytes = UInt64(max(1, Double(tree.reachableBytes) * threshold))
        var found: [LeakSuspect] = []
        var chosen = Set<HeapGraph.Node>()
        semantics.prepareOwners()  // the walk names the owners of many dicts

        // 1. Walk down from the tops: while a child still retains more than the
        //    threshold, go deeper; a node whose memory is spread over children
        //    that are each under it is where the memory accumulates.
        var stack: [HeapGraph.Node?] = [nil]
        while let p = stack.popLast() {
            let kids = index.children(of: p)
            var bigChild = false
            for k in kids where tree.retained[Int(k)] >= minBytes {
                stack.append(k)
                bigChild = true
            }
            if let p, !bigChild, tree.retained[Int(p)] >= minBytes, !Self.isRootContainer(graph, p) {
                if let chain = ChainHead(graph, index: index, at: p) {
                    guard chosen.insert(chain.head).inserted else { continue }
                    var s = Self.make(.chain, chain.head, members: 1, retained: tree.retained[Int(chain.head)], graph, index)
                    s.chainLength = chain.links
                    s.chainPattern = chain.pattern
                    found.append(s)
                    continue
                }
                chosen.insert(p)
                found.append(Self.make(.object, p, members: 1, retained: tree.retained[Int(p)], graph, index))
                continue  // its children are what it holds, not suspects of their own
            }
            // 2. Same-typed siblings that together cross the threshold.
            // Siblings are alike when type and name agree, or, for dicts, type and owner
            // ("dict of module logging"): twenty copies of one module's globals.
            var groups: [String: (first: HeapGraph.Node, count: Int, bytes: UInt64)] = [:]
            for k in kids where tree.retained[Int(k)] < minBytes {
                let what = graph.name(k) ?? semantics.owner(k)
                // Directly under the super-root, unnamed objects of one type are unrelated.
                if p == nil && what == nil { continue }
                let key = graph.typeName(k) + "\u{0}" + (what ?? "")
                let g = groups[key]
                groups[key] = (g?.first ?? k, (g?.count ?? 0) + 1, (g?.bytes ?? 0) &+ tree.retained[Int(k)])
            }
            for g in groups.values where g.count > 1 && g.bytes >= minBytes {
                found.append(Self.make(.group, g.first, members: g.count, retained: g.bytes, graph, index))
            }
        }
        // 3. Accumulation points below the threshold: a container holding many objects of one type.
        if accumulation > 0 {
            for n in graph.nodes where !chosen.contains(n) && graph.outEdges(n).count >= accumulation && tree.isReachable(n) {
                var counts: [UInt32: Int] = [:]
                for t in graph.referents(n) { counts[graph.typeIDs[Int(t)], default: 0] += 1 }
                guard let top = counts.max(by: { $0.value < $1.value }), top.value >= accumulation,
                      !Self.isRootContainer(graph, n) else { continue }
                found.append(Self.make(.accumulation, n, members: 1, retained: tree.retained[Int(n)], graph, index))
            }
        }
        // Growth: in a dump with generation data, suspects holding recently
        // allocated objects are growing now; a table built at start-up holds
        // none. They come first, each part by retained size.
        hasGenerations = graph.flags.contains { $0.contains(.young) }
        if hasGenerations {
            for i in found.indices {
                found[i].young = index.retainedSet(found[i].node).reduce(0) { $0 + (graph.flags($1).contains(.young) ? 1 : 0) }
            }
        }
        found.sort { ($0.young >= 2 ? 1 : 0, $0.retained) > ($1.young >= 2 ? 1 : 0, $1.retained) }
        suspects = Array(found.prefix(limit))
        // Paths for the reported suspects only.
        var finder = ShortestPaths(graph)
        for i in suspects.indices { suspects[i].path = PathSignature.hops(graph, finder.path(to: suspects[i].node)) }
    }

    /// sys.modules and similar interpreter containers hold everything; they are
    /// never the answer, their children are.
    static func isRootContainer(_ graph: HeapGraph, _ n: HeapGraph.Node) -> Bool {
        let k = graph.rootKind(n)
        return k == .sysModules || k == .builtins
    }

    static func make(_ kind: LeakSuspect.Kind, _ n: HeapGraph.Node, members: Int, retained: UInt64,
                     _ graph: HeapGraph, _ index: DominatorIndex) -> LeakSuspect {
        let total = max(Double(index.tree.reachableBytes), 1)
        // What it holds directly, by type.
        var direct: [UInt32: Int] = [:]
        let keyLabel = graph.strings.lookup("<key>")
        for e in graph.outEdges(n) where graph.edgeLabels[e] != keyLabel && !graph.isWeak(edge: e) {
            direct[graph.typeIDs[Int(graph.target(ofEdge: e))], default: 0] += 1
        }
        let held = direct.max { ($0.value, $1.key) < ($1.value, $0.key) }
        // What it retains, by type.
        var byType: [UInt32: (UInt64, Int)] = [:]
        for m in index.retainedSet(n) {
            let t = graph.typeIDs[Int(m)]
            let v = byType[t] ?? (0, 0)
            byType[t] = (v.0 &+ graph.size(m), v.1 + 1)
        }
        let breakdown = byType.sorted { $0.value.0 > $1.value.0 }.prefix(8).map { (type: graph.strings[$0.key], bytes: $0.value.0, count: $0.value.1) }
        return LeakSuspect(kind: kind, node: n, members: members, retained: retained, fraction: Double(retained) / total,
                           heldType: held.map { graph.strings[$0.key] }, heldCount: held?.value ?? 0,
                           retainedByType: breakdown, path: [], subtreeObjects: Int(index.subtreeSize[Int(n)]))
    }
}
