/// The `k` nodes with the largest keys, largest first; ties go to the node
/// that comes first in `nodes` (the lower node, for a range).
///
/// One pass with a small sorted buffer: on a 10M-object dump `top -n 20`
/// does not sort ten million keys to print twenty rows. Cost O(n·k) at
/// worst: for a large `k`, sort instead.
func largest<S: Sequence>(_ k: Int, among nodes: S, key: (UInt32) -> UInt64) -> [UInt32] where S.Element == UInt32 {
    guard k > 0 else { return [] }
    var best: [(key: UInt64, node: UInt32)] = []
    best.reserveCapacity(k + 1)
    for n in nodes {
        let v = key(n)
        if best.count == k && v <= best[k - 1].key { continue }
        // Insert after every entry with a key >= v, so earlier nodes win ties.
        var i = best.count
        while i > 0 && best[i - 1].key < v { i -= 1 }
        best.insert((v, n), at: i)
        if best.count > k { best.removeLast() }
    }
    return best.map(\.node)
}
