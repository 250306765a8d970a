/// A chain in the dominator tree: like objects each dominating the next
/// (a linked list of dicts, closures wrapping closures through their cells).
///
/// Walking down the dominator tree to where memory spreads out stops
/// somewhere inside such a chain, at an arbitrary link; the useful answer is
/// its head, with its length. Found from that link by walking up the
/// immediate dominators while the types repeat with a short period, then
/// down while they continue. O(chain length × children per link).
struct ChainHead {
    /// The topmost link.
    var head: HeapGraph.Node
    /// Number of repeats of the pattern, head to tail.
    var links: Int
    /// The types of one link, from the head down.
    var pattern: [String]

    /// Chains shorter than this are ordinary nesting, not a chain.
    static let minLinks = 8
    static let maxPeriod = 4

    init?(_ graph: HeapGraph, index: DominatorIndex, at x: HeapGraph.Node) {
        let idom = index.tree.idom
        // Up from x: x, idom(x), idom(idom(x)), ... (bounded, iterative).
        var up: [HeapGraph.Node] = [x]
        while up.count < 1 << 22 {
            let d = idom[Int(up[up.count - 1])]
            if d == DominatorTree.superRoot || d == DominatorTree.unreachable { break }
            up.append(d)
        }
        let type = { (n: HeapGraph.Node) in graph.typeIDs[Int(n)] }
        // Type and the label from its immediate dominator, when that refers to it directly.
        let key = { (i: Int) -> UInt64 in
            let n = up[i]
            let label = i + 1 < up.count ? graph.edge(from: up[i + 1], to: n).map { graph.edgeLabels[$0] } ?? UInt32.max : UInt32.max
            return UInt64(type(n)) << 32 | UInt64(label)
        }
        let keys = (0..<min(up.count, 1 << 22)).map(key)
        for period in 1...Self.maxPeriod where up.count > period {
            // How far up types and labels repeat with this period.
            var k = 0
            while k + period < up.count && keys[k] == keys[k + period] { k += 1 }
            var top = k + period - 1  // index in `up` of the topmost node of the run
            // The head's own label differs (a global, a root): accept up to one
            // more period on types alone.
            var extra = 0
            while extra < period && top + 1 < up.count && type(up[top + 1]) == type(up[top + 1 - period]) { top += 1; extra += 1 }
            let head = top
            guard head >= period * 2 else { continue }
            // Down from x while the pattern continues: the child of the expected
            // type that retains the most.
            var below = 0
            var cur = x
            while below < 1 << 22 {
                let want = type(up[(period - (below + 1) % period) % period])
                var next: HeapGraph.Node?
                for c in index.children(of: cur) where type(c) == want {
                    if next == nil || index.tree.retained[Int(c)] > index.tree.retained[Int(next!)] { next = c }
                }
                guard let n = next else { break }
                cur = n
                below += 1
            }
            let links = (head + below) / period + 1
            guard links >= Self.minLinks else { continue }
            self.head = up[head]
            self.links = links
            pattern = (0..<period).map { graph.typeName(up[head - $0]) }
            return
        }
        return nil
    }
}
