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
    /// Which part of the heap to show.
    public var mode: RenderMode = .backrefs
    /// Levels grown from the targets in `backrefs` and `refs` modes.
    public var maxDepth = 3
    /// A node with more neighbours than this in the growing direction shows
    /// the first `tooMany` and one "+M more" box for the rest (objgraph's `too_many`).
    public var tooMany = 10
    /// Most objects a picture may have; more throws `Subgraph.TooBig`.
    public var maxNodes = 500
    /// Show refcounts (and unexplained references) in the labels.
    public var refcounts = false
    /// Show type and object names in full, not only their last dotted part.
    public var longNames = false
    /// With `.roots`: paths per group, each through a different holder.
    public var alternatives = 1
    /// Defaults: `backrefs`, depth 3, `tooMany` 10, at most 500 objects.
    public init() {}
}

/// A "N more referrers" (or referents) box standing for neighbours left out.
public struct ElidedBox: Sendable, Equatable {
    /// The object whose neighbours were left out.
    public var node: HeapGraph.Node
    /// How many were left out.
    public var count: Int
}

/// The objects and references chosen for a picture, with depth from the targets.
public struct Subgraph: Sendable {
    /// The chosen objects, in the order they were chosen.
    public var nodes: [HeapGraph.Node] = []
    /// Forward edge indices between chosen nodes.
    public var edges: [Int] = []
    /// Each chosen object's distance in hops from the targets (`cycle`: from
    /// the drawn cycle); it shades the picture.
    public var depth: [HeapGraph.Node: Int] = [:]
    /// The targets drawn as such (`roots`: one per path group, and the
    /// unreachable ones).
    public var targets: Set<HeapGraph.Node> = []
    /// One box per object whose neighbours were not all drawn.
    public var elided: [ElidedBox] = []
    /// Long paths in `roots` mode are drawn as their ends with one box for the
    /// hops between (`from` and `to` are drawn; `hops` were left out).
    public var gaps: [PathGap] = []
    /// The mode the objects were chosen in.
    public var mode: RenderMode = .backrefs

    /// The middle of a long path, drawn as one box.
    public struct PathGap: Sendable, Equatable {
        /// The drawn object on the root side of the gap.
        public var from: HeapGraph.Node
        /// The drawn object on the target side of the gap.
        public var to: HeapGraph.Node
        /// The number of hops the box stands for.
        public var hops: Int
    }

    /// Hops kept at each end of a long path in `roots` mode.
    public static let pathEnds = 6

    /// The picture would have more than `maxNodes` objects.
    public struct TooBig: Error, CustomStringConvertible {
        /// The `maxNodes` limit (`--max-nodes`).
        public var limit: Int
        /// The mode, which decides the advice.
        public var mode: RenderMode
        /// The limit and how to narrow the picture.
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
