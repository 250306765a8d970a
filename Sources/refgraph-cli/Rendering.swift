import RefGraph

/// The picture pipeline `render` and `diff --cluster` share: the format from
/// `--format` or the output's extension, the style, Graphviz in-process, and
/// an atomic write. Any failure prints `refgraph: reason` and exits 2.
enum Rendering {
    /// Formats Graphviz renders here (`gv` is `dot`).
    static let formats = ["svg", "png", "pdf", "dot", "gv", "json"]

    /// The format to draw `output` in: `explicit`, else its extension, else svg.
    static func format(_ explicit: String?, output: String) -> String {
        let ext = PathName.pathExtension(output).lowercased()
        let fmt = explicit ?? (ext.isEmpty ? "svg" : ext)
        guard formats.contains(fmt) else {
            fail("unknown output format '\(fmt)': use svg, png, pdf, dot or json (--format, or the extension of -o)")
        }
        return fmt == "gv" ? "dot" : fmt
    }

    /// Styles `sub` of `graph`, draws it in `format` and writes it to `output`.
    static func write(_ sub: Subgraph, of graph: HeapGraph, options: RenderOptions,
                      highlight: ((HeapGraph.Node) -> Bool)? = nil, format: String,
                      engine: Graphviz.Engine = .dot, to output: String) {
        let picture = RenderStyle(graph, describer: Describer(graph), options: options, highlight: highlight).build(sub)
        let bytes: [UInt8]
        do {
            bytes = try Graphviz.render(picture, format: format, engine: engine)
        } catch {
            fail(error.description)
        }
        writeOutput(bytes, to: output, what: "the picture")
    }
}

/// Writes a command's file output: `-` is stdout, as `-o -` means to most
/// tools; anything else is written whole or not at all (`AtomicFile`).
/// A failure prints `refgraph: reason` and exits 2.
func writeOutput(_ bytes: [UInt8], to output: String, what: String) {
    if output == "-" {
        if let why = AtomicFile.writeAll(1, bytes) { fail("<stdout>: cannot write \(what): \(why)") }
        return
    }
    do {
        try AtomicFile.write(bytes, to: output)
    } catch {
        fail("\(output): cannot write: \(error.description)")
    }
}
