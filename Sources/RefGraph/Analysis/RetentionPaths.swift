/// One step of a retention path: the object, and the edge that led to it
/// from the previous step (nil for the root).
public struct Hop: Sendable, Equatable {
    /// The object at this step.
    public var node: HeapGraph.Node
    /// The forward edge from the previous step's object to this one, a retaining
    /// one when there is one; nil for the first step.
    public var edge: Int?
}

/// Targets whose shortest paths from the roots look alike: the same
/// sequence of types and edge labels.
public struct RetentionGroup: Sendable {
    /// The shared path signature: root kind, then edge label and type per hop,
    /// container indices as `[*]` and repeated hops compressed.
    public var signature: [String]
    /// The targets in the group, in target order; the first is the representative.
    public var members: [HeapGraph.Node]
    /// Shallow bytes of the members.
    public var bytes: UInt64
    /// The representative's shortest path first; with `alternatives > 1`,
    /// further paths each held by a different holder.
    public var paths: [[Hop]]
    /// The search for alternative holders stopped at its budget: there may be more.
    public var holdersTruncated = false
}

/// A target that no root reaches, and the cycle keeping it in memory.
public struct UnreachableTarget: Sendable {
    /// The target.
    public var node: HeapGraph.Node
    /// A cycle among its referrers (edge indices), empty if none was found.
    public var cycle: [Int]
    /// From the cycle member to the target.
    public var tail: [Hop]
}

/// Why are these objects alive: shortest retention paths grouped by
/// signature, alternative holders, and the unreachable ones explained.
public struct RetentionPaths: Sendable {
    /// Number of targets asked about.
    public var targets: Int
    /// Reached targets grouped by path signature, most bytes first.
    public var groups: [RetentionGroup]
    /// Targets no root reaches; past the first `explainUnreachable`, their
    /// `cycle` and `tail` are left empty.
    public var unreachable: [UnreachableTarget]
    /// Targets that roots reach only by paths longer than `maxDepth` or
    /// through avoided objects.
    public var blocked: [HeapGraph.Node]
    /// Paths asked for per group (`--all` asks for more than one).
    public var alternatives: Int

    /// Up to this many targets, paths are searched from the targets' side.
    static let backwardTargets = 64

    /// - Parameters:
    ///   - alternatives: paths per group, each through a different holder (`--all`).
    ///   - avoid: objects paths must not pass through.
    ///   - alternativeBudget: objects the search for alternative holders may
    ///     visit per group (nil: no bound; a search that finds no further
    ///     holder may then visit every ancestor of the target).
    public init(_ graph: HeapGraph, targets: [HeapGraph.Node], avoid: ((HeapGraph.Node) -> Bool)? = nil,
                maxDepth: Int? = nil, alternatives: Int = 1, alternativeBudget: Int? = nil,
                explainUnreachable: Int = 5, semantics: HeapSemantics? = nil) {
        self.targets = targets.count
        self.alternatives = alternatives
        // A few targets: search from each target's side (TargetPaths), which
        // finds the same paths as a forward search over the whole heap.
        var finder = ShortestPaths(graph, avoid: avoid, maxDepth: maxDepth, backward: targets.count <= Self.backwardTargets)
        var groupIndex: [[String]: Int] = [:]
        var groups: [RetentionGroup] = []
        var lost: [HeapGraph.Node] = []
        let semantics = semantics ?? HeapSemantics(graph)
        for t in targets {
            let nodes = finder.path(to: t)
            guard !nodes.isEmpty else { lost.append(t); continue }
            let hops = PathSignature.hops(graph, nodes)
            let sig = PathSignature.of(graph, hops, semantics)
            if let i = groupIndex[sig] {
                groups[i].members.append(t)
                groups[i].bytes &+= graph.size(t)
            } else {
                groupIndex[sig] = groups.count
                groups.append(RetentionGroup(signature: sig, members: [t], bytes: graph.size(t), paths: [hops]))
            }
        }
        groups.sort { ($0.bytes, $0.members.count) > ($1.bytes, $1.members.count) }
        if alternatives > 1 {
            for i in groups.indices {
                var budget = alternativeBudget ?? Int.max
                groups[i].paths += Self.alternativePaths(graph, to: groups[i].members[0], first: groups[i].paths[0],
                                                         count: alternatives - 1, avoid: avoid, maxDepth: maxDepth,
                                                         budget: &budget)
                groups[i].holdersTruncated = budget < 0
            }
        }
        self.groups = groups
        // Lost targets: beyond the depth limit, or unreachable from every root.
        var unreachable: [UnreachableTarget] = []
        var blocked: [HeapGraph.Node] = []
        if !lost.isEmpty {
            // Without limits a lost target is unreachable; with them, ask a full search.
            let full = maxDepth == nil && avoid == nil ? nil : RootPaths(graph)
            let scc = StronglyConnected(graph)
            let sizes = scc.componentSizes()
            for t in lost {
                if full?.isReached(t) == true { blocked.append(t); continue }
                if unreachable.count >= explainUnreachable {
                    unreachable.append(UnreachableTarget(node: t, cycle: [], tail: []))
                    continue
                }
                unreachable.append(Self.explain(graph, t, scc: scc, sizes: sizes))
            }
        }
        self.unreachable = unreachable
        self.blocked = blocked
    }

