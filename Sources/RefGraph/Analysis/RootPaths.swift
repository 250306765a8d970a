/// Shortest retention paths from the GC roots to every object: one
/// breadth-first search over retaining edges (weakrefs never retain),
/// remembering each object's parent on a shortest path.
///
/// Named roots (sys.modules, thread frames, gc.garbage, atexit, builtins) are
/// queued before external, immortal and unreferenced ones, so when two paths
/// are equally short the one from a named root wins: BFS keeps that order
/// layer by layer.
public struct RootPaths: Sendable {
    /// A node index of the graph.
    public typealias Node = HeapGraph.Node
    /// `parent` of a node no root reaches.
    public static let unreached = UInt32.max

    /// Parent on a shortest path; the root itself for roots; `unreached` otherwise.
    public let parent: [UInt32]
    /// Number of nodes reached, roots included.
    public let reachedCount: Int

    /// - Parameters:
    ///   - avoid: objects the paths must not pass through (they are not reached, unless roots).
    ///   - maxDepth: stop after this many hops from the roots.
    public init(_ graph: HeapGraph, avoid: ((Node) -> Bool)? = nil, maxDepth: Int? = nil) {
        var parent = [UInt32](repeating: Self.unreached, count: graph.nodeCount)
        var queue = [UInt32]()
        queue.reserveCapacity(graph.nodeCount)
        for named in [true, false] {
            for n in graph.nodes {
                let k = graph.rootKind(n)
                guard k != .none, k.isNamed == named else { continue }
                if let avoid, avoid(n) { continue }
                parent[Int(n)] = n
                queue.append(n)
            }
        }
        var head = 0
        var layerEnd = queue.count
        var depth = 0
        graph.forwardOffsets.withUnsafeBufferPointer { off in
            graph.forwardTargets.withUnsafeBufferPointer { tgt in
                graph.weakEdges.withUnsafeBufferPointer { weak in
                    parent.withUnsafeMutableBufferPointer { par in
                        while head < queue.count {
                            if head == layerEnd {
                                depth += 1
                                layerEnd = queue.count
                                if let maxDepth, depth >= maxDepth { break }
                            }
                            let v = queue[head]
                            head += 1
                            for e in Int(off[Int(v)])..<Int(off[Int(v) + 1]) {
                                let w = tgt[e]
                                if par[Int(w)] != Self.unreached || HeapGraph.isWeak(weak, e) { continue }
                                if let avoid, avoid(w) { continue }
                                par[Int(w)] = v
                                queue.append(w)
                            }
                        }
                    }
                }
            }
        }
        self.parent = parent
        self.reachedCount = queue.count
    }

    /// Whether a root reaches `n` (within `maxDepth`, avoiding `avoid`).
    public func isReached(_ n: Node) -> Bool { parent[Int(n)] != Self.unreached }

    /// Hops from the nearest root (0 for roots); `n` must be reached.
    public func depth(_ n: Node) -> UInt32 {
        var d: UInt32 = 0
        var v = n
        while parent[Int(v)] != v && parent[Int(v)] != Self.unreached { v = parent[Int(v)]; d += 1 }
        return d
    }

    /// The path from a root to `n`, root first; empty when `n` is not reached.
    public func path(to n: Node) -> [Node] {
        guard isReached(n) else { return [] }
        var out = [n]
        var v = n
        while parent[Int(v)] != v {
            v = parent[Int(v)]
            out.append(v)
        }
        return out.reversed()
    }
}
