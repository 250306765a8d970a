/// The dominator tree of the heap and every object's retained size.
///
/// A virtual super-root points to every GC root; object `d` dominates `n`
/// when every retaining path from the super-root to `n` passes through `d`,
/// so freeing `d` would free `n`. Weakref edges do not retain. Built with
/// the semi-NCA variant of Lengauer-Tarjan (Georgiadis), iteratively: no
/// recursion, so million-long chains are fine.
public struct DominatorTree: Sendable {
    /// A node index of the graph.
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

    /// Cost: near-linear in nodes + edges (a depth-first search, a pass over
    /// the in-edges, then passes over the reached nodes); memory: several
    /// arrays of one entry per node and one of one entry per edge.
    public init(_ graph: HeapGraph) {
        let n = graph.nodeCount
        let none = UInt32.max
        // 1. Depth-first preorder from the super-root (dfnum 0); named roots first.
        var dfnum = [UInt32].onHugePages(repeating: none, count: n)
        var vertex = [UInt32].onHugePages(repeating: none, count: n + 1)  // vertex[0] is the super-root
        var parent = [UInt32].onHugePages(repeating: 0, count: n + 1)
        var roots: [Node] = []
        for named in [true, false] {
            for v in graph.nodes where graph.rootKind(v) != .none && graph.rootKind(v).isNamed == named { roots.append(v) }
        }
        // An explicit stack of (node, next edge) pairs, at most one per node.
        // Left uninitialised: only the pages a deep chain reaches become resident.
        var stack = [UInt32](unsafeUninitializedCapacity: 2 * (n + 1)) { _, c in c = 2 * (n + 1) }
        var visited = 1
        graph.forwardOffsets.withUnsafeBufferPointer { off in
        graph.forwardTargets.withUnsafeBufferPointer { tgt in
        graph.weakEdges.withUnsafeBufferPointer { weak in
        dfnum.withUnsafeMutableBufferPointer { dfnum in
        vertex.withUnsafeMutableBufferPointer { vertex in
        parent.withUnsafeMutableBufferPointer { parent in
        stack.withUnsafeMutableBufferPointer { stack in
            for r in roots where dfnum[Int(r)] == none {
                dfnum[Int(r)] = UInt32(visited)
                vertex[visited] = r
                parent[visited] = 0
                visited += 1
                var top = 0
                stack[0] = r
                stack[1] = off[Int(r)]
                while top >= 0 {
                    let v = stack[2 * top]
                    let e = stack[2 * top + 1]
                    if e == off[Int(v) + 1] { top -= 1; continue }
                    stack[2 * top + 1] = e + 1
                    let w = tgt[Int(e)]
                    if dfnum[Int(w)] != none || HeapGraph.isWeak(weak, Int(e)) { continue }
                    dfnum[Int(w)] = UInt32(visited)
                    vertex[visited] = w
                    parent[visited] = dfnum[Int(v)]
                    visited += 1
                    top += 1
                    stack[2 * top] = w
                    stack[2 * top + 1] = off[Int(w)]
                }
            }
        }}}}}}}
        // Columns read once are handed back (mapped graphs only; see `Column.evict`).
        graph.forwardTargets.evict()
        graph.weakEdges.evict()
        PhaseTrace.mark("dominators: preorder")
        stack = []
        vertex.removeLast(n + 1 - visited)
        parent.removeLast(n + 1 - visited)
        let count = vertex.count
        // 2. Predecessors renumbered in preorder, stored in the order the next
        //    step reads them (node count-1 first); weak and unreached referrers
        //    are left out. Node i's are preds[predOffsets[count-1-i] ..< predOffsets[count-i]].
        let weakPairs = !graph.weakPairs.isEmpty
        var predOffsets = [UInt32].onHugePages(repeating: 0, count: count + 1)
        var preds = [UInt32](unsafeUninitializedCapacity: graph.reverseSources.count) { b, c in
            if let base = b.baseAddress { HugePages.advise(base, bytes: b.count * 4) }
            graph.reverseOffsets.withUnsafeBufferPointer { roff in
            graph.reverseSources.withUnsafeBufferPointer { src in
            dfnum.withUnsafeBufferPointer { dfnum in
            vertex.withUnsafeBufferPointer { vertex in
            predOffsets.withUnsafeMutableBufferPointer { predOffsets in
                var k = 0
                for i in stride(from: count - 1, to: 0, by: -1) {
                    let w = vertex[i]
                    for e in Int(roff[Int(w)])..<Int(roff[Int(w) + 1]) {
                        let v = src[e]
                        let dv = dfnum[Int(v)]
                        if dv == none || (weakPairs && graph.isWeakOnly(from: v, to: w)) { continue }
                        b[k] = dv
                        k += 1
                    }
                    predOffsets[count - i] = UInt32(k)
                }
                c = k
            }}}}}
        }
        // Semidominators start at the node itself, or at the super-root (0) for roots.
        var semi = [UInt32](unsafeUninitializedCapacity: count) { b, c in for i in 0..<count { b[i] = UInt32(i) }; c = count }
        for r in roots { semi[Int(dfnum[Int(r)])] = 0 }
        graph.reverseSources.evict()
        graph.reverseOffsets.evict()
        graph.forwardOffsets.evict()
        PhaseTrace.mark("dominators: predecessors")
        dfnum = []
        // 3. Semidominators, in reverse preorder, with path-compressed eval.
        //
        // Fast path, documented here because it is where the time goes: the
        // loop is bound by cache misses on 10M-node heaps, so
        // - predecessors are read in order, already renumbered (step 2);
        // - nodes below `i` in preorder are not processed yet: their eval is
        //   their own number, with no memory access;
        // - eval needs only the smallest semidominator on the compressed
        //   path, never the vertex holding it (semi-NCA), so each forest node
        //   keeps one 8-byte pair (ancestor, best semi): one miss per step;
        // - a processed node's number is above `i`, so "is my ancestor
        //   processed" is a comparison, not a load.
        var forest = [UInt32].onHugePages(repeating: 0, count: 2 * count)  // [2k] ancestor, [2k + 1] best semi on the path
        var path = [UInt32](unsafeUninitializedCapacity: count) { _, c in c = count }  // the compression stack; pages fault in as it deepens
        var touched: UInt32 = 0
        preds.withUnsafeBufferPointer { preds in
        predOffsets.withUnsafeBufferPointer { predOffsets in
        parent.withUnsafeBufferPointer { parent in
        semi.withUnsafeMutableBufferPointer { semi in
        path.withUnsafeMutableBufferPointer { path in
        forest.withUnsafeMutableBufferPointer { forest in
            // Reading the pair of the predecessor 48 places ahead starts its
            // cache miss early (Swift has no prefetch intrinsic): about 1.5x
            // faster on 10M objects. `touched` only keeps the load alive.
            let lookahead = preds.count - 48
            for i in stride(from: count - 1, to: 0, by: -1) {
                let current = UInt32(i)
                var s = semi[i]
                for k in Int(predOffsets[count - 1 - i])..<Int(predOffsets[count - i]) {
                    let dv = preds[k]
                    if k < lookahead { touched &+= forest[2 * Int(preds[k + 48]) + 1] }
                    if dv <= current {  // unprocessed: eval is dv itself
                        if dv < s { s = dv }
                        continue
                    }
                    // eval(dv), compressing the ancestor path iteratively.
                    var top = 0
                    var x = dv
                    while forest[2 * Int(x)] > current { path[top] = x; top += 1; x = forest[2 * Int(x)] }
                    while top > 0 {
                        top -= 1
                        let y = Int(path[top])
                        let a = Int(forest[2 * y])
                        if forest[2 * a + 1] < forest[2 * y + 1] { forest[2 * y + 1] = forest[2 * a + 1] }
                        forest[2 * y] = forest[2 * a]
                    }
                    let best = forest[2 * Int(dv) + 1]
                    if best < s { s = best }
                }
                semi[i] = s
                forest[2 * i] = parent[i]
                forest[2 * i + 1] = s
            }
        }}}}}}
        keepAlive(touched)
        PhaseTrace.mark("dominators: semidominators")
        forest = []
        path = []
        preds = []
        predOffsets = []
        // 4. Immediate dominators by nearest common ancestor, in preorder,
        //    in place: entries below `i` already hold their idom.
        var idomDF = parent
        parent = []
        for i in 1..<max(count, 1) where count > 1 {
            var d = idomDF[i]
            while d > semi[i] { d = idomDF[Int(d)] }
            idomDF[i] = d
        }
        semi = []
        // 5. Retained sizes, children before parents.
        var retainedDF = [UInt64](repeating: 0, count: count)
        for i in stride(from: count - 1, to: 0, by: -1) {
            retainedDF[i] &+= graph.size(vertex[i])
            retainedDF[Int(idomDF[i])] &+= retainedDF[i]
        }
        var idom = [UInt32](repeating: Self.unreachable, count: n)
        var retained = [UInt64](repeating: 0, count: n)
        for i in 1..<max(count, 1) where count > 1 {
            let v = Int(vertex[i])
            idom[v] = idomDF[i] == 0 ? Self.superRoot : vertex[Int(idomDF[i])]
            retained[v] = retainedDF[i]
        }
        PhaseTrace.mark("dominators: done")
        self.idom = idom
        self.retained = retained
        self.reachableBytes = count > 0 ? retainedDF[0] : 0
        self.preorder = Array(vertex.dropFirst())
    }

    /// Whether a root reaches `n` over retaining edges.
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
