/// Which objects of a later snapshot were already alive in an earlier one.
///
/// CPython reuses addresses, so an address alone does not identify an object
/// across snapshots. An object counts as the same only when its address, its
/// type and, for immutable types, its size agree (see docs/DIFF.md).
public struct SnapshotMatch: Sendable {
    /// For each node of the later graph: the same object's node in the earlier graph, or `none`.
    public let earlierNode: [UInt32]
    /// `earlierNode` of an object new in the later graph.
    public static let none = UInt32.max

    /// For each node of the later graph: whether it was in the earlier one.
    public var existed: [Bool] { earlierNode.map { $0 != Self.none } }

    /// For each plain `dict` with labelled keys: the hashes of its keys, sorted.
    /// CPython hands a freed dict's address to the next dict at once, so
    /// address and type alone match unrelated dicts. Two dicts that share no
    /// key are taken to be different objects; a dict that gained or lost keys
    /// but kept some is still the same one (see docs/DIFF.md).
    static func keyShapes(_ g: HeapGraph) -> [HeapGraph.Node: [UInt64]] {
        guard let dict = g.strings.lookup("dict") else { return [:] }
        let keyLabel = g.strings.lookup("<key>")
        var labelHash: [UInt32: UInt64] = [:]
        var out: [HeapGraph.Node: [UInt64]] = [:]
        for n in g.nodes where g.typeIDs[Int(n)] == dict && g.outEdges(n).count <= 128 {
            var keys: [UInt64] = []
            for e in g.outEdges(n) {
                let l = g.edgeLabels[e]
                guard l != 0, l != keyLabel else { continue }
                if labelHash[l] == nil { labelHash[l] = HashSeed.fnv1a(g.strings[l].utf8) }
                keys.append(labelHash[l]!)
            }
            if !keys.isEmpty { out[n] = keys.sorted() }
        }
        return out
    }

    static func shareAKey(_ a: [UInt64], _ b: [UInt64]) -> Bool {
        var i = 0, j = 0
        while i < a.count && j < b.count {
            if a[i] == b[j] { return true }
            if a[i] < b[j] { i += 1 } else { j += 1 }
        }
        return false
    }

    /// Types whose objects never change size while alive. Code objects are
    /// not among them: their caches (3.8's opcache after 1,024 runs, 3.11+'s
    /// adaptive specialization) change what `__sizeof__` reports.
    static let immutable: Set<String> = ["str", "bytes", "int", "float", "tuple", "frozenset", "complex", "bool", "unicode", "long"]

    /// Cost: sorting the earlier nodes by address, a binary search per later
    /// node, and a pass over each graph's dicts for their keys.
    public init(earlier: HeapGraph, later: HeapGraph) {
        // Earlier nodes sorted by address, for binary search.
        var order = Array(earlier.nodes)
        order.sort { earlier.address($0) < earlier.address($1) }
        let sortedAddresses = order.map { earlier.address($0) }
        // Type ids of the later graph translated into the earlier graph's ids.
        var typeMap = [UInt32](repeating: UInt32.max, count: later.strings.count)
        var immutableLater = [Bool](repeating: false, count: later.strings.count)
        for t in Set(later.typeIDs) {
            let name = later.strings[t]
            typeMap[Int(t)] = earlier.strings.lookup(name) ?? UInt32.max
            immutableLater[Int(t)] = Self.immutable.contains(name)
        }
        let earlierKeys = Self.keyShapes(earlier)
        let laterKeys = Self.keyShapes(later)
        var earlierNode = [UInt32](repeating: Self.none, count: later.nodeCount)
        sortedAddresses.withUnsafeBufferPointer { addrs in
            for n in later.nodes where !later.flags(n).contains(.placeholder) {
                let a = later.address(n)
                var lo = 0, hi = addrs.count
                while lo < hi {
                    let mid = (lo + hi) / 2
                    if addrs[mid] < a { lo = mid + 1 } else { hi = mid }
                }
                guard lo < addrs.count, addrs[lo] == a else { continue }
                let old = order[lo]
                let t = later.typeIDs[Int(n)]
                guard earlier.typeIDs[Int(old)] == typeMap[Int(t)], !earlier.flags(old).contains(.placeholder) else { continue }
                if immutableLater[Int(t)] && earlier.size(old) != later.size(n) { continue }
                if let lk = laterKeys[n], let ek = earlierKeys[old], !Self.shareAKey(ek, lk) { continue }
                earlierNode[Int(n)] = old
            }
        }
        self.earlierNode = earlierNode
    }
}
