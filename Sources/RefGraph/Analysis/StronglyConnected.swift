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
    ///
    /// Pearce's space-efficient variant of Tarjan ("A space-efficient
    /// algorithm for finding strongly connected components", IPL 2016): one
    /// word per node (`rindex`) stands for Tarjan's index, low link and
    /// on-stack flag, and ends as the component id. Cost: O(nodes + edges)
    /// time; 4 bytes a node, plus stacks as deep as the search goes.
    public init(_ graph: HeapGraph, partition: [UInt8]? = nil) {
        let n = graph.nodeCount
        // rindex: 0 unvisited; while open, the smallest visit index known to
        // reach the node; once its component is done, a component number
        // counted down from n - 1 (always above every open index).
        var rindex = [UInt32](repeating: 0, count: n)
        var selfLoops = Set<Node>()
        var last = UInt32(n) &- 1  // the next component number, counting down
        rindex.withUnsafeMutableBufferPointer { rindex in
            // Frames of the explicit depth-first search: node, next edge, and
            // whether the node is still its component's root. The stacks are
            // as deep as the search (at most n); their pages are touched only that far.
            let frameNode = UnsafeMutablePointer<UInt32>.allocate(capacity: max(n, 1))
            let frameEdge = UnsafeMutablePointer<UInt32>.allocate(capacity: max(n, 1))
            let frameRoot = UnsafeMutablePointer<Bool>.allocate(capacity: max(n, 1))
            let open = UnsafeMutablePointer<UInt32>.allocate(capacity: max(n, 1))  // Tarjan's stack S
            defer { frameNode.deallocate(); frameEdge.deallocate(); frameRoot.deallocate(); open.deallocate() }
            var depth = 0, openCount = 0
            var index: UInt32 = 1
            graph.forwardOffsets.withUnsafeBufferPointer { off in
                graph.forwardTargets.withUnsafeBufferPointer { tgt in
                    graph.weakEdges.withUnsafeBufferPointer { weak in
                        for s in 0..<n where rindex[s] == 0 {
                            rindex[s] = index; index += 1
                            frameNode[0] = UInt32(s); frameEdge[0] = off[s]; frameRoot[0] = true
                            depth = 1
                            while depth > 0 {
                                let top = depth - 1
                                let v = Int(frameNode[top])
                                let e = Int(frameEdge[top])
                                if e < Int(off[v + 1]) {
                                    frameEdge[top] = UInt32(e + 1)
                                    if HeapGraph.isWeak(weak, e) { continue }
                                    let w = Int(tgt[e])
                                    if let partition, partition[w] != partition[v] { continue }
                                    if w == v { selfLoops.insert(Node(v)); continue }
                                    if rindex[w] == 0 {  // descend; the parent is updated on return
                                        rindex[w] = index; index += 1
                                        frameNode[depth] = UInt32(w); frameEdge[depth] = off[w]; frameRoot[depth] = true
                                        depth += 1
                                    } else if rindex[w] < rindex[v] {
                                        rindex[v] = rindex[w]; frameRoot[top] = false
                                    }
                                    continue
                                }
                                // v is finished.
                                depth -= 1
                                if frameRoot[top] {
                                    index -= 1
                                    while openCount > 0 && rindex[v] <= rindex[Int(open[openCount - 1])] {
                                        openCount -= 1
                                        rindex[Int(open[openCount])] = last
                                        index -= 1
                                    }
                                    rindex[v] = last
                                    last &-= 1
                                } else {
                                    open[openCount] = UInt32(v); openCount += 1
                                }
                                if depth > 0, rindex[v] < rindex[Int(frameNode[depth - 1])] {
                                    rindex[Int(frameNode[depth - 1])] = rindex[v]; frameRoot[depth - 1] = false
                                }
                            }
                        }
                    }
                }
            }
            // Component numbers were counted down in finishing order; count up instead.
            let top = UInt32(n) &- 1
            for i in 0..<n { rindex[i] = top &- rindex[i] }
        }
        self.component = rindex
        self.count = Int(UInt32(n) &- 1 &- last)
        self.selfLoops = selfLoops
    }

    /// Members of each component with more than one node or a self
    /// reference, each in node order, components in id order.
    public func cyclicComponents() -> [[Node]] {
        let sizes = componentSizes()
        // The slot of each cyclic component in the result, or -1.
        var slot = [Int32](repeating: -1, count: count)
        var members: [[Node]] = []
        func open(_ c: Int) {
            guard slot[c] < 0 else { return }
            slot[c] = 0  // numbered below, in id order
        }
        for c in 0..<count where sizes[c] > 1 { open(c) }
        for v in selfLoops { open(Int(component[Int(v)])) }
        for c in 0..<count where slot[c] == 0 {
            slot[c] = Int32(members.count)
            members.append([])
            members[members.count - 1].reserveCapacity(Int(sizes[c]))
        }
        for (v, c) in component.enumerated() where slot[Int(c)] >= 0 {
            members[Int(slot[Int(c)])].append(Node(v))
        }
        return members
    }
}

extension StronglyConnected {
    /// One concrete cycle through `start`, as edge indices in order, found by
    /// a breadth-first search that stays inside `start`'s component.
    /// Empty when `start` is in no cycle. Cost: the component's edges, and
    /// 4 bytes a node of the graph; `CycleSearch` reuses them across calls.
    public func cycle(through start: Node, in graph: HeapGraph) -> [Int] {
        var search = CycleSearch(nodeCount: graph.nodeCount)
        return search.cycle(through: start, scc: self, in: graph)
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

/// Finds concrete cycles (`StronglyConnected.cycle(through:in:)`) one after
/// another with one table of parent edges, allocated once and cleared only
/// where a search wrote: many small searches cost what they visit.
struct CycleSearch {
    /// The edge + 1 by which the search first reached each node; 0 if not reached.
    private var parentEdge: [UInt32]
    private var reached: [HeapGraph.Node] = []

    init(nodeCount: Int) {
        parentEdge = [UInt32](repeating: 0, count: nodeCount)
    }

    /// As `StronglyConnected.cycle(through:in:)`.
    mutating func cycle(through start: HeapGraph.Node, scc: StronglyConnected, in graph: HeapGraph) -> [Int] {
        defer {
            for v in reached { parentEdge[Int(v)] = 0 }
            reached.removeAll(keepingCapacity: true)
        }
        let c = scc.component[Int(start)]
        var head = 0
        reached.append(start)  // the queue: the nodes reached, in order
        while head < reached.count {
            let v = reached[head]
            head += 1
            for e in graph.outEdges(v) where !graph.isWeak(edge: e) {
                let w = graph.target(ofEdge: e)
                guard scc.component[Int(w)] == c else { continue }
                if w == start {
                    var edges = [e]
                    var x = v
                    while x != start, case let pe = parentEdge[Int(x)], pe != 0 {
                        edges.append(Int(pe - 1))
                        x = graph.reverseSourceOfForward(Int(pe - 1))
                    }
                    return edges.reversed()
                }
                if parentEdge[Int(w)] == 0 {
                    parentEdge[Int(w)] = UInt32(e + 1)
                    reached.append(w)
                }
            }
        }
        return []
    }
}