    /// Objects on `path` that also carry references from C (docs/ROOTS.md):
    /// a holder no dump shows, listed by `path --all` beside the visible ones.
    public static func heldFromC(_ graph: HeapGraph, _ path: [Hop]) -> [HeapGraph.Node] {
        path.map(\.node).filter { graph.isHeldFromC($0) }
    }

    /// What holds a path: the root itself, or for a container root (sys.modules,
    /// builtins, a frame, gc.garbage, atexit) the first object after it.
    static func holder(_ graph: HeapGraph, _ path: [Hop]) -> HeapGraph.Node {
        if path.count > 2 && graph.rootKind(path[0].node).isNamed { return path[1].node }
        return path[0].node
    }

    /// Shortest paths to `target` that avoid every holder found so far,
    /// visiting at most `budget` objects in all (negative once exceeded).
    static func alternativePaths(_ graph: HeapGraph, to target: HeapGraph.Node, first: [Hop], count: Int,
                                 avoid: ((HeapGraph.Node) -> Bool)?, maxDepth: Int?, budget: inout Int) -> [[Hop]] {
        var held: Set<HeapGraph.Node> = [holder(graph, first)]
        var out: [[Hop]] = []
        for _ in 0..<count {
            if held.contains(target) { break }
            guard case .path(let nodes) = TargetPaths.path(graph, to: target, avoid: { held.contains($0) || (avoid?($0) ?? false) },
                                                          maxDepth: maxDepth, budget: &budget) else { break }
            let hops = PathSignature.hops(graph, nodes)
            held.insert(holder(graph, hops))
            out.append(hops)
        }
        return out
    }

    /// Walks up from an unreachable target to the first referrer on a cycle.
    static func explain(_ graph: HeapGraph, _ t: HeapGraph.Node, scc: StronglyConnected, sizes: [UInt32]) -> UnreachableTarget {
        var child: [HeapGraph.Node: HeapGraph.Node] = [t: t]
        var queue: [HeapGraph.Node] = [t]
        var head = 0
        while head < queue.count && head < 1_000_000 {
            let v = queue[head]
            head += 1
            if scc.isCyclic(v, sizes: sizes) {
                var tailNodes = [v]
                var x = v
                while x != t { x = child[x]!; tailNodes.append(x) }
                return UnreachableTarget(node: t, cycle: scc.cycle(through: v, in: graph), tail: PathSignature.hops(graph, tailNodes))
            }
            for e in graph.inEdges(v) {
                let s = graph.source(ofInEdge: e)
                if child[s] == nil { child[s] = v; queue.append(s) }
            }
        }
        return UnreachableTarget(node: t, cycle: [], tail: [])
    }
}
