import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest
@testable import RefGraph

final class OtherFormatTests: XCTestCase {
    func testPathAndCyclesOnARealMeliaeDump() throws {
        let g = load(fixture("meliae/py27-small.json"))
        let targets = try Selector("type == Cache", graph: g).select(in: g)
        XCTAssertEqual(targets.count, 1)
        let r = RetentionPaths(g, targets: targets)
        XCTAssertEqual(r.groups.count, 1)
        let path = r.groups[0].paths[0]
        // The module dict of __main__ holds the cache under its name (2.7 writes dict keys).
        XCTAssertTrue(path.contains { $0.edge.map { g.label(ofEdge: $0) } == "['cache']" }, HopText(g).lines(path).joined(separator: "\n"))
        XCTAssertFalse(ReferenceCycles(g).cycles.isEmpty)
    }

    func testPathCyclesAndCheckOnAnEdgeList() throws {
        let text = "a\tb\tx\nb\tc\t[0]\nc\tb\tback\nroot\ta\tglobal\n"
        let nodes = "id,type,size,root,finalizer\nroot,dict,100,sys.modules,\na,list,50,,\nb,Leaky,30,,del\nc,Leaky,30,,del\n"
        let g = load(temporaryFile(text, name: "g.tsv"), LoadOptions(nodeTable: temporaryFile(nodes, name: "n.csv"), progress: false))
        let c = try Selector("name == c", graph: g).select(in: g)
        let r = RetentionPaths(g, targets: c)
        XCTAssertEqual(r.groups[0].paths[0].map { g.name($0.node) }, ["root", "a", "b", "c"])
        let cycles = ReferenceCycles(g)
        XCTAssertEqual(cycles.cycles.count, 1)
        XCTAssertEqual(cycles.cycles[0].classification, .liveWithFinalizers, "reachable: live, not garbage")
        XCTAssertTrue(cycles.cycles[0].reachable)
    }
}
