/// The dominator tree laid out for queries: children of each node, and a
/// preorder numbering in which every subtree is one contiguous interval,
/// so "does `a` dominate `b`" and "everything `a` retains" are cheap.
public struct DominatorIndex: Sendable {
    /// A node index of the graph.
    public typealias Node = HeapGraph.Node
    /// The tree it indexes.
    public let tree: DominatorTree
    /// Children of node `n` are `children[childOffsets[n] ..< childOffsets[n + 1]]`;
    /// index `nodeCount` holds the super-root's children (the tops).
    public let childOffsets: [UInt32]
    /// Every node's children, grouped by parent (see `childOffsets`).
    public let children: [Node]
    /// Dominator-tree preorder position of each reachable node.
    public let position: [UInt32]
    /// Number of nodes in each node's subtree, itself included.
    public let subtreeSize: [UInt32]
    /// Nodes in dominator-tree preorder.
    public let order: [Node]

    /// Cost: a few passes over the nodes; O(nodes) memory.
    public init(_ graph: HeapGraph, tree: DominatorTree) {
        self.tree = tree
        let n = graph.nodeCount
        var counts = [UInt32](repeating: 0, count: n + 2)
        for v in 0..<n {
            let d = tree.idom[v]
            if d == DominatorTree.unreachable { continue }
            counts[(d == DominatorTree.superRoot ? n : Int(d)) + 1] += 1
        }
        for i in 0...n { counts[i + 1] += counts[i] }
        var kids = [Node](repeating: 0, count: Int(counts[n + 1]))
        // Fill in graph-DFS preorder so siblings keep a stable order; counts[p]
        // serves as p's cursor, which leaves it at p + 1's start: shift back after.
        for v in tree.preorder {
            let d = tree.idom[Int(v)]
            let p = d == DominatorTree.superRoot ? n : Int(d)
            kids[Int(counts[p])] = v
            counts[p] += 1
        }
        for i in stride(from: n + 1, to: 0, by: -1) { counts[i] = counts[i - 1] }
        counts[0] = 0
        // Iterative preorder walk of the dominator tree. The stack holds at most
        // every node once; left uninitialised, only the depth it reaches is resident.
        var position = [UInt32](repeating: UInt32.max, count: n)
        var size = [UInt32](repeating: 0, count: n)
        var order: [Node] = []
        order.reserveCapacity(kids.count)
        var stack = [UInt32](unsafeUninitializedCapacity: n + 1) { _, c in c = n + 1 }
        stack[0] = UInt32(n)
        var top = 1
        while top > 0 {
            top -= 1
            let p = Int(stack[top])
            if p != n {
                position[p] = UInt32(order.count)
                order.append(Node(p))
            }
            for k in (Int(counts[p])..<Int(counts[p + 1])).reversed() {
                stack[top] = kids[k]
                top += 1
            }
        }
        for v in order.reversed() {
            size[Int(v)] += 1
            let d = tree.idom[Int(v)]
            if d != DominatorTree.superRoot { size[Int(d)] += size[Int(v)] }
        }
        PhaseTrace.mark("dominator index")
        childOffsets = counts
        children = kids
        self.position = position
        subtreeSize = size
        self.order = order
    }

    /// The nodes `n` immediately dominates; `nil` means the super-root.
    public func children(of n: Node?) -> ArraySlice<Node> {
        let i = n.map(Int.init) ?? (childOffsets.count - 2)
        return children[Int(childOffsets[i])..<Int(childOffsets[i + 1])]
    }

    /// Whether `a` dominates `b` (every node dominates itself).
    public func dominates(_ a: Node, _ b: Node) -> Bool {
        let pa = position[Int(a)], pb = position[Int(b)]
        guard pa != UInt32.max, pb != UInt32.max else { return false }
        return pb >= pa && pb < pa + subtreeSize[Int(a)]
    }

    /// Everything `n` retains, itself first.
    public func retainedSet(_ n: Node) -> ArraySlice<Node> {
        let p = Int(position[Int(n)])
        guard p != Int(UInt32.max) else { return [] }
        return order[p..<(p + Int(subtreeSize[Int(n)]))]
    }

    /// Retained bytes of a set of nodes, counting each object once even when
    /// members dominate each other.
    public func retained(of members: [Node]) -> UInt64 {
        var sorted = members.filter { position[Int($0)] != UInt32.max }
        sorted.sort { position[Int($0)] < position[Int($1)] }
        var total: UInt64 = 0
        var openEnd: UInt32 = 0
        for m in sorted {
            let p = position[Int(m)]
            if p < openEnd { continue }  // inside a counted member's subtree
            total &+= tree.retained[Int(m)]
            openEnd = p + subtreeSize[Int(m)]
        }
        return total
    }
}
