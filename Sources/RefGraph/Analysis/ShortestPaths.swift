/// Shortest retention paths to objects asked for one at a time: from each
/// target's side while that stays cheap, then one forward search shared by
/// every later question. Same answers either way.
public struct ShortestPaths {
    /// A node index of the graph.
    public typealias Node = HeapGraph.Node
    let graph: HeapGraph
    let avoid: ((Node) -> Bool)?
    let maxDepth: Int?
    var budget: Int
    /// The shared forward search, once one was needed; nil until then.
    public private(set) var forward: RootPaths?

    /// - Parameter backward: whether to try the targets' side first (false for many targets).
    public init(_ graph: HeapGraph, avoid: ((Node) -> Bool)? = nil, maxDepth: Int? = nil, backward: Bool = true) {
        self.graph = graph
        self.avoid = avoid
        self.maxDepth = maxDepth
        budget = backward ? max(250_000, graph.nodeCount / 16) : -1
    }

    /// Root first, `target` last; empty when no root reaches it.
    public mutating func path(to target: Node) -> [Node] {
        if forward == nil && budget >= 0 {
            switch TargetPaths.path(graph, to: target, avoid: avoid, maxDepth: maxDepth, budget: &budget) {
            case .path(let p): return p
            case .unreached: return []
            case .tooLarge: break
            }
        }
        if forward == nil { forward = RootPaths(graph, avoid: avoid, maxDepth: maxDepth) }
        return forward!.path(to: target)
    }
}
