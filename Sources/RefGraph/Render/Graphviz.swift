import CGraphviz
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Drawing through Graphviz's C libraries, in-process: the graph is built
/// with cgraph and laid out and rendered with gvc. No `dot` subprocess, and
/// no DOT text written by hand.
public enum Graphviz {
    /// The layout engine: `dot` (layered), `sfdp` (large graphs) or `neato`.
    public enum Engine: String, CaseIterable, Sendable { case dot, sfdp, neato }

    /// Graphviz could not build, lay out or render the picture.
    public struct Failure: Error, CustomStringConvertible {
        /// What failed, in words.
        public var description: String
    }

    /// Renders `graph` in `format` (svg, png, pdf, dot, json, ...) and returns the bytes.
    /// `dot` is written with agwrite and needs no layout.
    public static func render(_ graph: RenderGraph, format: String, engine: Engine = .dot) throws(Failure) -> [UInt8] {
        _ = agreseterrors()
        let context = try GraphvizContext()
        let gvc = context.gvc
        if context.vendored {
            if format == "png" || format == "pdf" { throw vendoredFormat(format) }
            if engine != .dot, let why = context.unavailable["neato_layout"] {
                throw Failure(description: "Graphviz: the \(engine.rawValue) engine is not available here: its plugin could not be loaded (\(why)); --engine dot works")
            }
        }
        guard let g = build(graph) else { throw Failure(description: "Graphviz: cannot create the graph") }
        defer { agclose(g) }
        if format == "dot" || format == "gv" { return try write(g) }
        guard gvLayout(gvc, g, engine.rawValue) == 0 else {
            throw Failure(description: "Graphviz: layout engine '\(engine.rawValue)' failed (is the graphviz package installed with its plugins?)")
        }
        defer { gvFreeLayout(gvc, g) }
        var data: UnsafeMutablePointer<CChar>?
        var length: UInt32 = 0
        guard gvRenderData(gvc, g, format, &data, &length) == 0, let data else {
            if context.vendored { throw vendoredFormat(format) }
            throw Failure(description: "Graphviz: cannot render format '\(format)' (no plugin for it?)")
        }
        defer { gvFreeRenderData(data) }
        // An error Graphviz only printed (a label it could not parse is drawn
        // as the node's name) still makes a wrong picture: refuse it.
        if agerrors() > 0 {
            throw Failure(description: "Graphviz reported an error drawing this graph (its message is above); nothing was written")
        }
        return data.withMemoryRebound(to: UInt8.self, capacity: Int(length)) { Array(UnsafeBufferPointer(start: $0, count: Int(length))) }
    }

    private static func vendoredFormat(_ format: String) -> Failure {
        Failure(description: "Graphviz: cannot render format '\(format)': this build (the wheel) draws svg, dot and json only, without Graphviz's cairo plugin; render an .svg and convert it")
    }

    private static func build(_ graph: RenderGraph) -> UnsafeMutablePointer<Agraph_t>? {
        guard let g = "refgraph".withCString({ agopen(UnsafeMutablePointer(mutating: $0), rg_agdirected(), nil) }) else { return nil }
        for (k, v) in graph.graphAttributes.sorted(by: { $0.key < $1.key }) { _ = rg_default(g, rg_kind_graph(), k, v) }
        for (k, v) in graph.nodeDefaults.sorted(by: { $0.key < $1.key }) { _ = rg_default(g, rg_kind_node(), k, v) }
        for (k, v) in graph.edgeDefaults.sorted(by: { $0.key < $1.key }) { _ = rg_default(g, rg_kind_edge(), k, v) }
        var handles: [UnsafeMutablePointer<Agnode_t>?] = []
        handles.reserveCapacity(graph.nodes.count)
        for node in graph.nodes {
            let h = node.key.withCString { agnode(g, UnsafeMutablePointer(mutating: $0), 1) }
            if let h {
                for (k, v) in node.attributes.sorted(by: { $0.key < $1.key }) { _ = rg_set(h, k, v, "") }
                if let html = node.htmlLabel { _ = rg_set_html(h, "label", html) }
            }
            handles.append(h)
        }
        for edge in graph.edges {
            guard let t = handles[edge.from], let h = handles[edge.to] else { continue }
            if let e = agedge(g, t, h, nil, 1) {
                for (k, v) in edge.attributes.sorted(by: { $0.key < $1.key }) { _ = rg_set(e, k, v, "") }
                if let html = edge.htmlLabel { _ = rg_set_html(e, "label", html) }
            }
        }
        return g
    }

    /// DOT text through cgraph's own writer, which quotes every string.
    private static func write(_ g: UnsafeMutablePointer<Agraph_t>) throws(Failure) -> [UInt8] {
        var buffer: UnsafeMutablePointer<CChar>?
        var size = 0
        guard let stream = open_memstream(&buffer, &size) else { throw Failure(description: "cannot open a memory stream") }
        let status = agwrite(g, stream)
        fclose(stream)
        defer { free(buffer) }
        guard status == 0, let buffer else { throw Failure(description: "Graphviz: agwrite failed") }
        return buffer.withMemoryRebound(to: UInt8.self, capacity: size) { Array(UnsafeBufferPointer(start: $0, count: size)) }
    }
}
