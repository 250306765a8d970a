/// Which part of the heap a picture shows.
public enum RenderMode: String, Sendable, CaseIterable {
    /// Grow backwards from the targets, like objgraph.show_backrefs.
    case backrefs
    /// Grow forwards, like objgraph.show_refs.
    case refs
    /// Only the objects on the targets' shortest root paths.
    case roots
    /// One strongly connected component.
    case cycle
}

/// How to choose the picture's objects.
public struct RenderOptions: Sendable {
    public var mode: RenderMode = .backrefs
    public var maxDepth = 3
    /// A node with more neighbours than this in the growing direction shows
    /// the first `tooMany` and one "+M more" box for the rest (objgraph's `too_many`).
    public var tooMany = 10
    public var maxNodes = 500
    public var refcounts = false
    public var longNames = false
    /// With `.roots`: paths per group, each through a different holder.
    public var alternatives = 1
    public init() {}
}

/// A "N more referrers" (or referents) box standing for neighbours left out.
public struct ElidedBox: Sendable, Equatable {
    public var node: HeapGraph.Node
    public var count: Int
}

/// The objects and references chosen for a picture, with depth from the targets.
public struct Subgraph: Sendable {
    public var nodes: [HeapGraph.Node] = []
    /// Forward edge indices between chosen nodes.
    public var edges: [Int] = []
    public var depth: [HeapGraph.Node: Int] = [:]
    public var targets: Set<HeapGraph.Node> = []
    public var elided: [ElidedBox] = []
    /// Long paths in `roots` mode are drawn as their ends with one box for the
    /// hops between (`from` and `to` are drawn; `hops` were left out).
    public var gaps: [PathGap] = []
    public var mode: RenderMode = .backrefs

    public struct PathGap: Sendable, Equatable {
        public var from: HeapGraph.Node
        public var to: HeapGraph.Node
        public var hops: Int
    }

    /// Hops kept at each end of a long path in `roots` mode.
    public static let pathEnds = 6

    public struct TooBig: Error, CustomStringConvertible {
        public var limit: Int
        public var mode: RenderMode
        public var description: String {
            "the picture would have more than \(limit) objects (--max-nodes); narrow the selector, lower --max-depth or --too-many, add --filter/--ignore"
                + (mode == .roots ? "" : ", or use --mode roots, which draws only the shortest root paths")
        }
    }

