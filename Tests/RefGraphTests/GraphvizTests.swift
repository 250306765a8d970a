import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest
@testable import RefGraph

final class GraphvizTests: XCTestCase {
    /// Exercises the CGraphviz binding end to end: cgraph build, gvc layout, SVG render.
    func testTwoNodeGraphRendersToSVG() throws {
        var g = RenderGraph()
        let a = g.add(.init(key: "a", attributes: ["label": "dict of module logging", "tooltip": "0x10"]))
        let b = g.add(.init(key: "b", attributes: ["label": "function logging.shutdown"]))
        g.edges.append(.init(from: b, to: a, attributes: ["label": "__globals__"]))
        let svg = String(decoding: try Graphviz.render(g, format: "svg"), as: UTF8.self)
        XCTAssertTrue(svg.contains("<svg"))
        XCTAssertTrue(svg.contains("dict of module logging"))
        XCTAssertTrue(svg.contains("__globals__"))
        // Well-formed XML.
        let doc = try XMLDocument(data: Data(svg.utf8))
        XCTAssertEqual(try doc.nodes(forXPath: "//*[local-name()='g'][@class='node']").count, 2)
        XCTAssertEqual(try doc.nodes(forXPath: "//*[local-name()='g'][@class='edge']").count, 1)
    }

    func testDotFormatUsesAgwrite() throws {
        var g = RenderGraph()
        let a = g.add(.init(key: "a", attributes: ["label": "say \"hi\" \\N"]))
        let b = g.add(.init(key: "b"))
        g.edges.append(.init(from: a, to: b))
        let dot = String(decoding: try Graphviz.render(g, format: "dot"), as: UTF8.self)
        XCTAssertTrue(dot.hasPrefix("digraph refgraph {"))
        XCTAssertTrue(dot.contains("a -> b"))
    }
}
