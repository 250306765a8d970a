/// Shortest retention paths to a few objects, found from the objects' side.
///
/// `RootPaths` walks forward from every root over the whole heap; on a
/// 10M-object dump that is a second of work to print one path. Here a
/// breadth-first search runs backwards from the target over referrers
/// until the first layer that holds a root, which usually touches a tiny
/// part of the heap. A forward search from those roots, restricted to the
/// objects on shortest paths, then picks the very path `RootPaths` would:
/// named roots first, then the first discoverer in breadth-first order.
///
/// Why it is the same path: an object `v` lies on a shortest path of
/// length `d` exactly when `forward(v) + backward(v) == d`, and the
/// breadth-first parent of such an object is on a shortest path too, so
/// the restricted search sees every candidate parent, in the same order.
public enum TargetPaths {
    /// A node index of the graph.
    public typealias Node = HeapGraph.Node

    /// What one search found.
    public enum Outcome: Equatable, Sendable {
        /// Root first, the target last.
        case path([Node])
        /// No root reaches the target (within `maxDepth`, avoiding `avoid`).
        case unreached
        /// The search grew past its budget; use `RootPaths`.
        case tooLarge
    }

    /// The shortest path to `target`, visiting at most `budget` objects (it
    /// is decreased by what this search used).
    public static func path(_ graph: HeapGraph, to target: Node, avoid: ((Node) -> Bool)? = nil,
                            maxDepth: Int? = nil, budget: inout Int) -> Outcome {
        if let avoid, avoid(target) { return .unreached }
        // 1. Backwards, layer by layer, to the first layer with a usable root.
        var distance: [Node: UInt32] = [target: 0]
        var layer: [Node] = [target]
        var depth = 0
        while true {
            if layer.contains(where: { graph.rootKind($0) != .none }) { break }
            if layer.isEmpty { return .unreached }
            if let maxDepth, depth >= maxDepth { return .unreached }
            var next: [Node] = []
            for v in layer {
                for e in graph.inEdges(v) {
                    let s = graph.source(ofInEdge: e)
                    if distance[s] != nil || graph.isWeakOnly(from: s, to: v) { continue }
                    if let avoid, avoid(s) { continue }
                    distance[s] = UInt32(depth + 1)
                    next.append(s)
                }
            }
            budget -= next.count
            if budget < 0 { return .tooLarge }
            layer = next
            depth += 1
        }
        // 2. Forwards from those roots, named first and then in node order as
        //    RootPaths queues them, only through objects on shortest paths.
        let d = UInt32(depth)
        var roots = layer.filter { graph.rootKind($0) != .none }
        roots.sort { (graph.rootKind($0).isNamed ? 0 : 1, $0) < (graph.rootKind($1).isNamed ? 0 : 1, $1) }
        if roots[0] == target { return .path([target]) }
        var parent: [Node: Node] = [:]
        for r in roots { parent[r] = r }
        var current = roots
        for k in 0..<depth {
            var next: [Node] = []
            for v in current {
                for e in graph.outEdges(v) where !graph.isWeak(edge: e) {
                    let w = graph.target(ofEdge: e)
                    guard distance[w] == d - UInt32(k) - 1, parent[w] == nil else { continue }
                    parent[w] = v
                    next.append(w)
                }
            }
            current = next
        }
        var path = [target]
        var v = target
        while let p = parent[v], p != v { path.append(p); v = p }
        return .path(path.reversed())
    }
}
