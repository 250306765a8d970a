import ArgumentParser
import RefGraph

struct SummaryCommand: ParsableCommand, StyledCommand {
    static let configuration = CommandConfiguration(
        commandName: "summary",
        abstract: "Objects, references, roots, top types, and how much of RSS the objects explain."
    )

    @OptionGroup var colorOptions: OutputOptions

    @OptionGroup var input: DumpOptions

    @Option(name: [.customLong("limit"), .customShort("n"), .customLong("top")], help: "Rows in each top-types table (--top is the same option).", transform: Numbers.count)
    var top = 10

    @OptionGroup var jsonOutput: JSONFlag

    func run() throws {
        let graph = try input.load()
        let summary = Summary(graph, top: top)
        emit(jsonOutput.json ? summary.json() : summary.text())
    }
}
