import ArgumentParser
import RefGraph

struct SummaryCommand: ParsableCommand, StyledCommand {
    static let configuration = CommandConfiguration(
        commandName: "summary",
        abstract: "Objects, references, roots, top types, and how much of RSS the objects explain."
    )

    @OptionGroup var colorOptions: OutputOptions

    @OptionGroup var input: DumpOptions

    @OptionGroup var limit: RowLimit

    @OptionGroup var jsonOutput: JSONFlag

    func run() throws {
        let graph = try input.load()
        let summary = Summary(graph, top: limit.rows(default: 10))
        emit(jsonOutput.json ? summary.json() : summary.text())
    }
}
