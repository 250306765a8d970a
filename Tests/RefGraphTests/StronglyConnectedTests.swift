import XCTest
@testable import RefGraph

/// Pearce's one-word-per-node Tarjan against the definition: two nodes share
/// a component exactly when each reaches the other.
final class StronglyConnectedTests: XCTestCase {
    func testComponentsMatchMutualReachabilityOnRandomGraphs() throws {
        var rng = SystemRandomNumberGenerator()
        for round in 0..<60 {
            let n = Int.random(in: 1...40, using: &rng)
            let m = Int.random(in: 0...(3 * n), using: &rng)
            var lines: [String] = []
            // Every node appears (as a referrer of itself or of node 0), so node i is id i.
            for i in 0..<n { lines.append("\(i) \(i == 0 ? 0 : Int.random(in: 0..<i, using: &rng))") }
            for _ in 0..<m { lines.append("\(Int.random(in: 0..<n, using: &rng)) \(Int.random(in: 0..<n, using: &rng))") }
            let g = load(temporaryFile(lines.joined(separator: "\n"), name: "scc-\(round).txt"))
            XCTAssertEqual(g.nodeCount, n)
            // Reachability by Warshall's closure.
            var reach = [[Bool]](repeating: [Bool](repeating: false, count: n), count: n)
            for v in 0..<n {
                reach[v][v] = true
                for w in g.referents(HeapGraph.Node(v)) { reach[v][Int(w)] = true }
            }
            for k in 0..<n { for i in 0..<n where reach[i][k] { for j in 0..<n where reach[k][j] { reach[i][j] = true } } }
            let scc = StronglyConnected(g)
            for i in 0..<n {
                for j in 0..<n {
                    XCTAssertEqual(scc.component[i] == scc.component[j], reach[i][j] && reach[j][i], "round \(round): \(i), \(j)")
                }
            }
            XCTAssertEqual(scc.count, Set(scc.component).count)
            XCTAssertEqual(Set(scc.component), Set((0..<scc.count).map(UInt32.init)), "ids are 0..<count")
            // Reverse topological order: an edge between components goes to a lower id.
            for v in 0..<n {
                for w in g.referents(HeapGraph.Node(v)) where scc.component[Int(w)] != scc.component[v] {
                    XCTAssertGreaterThan(scc.component[v], scc.component[Int(w)])
                }
            }
            // Each cyclic component has a concrete cycle through each of its members.
            var search = CycleSearch(nodeCount: n)
            for members in scc.cyclicComponents() {
                for start in members {
                    let edges = search.cycle(through: start, scc: scc, in: g)
                    XCTAssertFalse(edges.isEmpty)
                    var at = start
                    for e in edges {
                        XCTAssertEqual(g.reverseSourceOfForward(e), at)
                        at = g.target(ofEdge: e)
                    }
                    XCTAssertEqual(at, start, "the cycle closes")
                    XCTAssertEqual(edges, scc.cycle(through: start, in: g), "a reused search finds the same cycle")
                }
            }
        }
    }
}
