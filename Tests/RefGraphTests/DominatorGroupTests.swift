import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest
@testable import RefGraph

/// `dominators` groups objects whose chains look alike, as `path` does (issue 20).
final class DominatorGroupTests: XCTestCase {
    /// A line of a native dump.
    func obj(_ a: Int, _ type: String, size: Int = 10, refs: [Int] = [], root: Bool = false) -> String {
        let labels = refs.indices.map { "\"[\($0)]\"" }.joined(separator: ", ")
        return "{\"address\": \(a), \"type\": \"\(type)\", \"size\": \(size), \"refs\": [\(refs.map(String.init).joined(separator: ", "))], \"labels\": [\(labels)]\(root ? ", \"root\": \"frame\"" : "")}"
    }

    func testInstancesUnderOneListFormOneGroup() {
        // root list 1 -> dicts 10..14 -> Leak 20..24; root list 2 -> Leak 30 directly
        var lines = [obj(1, "list", refs: Array(10...14), root: true), obj(2, "list", refs: [30], root: true)]
        for i in 0..<5 { lines.append(obj(10 + i, "dict", refs: [20 + i])); lines.append(obj(20 + i, "app.Leak", size: 100)) }
        lines.append(obj(30, "app.Leak", size: 100))
        let g = load(temporaryFile(nativeDump(lines)))
        let tree = DominatorTree(g)
        let targets = (Array(20...24) + [30]).map { g.node(UInt64($0))! }
        let chains = DominatorChains(g, tree: tree, targets: targets, limit: 5)
        let groups = chains.groups(Describer(g)).groups
        XCTAssertEqual(groups.map(\.members.count), [5, 1])
        XCTAssertEqual(groups[0].retainedTogether, 500)
        XCTAssertEqual(groups[0].bytes, 500)
        let text = chains.render(json: false)
        XCTAssertTrue(text.hasPrefix("6 objects selected in 2 groups by dominator chain\n"), text)
        XCTAssertTrue(text.contains("#1  5 objects, 500 B shallow, retaining 500 B together (shown for 0x14;"), text)
        XCTAssertTrue(text.contains("#2  app.Leak 0x1e  retains 100 B"), text)
        let json = chains.render(json: true)
        XCTAssertTrue(json.contains("\"count\": 5"), json)
        XCTAssertTrue(json.contains("\"member_ids\": [\"0x14\", \"0x15\", \"0x16\", \"0x17\", \"0x18\"]"), json)
    }

    func testALinkedListIsOneGroupAndCountedOnce() {
        // root 1 -> Node 2 -> Node 3 -> ... -> Node 7; the targets are nodes 4...7
        var lines = [obj(1, "list", refs: [2], root: true)]
        for a in 2...7 { lines.append(obj(a, "Node", refs: a < 7 ? [a + 1] : [])) }
        let g = load(temporaryFile(nativeDump(lines)))
        let tree = DominatorTree(g)
        let targets = (4...7).map { g.node(UInt64($0))! }
        let groups = DominatorChains(g, tree: tree, targets: targets, limit: 5).groups(Describer(g)).groups
        XCTAssertEqual(groups.count, 1, "a run of Node dominators counts once, whatever its length")
        XCTAssertEqual(groups[0].retainedTogether, 40, "node 4 retains 5, 6 and 7: nothing counted twice")
    }

    func testUnreachableTargetsGroupApart() {
        let lines = [obj(1, "list", refs: [2], root: true), obj(2, "app.Leak"), obj(3, "app.Leak", refs: [4]), obj(4, "app.Leak", refs: [3])]
        let g = load(temporaryFile(nativeDump(lines)))
        let tree = DominatorTree(g)
        let targets = [2, 3, 4].map { g.node(UInt64($0))! }
        let groups = DominatorChains(g, tree: tree, targets: targets, limit: 5).groups(Describer(g)).groups
        XCTAssertEqual(groups.map(\.members.count), [1, 2])
        XCTAssertEqual(groups.map(\.unreachable), [false, true])
    }
}
