import ArgumentParser
import RefGraph

extension TopMeasure: ExpressibleByArgument {}
extension TopGrouping: ExpressibleByArgument {}

struct TopCommand: ParsableCommand, StyledCommand {
    static let configuration = CommandConfiguration(
        commandName: "top",
        abstract: "What holds the memory: top objects or groups by retained size, shallow size or count.",
        discussion: "--group module shows which module's data keeps the most memory."
    )

    @OptionGroup var colorOptions: OutputOptions

    @OptionGroup var input: DumpOptions

    @Option(help: "retained, size or count.")
    var by: TopMeasure = .retained

    @Option(help: "none, type, module or owner.")
    var group: TopGrouping = .none

    @OptionGroup var limit: RowLimit

    @OptionGroup var jsonOutput: JSONFlag

    func run() throws {
        let graph = try input.load()
        PhaseTrace.mark("load")
        let index = DominatorIndex(graph, tree: DominatorTree(graph))
        let describer = Describer(graph)
        let result = RetainedTop(graph, index: index, by: by, group: group, limit: limit.rows(default: 20),
                                 semantics: describer.semantics, title: describer.title)
        PhaseTrace.mark("top")
        emit(jsonOutput.json ? result.json(graph) : result.text(graph))
    }
}

struct DominatorsCommand: ParsableCommand, StyledCommand {
    static let configuration = CommandConfiguration(
        commandName: "dominators",
        abstract: "The chain of immediate dominators of each selected object: the objects whose removal would free it."
    )

    @OptionGroup var colorOptions: OutputOptions

    @OptionGroup var input: DumpOptions

    @Argument(help: "Selector for the objects.")
    var selector: String

    @OptionGroup var limit: RowLimit

    @OptionGroup var jsonOutput: JSONFlag

    func run() throws {
        let graph = try input.load()
        let (_, targets) = select(selector, in: graph)
        let tree = DominatorTree(graph)
        emit(DominatorChains(graph, tree: tree, targets: targets, limit: limit.rows(default: 5)).render(json: jsonOutput.json))
    }
}

struct SuspectsCommand: ParsableCommand, StyledCommand {
    static let configuration = CommandConfiguration(
        commandName: "suspects",
        abstract: "Automatic leak report: what retains the most, where it accumulates, and how it is held."
    )

    @OptionGroup var colorOptions: OutputOptions

    @OptionGroup var input: DumpOptions

    @Option(help: "Percent of the reachable heap a suspect must retain.", transform: Numbers.percent)
    var threshold: Double = 10

    @Option(help: "A container holding at least this many objects of one type is a suspect too (0 turns this off).", transform: Numbers.count)
    var accumulation = 10_000

    @OptionGroup var limit: RowLimit

    @OptionGroup var jsonOutput: JSONFlag

    func run() throws {
        let graph = try input.load()
        let index = DominatorIndex(graph, tree: DominatorTree(graph))
        let result = LeakSuspects(graph, index: index, semantics: HeapSemantics(graph), threshold: threshold / 100, accumulation: accumulation, limit: limit.rows(default: 10))
        emit(jsonOutput.json ? result.json(graph) : result.text(graph))
    }
}
