/// Strongly connected components over retaining edges (weakrefs excluded),
/// by Tarjan's algorithm with an explicit stack: no recursion, so chains
/// millions long are fine.
public struct StronglyConnected: Sendable {
    /// A node index of the graph.
    public typealias Node = HeapGraph.Node

    /// Component id of each node; ids are in reverse topological order.
    public let component: [UInt32]
    /// Number of components, single nodes included.
    public let count: Int
    /// Nodes with an edge to themselves.
    public let selfLoops: Set<Node>

    /// `partition`, when given, assigns each node a class; edges between
    /// classes are not followed, so no component spans two classes (garbage
    /// and live objects: `ReferenceCycles`).
    public init(_ graph: HeapGraph, partition: [UInt8]? = nil) {
        let n = graph.nodeCount
        let unvisited = UInt32.max
        var index = [UInt32](repeating: unvisited, count: n)
        var low = [UInt32](repeating: 0, count: n)
        var component = [UInt32](repeating: unvisited, count: n)
        var onStack = [Bool](repeating: false, count: n)
        var stack: [UInt32] = []
        var callNode: [UInt32] = []
        var callEdge: [Int] = []
        var counter: UInt32 = 0
        var components: UInt32 = 0
        var selfLoops = Set<Node>()
        graph.forwardOffsets.withUnsafeBufferPointer { off in
            graph.forwardTargets.withUnsafeBufferPointer { tgt in
                graph.weakEdges.withUnsafeBufferPointer { weak in
                    for s in 0..<n where index[s] == unvisited {
                        index[s] = counter; low[s] = counter; counter += 1
                        stack.append(UInt32(s)); onStack[s] = true
                        callNode.append(UInt32(s)); callEdge.append(Int(off[s]))
                        while let v = callNode.last {
                            let vi = Int(v)
                            let e = callEdge[callEdge.count - 1]
                            if e < Int(off[vi + 1]) {
                                callEdge[callEdge.count - 1] = e + 1
                                if HeapGraph.isWeak(weak, e) { continue }
                                let w = Int(tgt[e])
                                if let partition, partition[w] != partition[vi] { continue }
                                if w == vi { selfLoops.insert(v); continue }
                                if index[w] == unvisited {
                                    index[w] = counter; low[w] = counter; counter += 1
                                    stack.append(UInt32(w)); onStack[w] = true
                                    callNode.append(UInt32(w)); callEdge.append(Int(off[w]))
                                } else if onStack[w] {
                                    low[vi] = min(low[vi], index[w])
                                }
                                continue
                            }
                            callNode.removeLast(); callEdge.removeLast()
                            if low[vi] == index[vi] {
                                while true {
                                    let x = Int(stack.removeLast())
                                    onStack[x] = false
                                    component[x] = components
                                    if x == vi { break }
                                }
                                components += 1
                            }
                            if let p = callNode.last { low[Int(p)] = min(low[Int(p)], low[vi]) }
                        }
                    }
                }
            }
        }
        self.component = component
        self.count = Int(components)
        self.selfLoops = selfLoops
    }

    /// Members of each component with more than one node or a self reference.
    public func cyclicComponents() -> [[Node]] {
        var sizes = [UInt32](repeating: 0, count: count)
        for c in component { sizes[Int(c)] += 1 }
        var members = [[Node]](repeating: [], count: count)
        for (v, c) in component.enumerated() where sizes[Int(c)] > 1 || selfLoops.contains(Node(v)) {
            members[Int(c)].append(Node(v))
        }
        return members.filter { !$0.isEmpty }
    }
}

extension StronglyConnected {
    /// One concrete cycle through `start`, as edge indices in order, found by
    /// a breadth-first search that stays inside `start`'s component.
    /// Empty when `start` is in no cycle.
    public func cycle(through start: Node, in graph: HeapGraph) -> [Int] {
        let c = component[Int(start)]
        var parentEdge: [Node: Int] = [:]
        var queue: [Node] = [start]
        var head = 0
        while head < queue.count {
            let v = queue[head]
            head += 1
            for e in graph.outEdges(v) where !graph.isWeak(edge: e) {
                let w = graph.target(ofEdge: e)
                guard component[Int(w)] == c else { continue }
                if w == start {
                    var edges = [e]
                    var x = v
                    while x != start, let pe = parentEdge[x] {
                        edges.append(pe)
                        x = graph.reverseSourceOfForward(pe)
                    }
                    return edges.reversed()
                }
                if parentEdge[w] == nil {
                    parentEdge[w] = e
                    queue.append(w)
                }
            }
        }
        return []
    }

    /// Whether `n` lies on a cycle.
    public func isCyclic(_ n: Node, sizes: [UInt32]) -> Bool {
        sizes[Int(component[Int(n)])] > 1 || selfLoops.contains(n)
    }

    /// Number of members of each component.
    public func componentSizes() -> [UInt32] {
        var sizes = [UInt32](repeating: 0, count: count)
        for c in component { sizes[Int(c)] += 1 }
        return sizes
    }
}

extension HeapGraph {
    /// The source node of forward edge `e`, by binary search over the offsets.
    public func reverseSourceOfForward(_ e: Int) -> Node {
        var lo = 0, hi = nodeCount
        let target = UInt32(e)
        while lo < hi {
            let mid = (lo + hi) / 2
            if forwardOffsets[mid + 1] <= target { lo = mid + 1 } else { hi = mid }
        }
        return Node(lo)
    }
}