    /// Selects the subgraph. As in objgraph, neighbours failing `filter` or
    /// matching `ignore` are left out (targets are always drawn), and
    /// `stopAt` objects are drawn but not expanded.
    public init(_ graph: HeapGraph, targets: [HeapGraph.Node], options: RenderOptions,
                filter: ((HeapGraph.Node) -> Bool)? = nil, ignore: ((HeapGraph.Node) -> Bool)? = nil,
                stopAt: ((HeapGraph.Node) -> Bool)? = nil) throws(TooBig) {
        mode = options.mode
        let targets = targets.filter { !(ignore?($0) ?? false) }
        self.targets = Set(targets)
        func add(_ n: HeapGraph.Node, _ d: Int) throws(TooBig) {
            guard depth[n] == nil else { return }
            if nodes.count >= options.maxNodes { throw TooBig(limit: options.maxNodes, mode: options.mode) }
            depth[n] = d
            nodes.append(n)
        }
        switch options.mode {
        case .backrefs, .refs:
            let backwards = options.mode == .backrefs
            var frontier: [HeapGraph.Node] = []
            for t in targets { try add(t, 0); frontier.append(t) }
            var d = 0
            let moduleType = graph.strings.lookup("module")
            while !frontier.isEmpty && d < options.maxDepth {
                var next: [HeapGraph.Node] = []
                for v in frontier {
                    // Like objgraph, stop at modules and roots going backwards; honour --stop-at.
                    if let stopAt, stopAt(v), !self.targets.contains(v) { continue }
                    if backwards && (graph.rootKind(v) != .none || graph.typeIDs[Int(v)] == moduleType) && !self.targets.contains(v) { continue }
                    var neighbours: [HeapGraph.Node] = []
                    if backwards {
                        for e in graph.inEdges(v) where !graph.isWeakOnly(from: graph.source(ofInEdge: e), to: v) {
                            neighbours.append(graph.source(ofInEdge: e))
                        }
                    } else {
                        for e in graph.outEdges(v) where !graph.isWeak(edge: e) { neighbours.append(graph.target(ofEdge: e)) }
                    }
                    var unique: [HeapGraph.Node] = []
                    var seen = Set<HeapGraph.Node>()
                    for w in neighbours where w != v && seen.insert(w).inserted && !(ignore?(w) ?? false) && (filter?(w) ?? true) {
                        unique.append(w)
                    }
                    // The first tooMany in reference order; one box for the rest not drawn yet.
                    for w in unique.prefix(options.tooMany) where depth[w] == nil {
                        try add(w, d + 1)
                        next.append(w)
                    }
                    let more = unique.dropFirst(options.tooMany).filter { depth[$0] == nil }.count
                    if more > 0 { elided.append(ElidedBox(node: v, count: more)) }
                }
                frontier = next
                d += 1
            }
        case .roots:
            let result = RetentionPaths(graph, targets: targets, avoid: ignore, alternatives: options.alternatives)
            var pathEdges = Set<Int>()
            let ends = Self.pathEnds
            for g in result.groups {
                for p in g.paths {
                    let long = p.count > 2 * ends + 2
                    for (i, h) in p.enumerated() {
                        if long && i > ends && i < p.count - ends { continue }
                        try add(h.node, p.count - 1 - i)
                        if long && i == p.count - ends {
                            let gap = PathGap(from: p[ends].node, to: h.node, hops: p.count - 2 * ends)
                            if !gaps.contains(gap) { gaps.append(gap) }
                            continue
                        }
                        if let e = h.edge, pathEdges.insert(e).inserted { edges.append(e) }
                    }
                }
            }
            // Targets that share a group's path differ only in addresses: draw the representative.
            self.targets = Set(result.groups.map { $0.members[0] } + result.unreachable.map(\.node))
            for u in result.unreachable { try add(u.node, 0) }
        case .cycle:
            let scc = StronglyConnected(graph)
            let sizes = scc.componentSizes()
            guard let start = targets.first(where: { scc.isCyclic($0, sizes: sizes) }) else { break }
            let c = scc.component[Int(start)]
            let cycleEdges = scc.cycle(through: start, in: graph)
            let first = graph.reverseSourceOfForward(cycleEdges.first ?? 0)
            try add(first, 0)
            for e in cycleEdges { try add(graph.target(ofEdge: e), 0) }
            // The rest of the component, nearest first, up to the cap.
            var queue = nodes
            var head = 0
            while head < queue.count {
                let v = queue[head]; head += 1
                for e in graph.outEdges(v) where !graph.isWeak(edge: e) {
                    let w = graph.target(ofEdge: e)
                    if scc.component[Int(w)] == c && depth[w] == nil && !(ignore?(w) ?? false) {
                        try add(w, (depth[v] ?? 0) + 1)
                        queue.append(w)
                    }
                }
            }
        }
        // Every reference among the chosen nodes (only the paths themselves in
        // roots mode); several labels between one pair are all drawn.
        if options.mode == .roots { return }
        let chosen = Set(nodes)
        for v in nodes {
            var seen = Set<UInt64>()
            for e in graph.outEdges(v) {
                let w = graph.target(ofEdge: e)
                if chosen.contains(w) && seen.insert(UInt64(w) << 32 | UInt64(graph.edgeLabels[e])).inserted && (!graph.isWeak(edge: e) || options.mode == .refs) { edges.append(e) }
            }
        }
    }
}
