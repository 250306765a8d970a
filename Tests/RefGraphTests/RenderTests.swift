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
        o.maxDepth = 1
        let sub = try Subgraph(graph, targets: [graph.node(100)!], options: o)
        XCTAssertEqual(addresses(sub), [100, 101, 200], "the first two referents are drawn, as objgraph's too_many")
        XCTAssertEqual(sub.elided, [ElidedBox(node: graph.node(100)!, count: 2)])
        let svg = String(decoding: try Graphviz.render(RenderStyle(graph, describer: Describer(graph), options: o).build(sub), format: "svg"), as: UTF8.self)
        XCTAssertTrue(svg.contains("+2 more referents"))
    }

    /// Issue 20, objgraph's test: `L = [list(range(7))]`, show_refs(L, too_many=5)
    /// draws L, the inner list, five ints and "2 more".
    func testTooManyDrawsTheFirstNLikeObjgraph() throws {
        let ints = (0..<7).map { "{\"address\": \(10 + $0), \"type\": \"int\", \"size\": 28, \"value\": \($0)}" }
        let g = load(temporaryFile(nativeDump([
            "{\"address\": 1, \"type\": \"list\", \"size\": 64, \"refs\": [2], \"root\": \"frame\"}",
            "{\"address\": 2, \"type\": \"list\", \"size\": 120, \"refs\": [10, 11, 12, 13, 14, 15, 16]}",
        ] + ints)))
        var o = RenderOptions()
        o.mode = .refs
        o.tooMany = 5
        let sub = try Subgraph(g, targets: [g.node(1)!], options: o)
        XCTAssertEqual(sub.nodes.map { g.address($0) }, [1, 2, 10, 11, 12, 13, 14])
        XCTAssertEqual(sub.elided, [ElidedBox(node: g.node(2)!, count: 2)])
    }

    /// Issue 20: a dict `{1: 'c', 'b': 'c'}` refers to 'c' twice, under two labels: two edges.
    func testEveryLabelBetweenAPairIsDrawn() throws {
        let g = load(temporaryFile(nativeDump([
            "{\"address\": 1, \"type\": \"dict\", \"size\": 232, \"refs\": [2, 3, 4, 3], \"labels\": [\"<key>\", \"[1]\", \"<key>\", \"['b']\"], \"root\": \"frame\"}",
            "{\"address\": 2, \"type\": \"int\", \"size\": 28, \"value\": 1}",
            "{\"address\": 3, \"type\": \"str\", \"size\": 50, \"value\": \"c\"}",
            "{\"address\": 4, \"type\": \"str\", \"size\": 50, \"value\": \"b\"}",
        ])))
        var o = RenderOptions()
        o.mode = .refs
        let sub = try Subgraph(g, targets: [g.node(1)!], options: o)
        XCTAssertEqual(sub.edges.filter { g.target(ofEdge: $0) == g.node(3)! }.map { g.label(ofEdge: $0) }, ["[1]", "['b']"])
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
        XCTAssertFalse(addresses(filtered).contains(101), "objgraph's filter=: the module is left out")
        XCTAssertEqual(addresses(filtered), [110])
        let stopped = try Subgraph(graph, targets: [graph.node(110)!], options: o, stopAt: { self.graph.typeName($0) == "module" })
        XCTAssertEqual(addresses(stopped), [110, 101], "--stop-at: the module is drawn but not expanded")
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

    /// A render on a terminal (colour on for the report text) still writes
    /// no escape into the picture: an ESC is not even legal XML.
    func testNoTerminalColourInPictures() throws {
        let sub = try Subgraph(graph, targets: [graph.node(103)!], options: RenderOptions())
        let svg = try TextStyle.$current.withValue(.ansi) {
            try Graphviz.render(RenderStyle(graph, describer: Describer(graph), options: RenderOptions()).build(sub), format: "svg")
        }
        XCTAssertFalse(svg.contains(0x1B))
        XCTAssertFalse(String(decoding: svg, as: UTF8.self).contains("[36m"), "no escaped colour codes in tooltips either")
        XCTAssertNoThrow(try XMLDocument(data: Data(svg)))
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
