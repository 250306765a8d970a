import ArgumentParser
import RefGraph

struct DiffCommand: ParsableCommand, StyledCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Find the leak from snapshots: growth by type and module, and new objects that stay alive, clustered by how they are held.",
        discussion: """
        With three snapshots (BASELINE TARGET FINAL) the leak candidates are objects new in TARGET and still alive in FINAL (memlab's rule).
        Draw a cluster: refgraph diff a.jsonl b.jsonl c.jsonl --cluster 1 -o ref.svg. See docs/DIFF.md.
        """
    )

    @OptionGroup var colorOptions: OutputOptions

    @Argument(help: "Two or three dumps of one process, oldest first.")
    var dumps: [String]

    @Flag(help: "Compare type tables only (allowed across processes).")
    var byType = false

    @Option(name: .customLong("nodes"), help: nodeTableHelp("Give it once for all dumps or once per dump, in the same order."))
    var nodes: [String] = []

    @OptionGroup var loading: LoadFlags

    @OptionGroup var clusters: RowLimit

    @Option(help: "Rows of each growth table.", transform: Numbers.count)
    var rows = 15

    @Option(help: "Draw this cluster's representative paths (1-based) to -o.", transform: Numbers.position)
    var cluster: Int?

    @Option(name: .shortAndLong, help: "Picture file for --cluster (svg, png, pdf, dot).")
    var output: String?

    @OptionGroup var jsonOutput: JSONFlag

    func validate() throws {
        guard dumps.count == 2 || dumps.count == 3 else { throw ValidationError("diff takes two or three dumps, oldest first") }
        if cluster != nil && output == nil { throw ValidationError("--cluster needs -o FILE") }
        if nodes.count > 1 && nodes.count != dumps.count {
            throw ValidationError("give --nodes once for all dumps or once per dump (\(dumps.count)), not \(nodes.count) times")
        }
    }

    func run() throws {
        var graphs: [HeapGraph] = []
        for (i, d) in dumps.enumerated() {
            let table = nodes.isEmpty ? nil : nodes[nodes.count == 1 ? 0 : i]
            graphs.append(loading.load(d, nodes: table))
        }
        if let i = SnapshotDiff.outOfOrder(graphs) {
            StandardError.write("refgraph: " + TextStyle.errors.warning("warning:") + " the snapshots are not in time order: \(Escape.terminal(dumps[i])) was taken before \(Escape.terminal(dumps[i - 1])) (diff expects the oldest first; growth and new objects come out reversed)\n")
        }
        let diff: SnapshotDiff
        do { diff = try SnapshotDiff(graphs, byTypeOnly: byType) } catch { fail(error.description) }
        if let n = cluster, let output {
            let fmt = Rendering.format(nil, output: output)
            guard n >= 1 && n <= diff.clusters.count else { fail("there is no cluster \(n): the diff found \(diff.clusters.count)") }
            let last = graphs[graphs.count - 1]
            var options = RenderOptions()
            options.mode = .roots
            let sub: Subgraph
            do { sub = try Subgraph(last, targets: Array(diff.clusters[n - 1].roots.prefix(5)), options: options) } catch { fail(error.description) }
            Rendering.write(sub, of: last, options: options, format: fmt, to: output)
            StandardError.write("wrote \(output): cluster \(n), \(sub.nodes.count) objects\n")
        }
        emit(jsonOutput.json ? diff.json(graphs) : diff.text(graphs, limit: clusters.rows(default: 10), rows: rows))
    }
}
