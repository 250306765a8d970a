import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest
@testable import RefGraph

final class RenderTests: XCTestCase {
    let graph = load(fixture("native/hotreload-py3.jsonl"))

    func select(_ s: String) -> [HeapGraph.Node] { try! Selector(s, graph: graph).select(in: graph) }
    func addresses(_ sub: Subgraph) -> Set<UInt64> { Set(sub.nodes.map { graph.address($0) }) }

    func testBackrefsGrowsBackwardsAndStopsAtRootsAndModules() throws {
        var o = RenderOptions()
        o.maxDepth = 5
        let sub = try Subgraph(graph, targets: [graph.node(103)!], options: o)
        XCTAssertEqual(addresses(sub), [103, 102, 104], "module 102 and root 104 are drawn but not expanded past, as objgraph stops at modules")
        XCTAssertEqual(sub.depth[graph.node(102)!], 1)
        XCTAssertTrue(sub.edges.contains { graph.label(ofEdge: $0) == "__globals__" })
    }

    func testRefsGrowsForwards() throws {
        var o = RenderOptions()
        o.mode = .refs
        o.maxDepth = 1
        let sub = try Subgraph(graph, targets: [graph.node(100)!], options: o)
        XCTAssertEqual(addresses(sub), [100, 101, 102, 200, 201])
    }

    func testTooManyBecomesOneBox() throws {
        var o = RenderOptions()
        o.mode = .refs
        o.tooMany = 2
        let sub = try Subgraph(graph, targets: [graph.node(100)!], options: o)
        XCTAssertEqual(addresses(sub), [100])
        XCTAssertEqual(sub.elided, [ElidedBox(node: graph.node(100)!, count: 4)])
        let svg = String(decoding: try Graphviz.render(RenderStyle(graph, describer: Describer(graph), options: o).build(sub), format: "svg"), as: UTF8.self)
        XCTAssertTrue(svg.contains("4 more referents"))
    }

    func testRootsModeDrawsOnlyThePaths() throws {
        var o = RenderOptions()
        o.mode = .roots
        o.alternatives = 5
        let sub = try Subgraph(graph, targets: select("owner == \"module logging\" and refcount == 2"), options: o)
        // logging.shutdown (104) is reached from sys.modules, so it is no second root (docs/ROOTS.md).
        XCTAssertEqual(addresses(sub), [103, 100, 102])
        XCTAssertEqual(sub.edges.count, 2)
    }

    func testCycleMode() throws {
        var o = RenderOptions()
        o.mode = .cycle
        let sub = try Subgraph(graph, targets: [graph.node(303)!], options: o)
        XCTAssertEqual(addresses(sub), [303, 304])
    }

    func testFilterAndIgnore() throws {
        var o = RenderOptions()
        o.maxDepth = 5
        let ignored = try Subgraph(graph, targets: [graph.node(103)!], options: o, ignore: { self.graph.typeName($0) == "module" })
        XCTAssertEqual(addresses(ignored), [103, 104])
        let filtered = try Subgraph(graph, targets: [graph.node(110)!], options: o, filter: { self.graph.typeName($0) != "module" })
        XCTAssertEqual(addresses(filtered), [110, 101], "the module is drawn but not expanded")
    }

    func testMaxNodesIsAHardCapWithAMessage() {
        var o = RenderOptions()
        o.mode = .refs
        o.maxNodes = 2
        XCTAssertThrowsError(try Subgraph(graph, targets: [graph.node(100)!], options: o)) { error in
            XCTAssertTrue("\(error)".contains("more than 2 objects (--max-nodes)"))
            XCTAssertTrue("\(error)".contains("--mode roots"))
        }
    }

    func testEveryFormatIsWellFormed() throws {
        let sub = try Subgraph(graph, targets: [graph.node(103)!], options: RenderOptions())
        let r = RenderStyle(graph, describer: Describer(graph), options: RenderOptions()).build(sub)
        let svg = try Graphviz.render(r, format: "svg")
        let doc = try XMLDocument(data: Data(svg))
        XCTAssertEqual(try doc.nodes(forXPath: "//*[local-name()='g'][@class='node']").count, sub.nodes.count)
        // Every node carries a tooltip with its id.
        XCTAssertTrue(String(decoding: svg, as: UTF8.self).contains("id 0x67"))
        let png = try Graphviz.render(r, format: "png")
        XCTAssertEqual(Array(png.prefix(4)), [0x89, 0x50, 0x4e, 0x47])
        let pdf = try Graphviz.render(r, format: "pdf")
        XCTAssertEqual(String(decoding: pdf.prefix(5), as: UTF8.self), "%PDF-")
        let dot = String(decoding: try Graphviz.render(r, format: "dot"), as: UTF8.self)
        XCTAssertTrue(dot.hasPrefix("digraph refgraph {"))
        let json = try Graphviz.render(r, format: "json")
        let parsed = try JSONSerialization.jsonObject(with: Data(json)) as? [String: Any]
        XCTAssertNotNil(parsed?["objects"])
    }

    func testHostileNamesCannotInjectIntoSVGOrDOT() throws {
        let evil = "<script>alert(1)</script> javascript:alert(2) \\N \\G \\l \" & ' ]]> <a href=\\\"javascript:x\\\">"
        let escaped = evil.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        let text = nativeDump([
            "{\"address\": 1, \"type\": \"<img src=x onerror=alert(1)>\", \"size\": 10, \"name\": \"\(escaped)\", \"refs\": [2], \"labels\": [\"\(escaped)\"], \"root\": \"frame\"}",
            "{\"address\": 2, \"type\": \"str\", \"size\": 10, \"value\": \"\(escaped)\", \"refs\": []}",
        ])
        let g = load(temporaryFile(text))
        var o = RenderOptions()
        o.refcounts = true
        let sub = try Subgraph(g, targets: [g.node(2)!], options: o)
        let r = RenderStyle(g, describer: Describer(g), options: o).build(sub)
        let svg = String(decoding: try Graphviz.render(r, format: "svg"), as: UTF8.self)
        let doc = try XMLDocument(data: Data(svg.utf8))
        XCTAssertEqual(try doc.nodes(forXPath: "//*[local-name()='script']").count, 0)
        XCTAssertEqual(try doc.nodes(forXPath: "//*[local-name()='img']").count, 0)
        for attr in try doc.nodes(forXPath: "//@*[local-name()='href']") {
            XCTAssertFalse((attr.stringValue ?? "").lowercased().contains("javascript:"), attr.stringValue ?? "")
        }
        XCTAssertFalse(svg.contains("<script"))
        XCTAssertTrue(svg.contains("&lt;script&gt;"), "the text is shown, escaped")
        XCTAssertFalse(svg.contains("alert(2) n") || svg.contains("alert(2) refgraph"), "\\N and \\G are not expanded to the node or graph name")
        XCTAssertTrue(svg.contains("∖N ∖G ∖l"), "backslashes are shown, as ∖, in tooltips")
        let dot = String(decoding: try Graphviz.render(r, format: "dot"), as: UTF8.self)
        XCTAssertTrue(dot.hasPrefix("digraph refgraph {"))
        XCTAssertTrue(dot.contains("&lt;script&gt;"), "HTML labels carry entities")
    }
}
