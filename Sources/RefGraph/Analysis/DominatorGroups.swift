/// Selected objects grouped by the shape of their dominator chain, as `path`
/// groups by retention path: a thousand leaked instances that each hang
/// from the same list (or from one dict each under that list) form one group.
public struct DominatorGroup: Sendable {
    /// The first member, whose chain a report shows.
    public var representative: HeapGraph.Node
    /// The selected objects in the group, in target order (JSON `member_ids`).
    public var members: [HeapGraph.Node]
    /// Shallow bytes of the members.
    public var bytes: UInt64
    /// What freeing every member would free: the retained sizes of the
    /// members that no other member dominates (no byte counted twice).
    public var retainedTogether: UInt64
    /// No root reaches the members.
    public var unreachable: Bool
}

/// Selected objects grouped by dominator-chain shape (see `DominatorGroup`).
public struct DominatorGroups: Sendable {
    /// The groups, most `retainedTogether` first, then most members.
    public var groups: [DominatorGroup]

    /// - Parameter shape: what identifies an object in a chain apart from its
    ///   address (Report passes type and name or owner: `dict of module app`).
    ///
    /// Two targets share a group when their own shapes match and so do their
    /// chains of immediate dominators, where a run of one shape counts once
    /// (a linked list's nodes at depths 5 and 6 look alike). Each object's
    /// chain signature is memoised, so the cost is the number of distinct
    /// objects on all the chains plus one hash per target: linear, even for
    /// million-long chains.
    public init(_ graph: HeapGraph, tree: DominatorTree, targets: [HeapGraph.Node],
                shape: (HeapGraph.Node) -> String) {
        var memo: [UInt32: (sig: Int, shape: Int)] = [:]
        var shapeIDs: [String: Int] = [:]
        func shapeID(_ n: HeapGraph.Node) -> Int {
            let s = shape(n)
            if let id = shapeIDs[s] { return id }
            shapeIDs[s] = shapeIDs.count
            return shapeIDs.count - 1
        }
        // The signature of the chain above n, n excluded (iterative: walk up
        // to a memoised dominator or the super-root, then fill in downwards).
        func chainSignature(_ n: HeapGraph.Node) -> Int {
            var pending: [UInt32] = []
            var v = tree.idom[Int(n)]
            var above = (sig: 0, shape: -1)  // the super-root
            while v != DominatorTree.superRoot && v != DominatorTree.unreachable {
                if let m = memo[v] { above = m; break }
                pending.append(v)
                v = tree.idom[Int(v)]
            }
            for v in pending.reversed() {
                let s = shapeID(v)
                var h = Hasher()
                h.combine(above.sig); h.combine(s)
                let sig = s == above.shape ? above.sig : h.finalize()
                above = (sig, s)
                memo[v] = above
            }
            return above.sig
        }
        var index: [[Int]: Int] = [:]
        var groups: [DominatorGroup] = []
        for t in targets {
            let reachable = tree.isReachable(t)
            let key = [reachable ? chainSignature(t) : 1, shapeID(t)]
            if let i = index[key] {
                groups[i].members.append(t)
                groups[i].bytes &+= graph.size(t)
            } else {
                index[key] = groups.count
                groups.append(DominatorGroup(representative: t, members: [t], bytes: graph.size(t),
                                             retainedTogether: 0, unreachable: !reachable))
            }
        }
        for i in groups.indices where !groups[i].unreachable {
            groups[i].retainedTogether = Self.retainedTogether(tree, groups[i].members)
        }
        groups.sort { ($0.retainedTogether, $0.members.count) > ($1.retainedTogether, $1.members.count) }
        self.groups = groups
    }

    /// The retained sizes of the members no other member dominates. Each
    /// walk up the tree stops at an object already settled: linear overall.
    static func retainedTogether(_ tree: DominatorTree, _ members: [HeapGraph.Node]) -> UInt64 {
        if members.count == 1 { return tree.retained[Int(members[0])] }
        var isMember = Set<UInt32>(minimumCapacity: members.count)
        for m in members { isMember.insert(m) }
        var coveredAbove: [UInt32: Bool] = [:]  // a member at or above this object
        var total: UInt64 = 0
        for m in members {
            var pending: [UInt32] = []
            var v = tree.idom[Int(m)]
            var covered = false
            while v != DominatorTree.superRoot && v != DominatorTree.unreachable {
                if let c = coveredAbove[v] { covered = c; break }
                if isMember.contains(v) { covered = true; break }
                pending.append(v)
                v = tree.idom[Int(v)]
            }
            for p in pending { coveredAbove[p] = covered }
            if !covered { total &+= tree.retained[Int(m)] }
        }
        return total
    }
}
