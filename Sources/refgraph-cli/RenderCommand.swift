import ArgumentParser
import RefGraph

extension RenderMode: ExpressibleByArgument {}
extension Graphviz.Engine: ExpressibleByArgument {}

struct RenderCommand: ParsableCommand, StyledCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Draw a filtered reference graph (ref.svg) with Graphviz's libraries, in-process.",
        discussion: "Example: refgraph render dump.jsonl 'owner == \"module logging\"' --mode roots -o ref.svg"
    )

    @OptionGroup var colorOptions: OutputOptions

    @OptionGroup var input: DumpOptions

    @Argument(help: "Selector for the target objects.")
    var selector: String

    @Option(name: .shortAndLong, help: "Output file; its extension picks the format.")
    var output: String

    @Option(help: "backrefs, refs, roots or cycle.")
    var mode: RenderMode = .backrefs

    @Option(help: "How far to grow from the targets.", transform: Numbers.count)
    var maxDepth = 3

    @Option(help: "A node with more referrers (referents with --mode refs) than this gets one 'N more' box.", transform: Numbers.count)
    var tooMany = 10

    @Option(help: "Objects that fail this selector are left out, as objgraph's filter= (the targets are always drawn).")
    var filter: String?

    @Option(name: .customLong("stop-at"), help: "Objects that match this selector are drawn but not expanded.")
    var stopAt: String?

    @Option(help: "Objects that match this selector are left out.")
    var ignore: String?

    @Option(help: "Objects that match this selector are outlined in red.")
    var highlight: String?

    @Flag(help: "Show refcounts and unexplained references in the labels.")
    var refcounts = false

    @Flag(help: "Show qualified type and function names.")
    var longNames = false

    @Flag(help: "With --mode roots: draw every independent holder, not only the shortest path.")
    var all = false

    @Option(help: "Refuse to draw more objects than this (at most 10000).", transform: Numbers.drawn)
    var maxNodes = 500

    @Option(help: "dot, sfdp or neato.")
    var engine: Graphviz.Engine = .dot

    @Option(help: "svg, png, pdf, dot or json (default: from the output's extension; svg without one).")
    var format: String?

    @Flag(help: "Print load, selection and Graphviz times on stderr.")
    var timing = false

    func run() throws {
        let fmt = Rendering.format(format, output: output)
        let clock = ContinuousClock()
        let t0 = clock.now
        let graph = try input.load()
        let t1 = clock.now
        let (_, targets) = select(selector, in: graph)
        if targets.isEmpty { fail("no object matches '\(selector)'") }
        var options = RenderOptions()
        options.mode = mode
        options.maxDepth = maxDepth
        options.tooMany = tooMany
        options.maxNodes = maxNodes
        options.refcounts = refcounts
        options.longNames = longNames
        options.alternatives = all ? 5 : 1
        let f = filter.map { compile($0, for: graph) }
        let i = ignore.map { compile($0, for: graph) }
        let stop = stopAt.map { compile($0, for: graph) }
        let h = highlight.map { compile($0, for: graph) }
        let sub: Subgraph
        do {
            sub = try Subgraph(graph, targets: targets, options: options, filter: f.map { s in { s.matches($0) } }, ignore: i.map { s in { s.matches($0) } },
                               stopAt: stop.map { s in { s.matches($0) } })
        } catch {
            fail(error.description)
        }
        let t2 = clock.now
        Rendering.write(sub, of: graph, options: options, highlight: h.map { s in { s.matches($0) } }, format: fmt,
                        engine: engine, to: output)
        if timing {
            let t3 = clock.now
            StandardError.write("timing: load \(t1 - t0), selection \(t2 - t1), graphviz \(t3 - t2)\n")
        }
        StandardError.write("wrote \(output): \(sub.nodes.count) objects, \(sub.edges.count) references\(sub.elided.isEmpty ? "" : ", \(sub.elided.count) 'more' boxes")\n")
    }
}
