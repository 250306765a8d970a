import ArgumentParser
import RefGraph
#if canImport(Glibc)
import Glibc
#endif

struct CheckCommand: ParsableCommand, StyledCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Batch-check dumps for CI or a fleet: exit 0 all pass, 1 a rule failed, 2 an input could not be read.",
        discussion: """
        Rules: uncollectable (default), finalizer-cycles, garbage, unreachable[>BYTES], count:SELECTOR>N, size:SELECTOR>BYTES.
        Example: refgraph check dumps/ --fail-on uncollectable --fail-on 'count:type == "logging.Logger">100' --format junit
        """
    )

    @OptionGroup var colorOptions: OutputOptions

    @Argument(help: "Dump files, directories (searched for .jsonl/.json/.tsv/.csv, optionally .gz) or glob patterns.")
    var paths: [String]

    @Option(name: .customLong("fail-on"), help: "A rule; repeat for several.")
    var rules: [String] = []

    @Option(help: "text, json or junit.")
    var format: Format = .text

    @Option(name: .customLong("nodes"), help: nodeTableHelp("For every edge list among the inputs; without it, edge list NAME.tsv uses NAME.nodes.tsv (or .csv) when present."))
    var nodes: String?

    @OptionGroup var loading: LoadFlags

    enum Format: String, ExpressibleByArgument { case text, json, junit }

    func run() throws {
        var parsed: [CheckRule] = []
        for r in rules.isEmpty ? ["uncollectable"] : rules {
            do {
                let rule = try CheckRule.parse(r)
                try rule.validate()
                parsed.append(rule)
            } catch let e as CheckRule.ParseError {
                fail(e.description)
            } catch let e as SelectorError {
                fail("in rule '\(r)': \(e.description)")
            }
        }
        let files = DumpDiscovery.expand(paths, excluding: nodes.map { [$0] } ?? [])
        if files.isEmpty { fail("no dumps found in: " + paths.joined(separator: " ")) }
        let results = BatchCheck.check(files, rules: parsed, options: loading.options(nodes: nodes, progress: false),
                                       title: { Describer($0).title($1) })
        switch format {
        case .text: emit(CheckOutput.text(results))
        case .json: emit(CheckOutput.json(results))
        case .junit: emit(CheckOutput.junit(results, rules: parsed))
        }
        throw ExitCode(CheckOutput.exitCode(results))
    }
}
