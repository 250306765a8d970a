import ArgumentParser
import RefGraph

struct PathCommand: ParsableCommand, StyledCommand {
    static let configuration = CommandConfiguration(
        commandName: "path",
        abstract: "Why is it alive: the shortest retention path from a GC root to each selected object.",
        discussion: """
        Many matching objects are grouped by the shape of their path (types and edge labels), largest group first.
        Example: refgraph path dump.jsonl 'owner == "module logging"' --all
        """
    )

    @OptionGroup var colorOptions: OutputOptions

    @OptionGroup var input: DumpOptions

    @Argument(help: "Selector for the target objects (see docs/SELECTORS.md).")
    var selector: String

    @Option(help: "Do not pass through objects matching this selector (e.g. 'type == weakref').")
    var avoid: String?

    @Flag(help: "Show every independent holder: up to --paths shortest paths per group, each through a different holder.")
    var all = false

    @Option(help: "Paths per group with --all.", transform: Numbers.count)
    var paths = 5

    @Option(help: "Only paths of at most this many hops.", transform: Numbers.count)
    var maxDepth: Int?

    @OptionGroup var limit: RowLimit

    @OptionGroup var jsonOutput: JSONFlag

    func run() throws {
        let graph = try input.load()
        let (chosen, targets) = select(selector, in: graph, quiet: !jsonOutput.json)
        let avoidSelector = avoid.map { compile($0, for: graph) }
        let describer = Describer(graph)
        let result = RetentionPaths(graph, targets: targets, avoid: avoidSelector.map { s in { s.matches($0) } },
                                    maxDepth: maxDepth, alternatives: all ? max(paths, 1) : 1, semantics: describer.semantics)
        emit(jsonOutput.json ? result.json(graph, selector: selector, describer: describer) : result.text(graph, selector: selector, header: SelectionText.header(chosen, matched: targets.count), limit: limit.rows(default: 10), describer: describer))
    }
}
