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
        var vertex: [UInt32] = [none]  // vertex[0] is the super-root
        var parent: [UInt32] = [0]
        vertex.reserveCapacity(n + 1)
        parent.reserveCapacity(n + 1)
        var roots: [Node] = []
        for named in [true, false] {
            for v in graph.nodes where graph.rootKind(v) != .none && graph.rootKind(v).isNamed == named { roots.append(v) }
        }
        var stackNode: [UInt32] = []
        var stackEdge: [Int] = []
        let weak = graph.weakLabel
        graph.forwardOffsets.withUnsafeBufferPointer { off in
            graph.forwardTargets.withUnsafeBufferPointer { tgt in
                graph.edgeLabels.withUnsafeBufferPointer { lab in
                    for r in roots where dfnum[Int(r)] == none {
                        dfnum[Int(r)] = UInt32(vertex.count)
                        vertex.append(r)
                        parent.append(0)
                        stackNode.append(r)
                        stackEdge.append(Int(off[Int(r)]))
                        while let v = stackNode.last {
                            let e = stackEdge[stackEdge.count - 1]
                            if e == Int(off[Int(v) + 1]) {
                                stackNode.removeLast()
                                stackEdge.removeLast()
                                continue
                            }
                            stackEdge[stackEdge.count - 1] = e + 1
                            let w = tgt[e]
                            if lab[e] == weak || dfnum[Int(w)] != none { continue }
                            dfnum[Int(w)] = UInt32(vertex.count)
                            vertex.append(w)
                            parent.append(dfnum[Int(v)])
                            stackNode.append(w)
                            stackEdge.append(Int(off[Int(w)]))
                        }
                    }
                }
            }
        }
        let count = vertex.count
        // 2. Semidominators, in reverse preorder, with path-compressed eval.
        var semi = [UInt32](unsafeUninitializedCapacity: count) { b, c in for i in 0..<count { b[i] = UInt32(i) }; c = count }
        var label = semi
        var ancestor = [UInt32](repeating: none, count: count)
        var path: [UInt32] = []
        graph.reverseOffsets.withUnsafeBufferPointer { roff in
            graph.reverseSources.withUnsafeBufferPointer { src in
                for i in stride(from: count - 1, to: 0, by: -1) {
                    let w = vertex[i]
                    var s = semi[i]
                    if graph.rootKinds[Int(w)] != .none { s = 0 }  // the super-root's edge
                    for e in Int(roff[Int(w)])..<Int(roff[Int(w) + 1]) {
                        let v = src[e]
                        let dv = dfnum[Int(v)]
                        if dv == none { continue }
                        if graph.isWeakOnly(from: v, to: w) { continue }
                        // eval(dv)
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
            }
        }
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
