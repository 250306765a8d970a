import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest
@testable import RefGraph

final class DominatorTests: XCTestCase {
    func node(_ g: HeapGraph, _ a: Int) -> HeapGraph.Node { g.node(UInt64(a))! }

    func testDiamond() {
        let g = graphOf(4, [(1, 2), (1, 3), (2, 4), (3, 4)], roots: [1])
        let d = DominatorTree(g)
        XCTAssertEqual(d.idom[Int(node(g, 4))], node(g, 1))
        XCTAssertEqual(d.idom[Int(node(g, 2))], node(g, 1))
        XCTAssertEqual(d.idom[Int(node(g, 1))], DominatorTree.superRoot)
        XCTAssertEqual(d.retained[Int(node(g, 1))], 40)
        XCTAssertEqual(d.retained[Int(node(g, 2))], 10)
    }

    func testChainCycleSeveralRootsAndUnreachable() {
        // 1 -> 2 -> 3 -> 4 -> 2 (cycle), root 5 -> 4, 6 -> 7 unreachable.
        let g = graphOf(7, [(1, 2), (2, 3), (3, 4), (4, 2), (5, 4), (6, 7), (7, 6)], roots: [1, 5])
        let d = DominatorTree(g)
        XCTAssertEqual(d.idom[Int(node(g, 3))], node(g, 2))
        XCTAssertEqual(d.idom[Int(node(g, 4))], DominatorTree.superRoot, "two roots reach 4")
        XCTAssertEqual(d.idom[Int(node(g, 6))], DominatorTree.unreachable)
        XCTAssertEqual(d.retained[Int(node(g, 1))], 10, "5 reaches 2 through 4, so 1 retains only itself")
        XCTAssertEqual(d.reachableBytes, 50)
        XCTAssertEqual(d.dominators(of: node(g, 3)).map { g.address($0) }, [2])
    }

    func testWeakEdgesDoNotRetain() {
        // 1 -> 2 strongly, 3 -> 2 weakly: 1 still dominates 2.
        let g = graphOf(3, [(1, 2), (3, 2)], roots: [1, 3], weak: [1])
        let d = DominatorTree(g)
        XCTAssertEqual(d.idom[Int(node(g, 2))], node(g, 1))
    }

    func testMatchesNaiveOnRandomGraphs() {
        var rng = SystemRandomNumberGenerator()
        for trial in 0..<150 {
            let n = Int.random(in: 2...40, using: &rng)
            var edges: [(Int, Int)] = []
            for _ in 0..<Int.random(in: 0...(n * 3), using: &rng) {
                edges.append((Int.random(in: 1...n, using: &rng), Int.random(in: 1...n, using: &rng)))
            }
            let roots = Array(Set((0..<Int.random(in: 1...3, using: &rng)).map { _ in Int.random(in: 1...n, using: &rng) }))
            let sizes = Dictionary(uniqueKeysWithValues: (1...n).map { ($0, Int.random(in: 1...100, using: &rng)) })
            let weak = Set(edges.indices.filter { _ in Int.random(in: 0..<8, using: &rng) == 0 })
            let g = graphOf(n, edges, roots: roots, sizes: sizes, weak: weak)
            XCTAssertEqual(DominatorTree(g).retained, naiveRetained(g), "trial \(trial): n=\(n) edges=\(edges) roots=\(roots) weak=\(weak.sorted())")
        }
    }

    func testMatchesNaiveOnARealDump() {
        let g = load(fixture("native/hotreload-py3.jsonl"))
        XCTAssertEqual(DominatorTree(g).retained, naiveRetained(g))
    }
}
