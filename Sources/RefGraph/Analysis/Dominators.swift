/// The dominator tree of the heap and every object's retained size.
///
/// A virtual super-root points to every GC root; object `d` dominates `n`
/// when every retaining path from the super-root to `n` passes through `d`,
/// so freeing `d` would free `n`. Weakref edges do not retain. Built with
/// the semi-NCA variant of Lengauer-Tarjan (Georgiadis), iteratively: no
/// recursion, so million-long chains are fine.
public struct DominatorTree: Sendable {
    public typealias Node = HeapGraph.Node
    /// `idom` of a root's children: the virtual super-root.
    public static let superRoot = UInt32.max - 1
    /// `idom` of objects no root reaches.
    public static let unreachable = UInt32.max

    /// Immediate dominator of each node (`superRoot` for roots, `unreachable` if unreached).
    public let idom: [UInt32]
    /// Shallow size of each node plus that of everything it dominates (0 if unreached).
    public let retained: [UInt64]
    /// Bytes reachable from the roots: the super-root's retained size.
    public let reachableBytes: UInt64
    /// Nodes in depth-first preorder from the super-root (reachable ones only).
    public let preorder: [Node]

    public init(_ graph: HeapGraph) {
        let n = graph.nodeCount
        let none = UInt32.max
        // 1. Depth-first preorder from the super-root (dfnum 0); named roots first.
        var dfnum = [UInt32](repeating: none, count: n)
        var vertex = [UInt32](repeating: none, count: n + 1)  // vertex[0] is the super-root
        var parent = [UInt32](repeating: 0, count: n + 1)
        var roots: [Node] = []
        for named in [true, false] {
            for v in graph.nodes where graph.rootKind(v) != .none && graph.rootKind(v).isNamed == named { roots.append(v) }
        }
        // An explicit stack of (node, next edge), at most one entry per node.
        var stackNode = [UInt32](repeating: 0, count: n + 1)
        var stackEdge = [UInt32](repeating: 0, count: n + 1)
        var visited = 1
        let weak = graph.weakLabel
        graph.forwardOffsets.withUnsafeBufferPointer { off in
        graph.forwardTargets.withUnsafeBufferPointer { tgt in
        graph.edgeLabels.withUnsafeBufferPointer { lab in
        dfnum.withUnsafeMutableBufferPointer { dfnum in
        vertex.withUnsafeMutableBufferPointer { vertex in
        parent.withUnsafeMutableBufferPointer { parent in
        stackNode.withUnsafeMutableBufferPointer { stackNode in
        stackEdge.withUnsafeMutableBufferPointer { stackEdge in
            for r in roots where dfnum[Int(r)] == none {
                dfnum[Int(r)] = UInt32(visited)
                vertex[visited] = r
                parent[visited] = 0
                visited += 1
                var top = 0
                stackNode[0] = r
                stackEdge[0] = off[Int(r)]
                while top >= 0 {
                    let v = stackNode[top]
                    let e = stackEdge[top]
                    if e == off[Int(v) + 1] { top -= 1; continue }
                    stackEdge[top] = e + 1
                    let w = tgt[Int(e)]
                    if lab[Int(e)] == weak || dfnum[Int(w)] != none { continue }
                    dfnum[Int(w)] = UInt32(visited)
                    vertex[visited] = w
                    parent[visited] = dfnum[Int(v)]
                    visited += 1
                    top += 1
                    stackNode[top] = w
                    stackEdge[top] = off[Int(w)]
                }
            }
        }}}}}}}}
        stackNode = []
        stackEdge = []
        vertex.removeLast(n + 1 - visited)
        parent.removeLast(n + 1 - visited)
        let count = vertex.count
        // 2. Semidominators, in reverse preorder, with path-compressed eval.
        var semi = [UInt32](unsafeUninitializedCapacity: count) { b, c in for i in 0..<count { b[i] = UInt32(i) }; c = count }
        var label = semi
        var ancestor = [UInt32](repeating: none, count: count)
        var path: [UInt32] = []
        // The hot loop works on raw buffers: no copy-on-write checks per write.
        let weakPairs = !graph.weakPairs.isEmpty
        graph.reverseOffsets.withUnsafeBufferPointer { roff in
        graph.reverseSources.withUnsafeBufferPointer { src in
        graph.rootKinds.withUnsafeBufferPointer { rootKinds in
        dfnum.withUnsafeBufferPointer { dfnum in
        vertex.withUnsafeBufferPointer { vertex in
        parent.withUnsafeBufferPointer { parent in
        semi.withUnsafeMutableBufferPointer { semi in
        label.withUnsafeMutableBufferPointer { label in
        ancestor.withUnsafeMutableBufferPointer { ancestor in
            for i in stride(from: count - 1, to: 0, by: -1) {
                let w = vertex[i]
                var s = semi[i]
                if rootKinds[Int(w)] != .none { s = 0 }  // the super-root's edge
                for e in Int(roff[Int(w)])..<Int(roff[Int(w) + 1]) {
                    let v = src[e]
                    let dv = dfnum[Int(v)]
                    if dv == none { continue }
                    if weakPairs && graph.isWeakOnly(from: v, to: w) { continue }
                    // eval(dv), compressing the ancestor path iteratively.
                    var u = dv
                    if ancestor[Int(dv)] != none {
                        var x = dv
                        while ancestor[Int(ancestor[Int(x)])] != none { path.append(x); x = ancestor[Int(x)] }
                        while let y = path.popLast() {
                            let a = ancestor[Int(y)]
                            if semi[Int(label[Int(a)])] < semi[Int(label[Int(y)])] { label[Int(y)] = label[Int(a)] }
                            ancestor[Int(y)] = ancestor[Int(a)]
                        }
                        u = label[Int(dv)]
                    }
                    if semi[Int(u)] < s { s = semi[Int(u)] }
                }
                semi[i] = s
                ancestor[i] = parent[i]
            }
        }}}}}}}}}
        // 3. Immediate dominators by nearest common ancestor, in preorder.
        var idomDF = [UInt32](repeating: 0, count: count)
        for i in 1..<max(count, 1) where count > 1 {
            var d = parent[i]
            while d > semi[i] { d = idomDF[Int(d)] }
            idomDF[i] = d
        }
        // 4. Retained sizes, children before parents.
        var retainedDF = [UInt64](repeating: 0, count: count)
        for i in stride(from: count - 1, to: 0, by: -1) {
            retainedDF[i] &+= graph.sizes[Int(vertex[i])]
            retainedDF[Int(idomDF[i])] &+= retainedDF[i]
        }
        var idom = [UInt32](repeating: Self.unreachable, count: n)
        var retained = [UInt64](repeating: 0, count: n)
        for i in 1..<max(count, 1) where count > 1 {
            let v = Int(vertex[i])
            idom[v] = idomDF[i] == 0 ? Self.superRoot : vertex[Int(idomDF[i])]
            retained[v] = retainedDF[i]
        }
        self.idom = idom
        self.retained = retained
        self.reachableBytes = count > 0 ? retainedDF[0] : 0
        self.preorder = Array(vertex.dropFirst())
    }

    public func isReachable(_ n: Node) -> Bool { idom[Int(n)] != Self.unreachable }

    /// Immediate dominators from the outermost (a root's child of the super-root) down to `n`'s.
    public func dominators(of n: Node) -> [Node] {
        guard isReachable(n) else { return [] }
        var chain: [Node] = []
        var v = idom[Int(n)]
        while v != Self.superRoot && v != Self.unreachable {
            chain.append(v)
            v = idom[Int(v)]
        }
        return chain.reversed()
    }
}
