import ArgumentParser
import RefGraph

struct CyclesCommand: ParsableCommand, StyledCommand {
    static let configuration = CommandConfiguration(
        commandName: "cycles",
        abstract: "Reference cycles, classified as uncollectable, collectable-finalized or plain for the dump's Python."
    )

    @OptionGroup var colorOptions: OutputOptions

    @OptionGroup var input: DumpOptions

    @Flag(help: "Only cycles that contain objects with finalizers (__del__ or tp_del).")
    var finalizers = false

    @OptionGroup var limit: RowLimit

    @OptionGroup var jsonOutput: JSONFlag

    func run() throws {
        let graph = try input.load()
        let cycles = ReferenceCycles(graph, finalizersOnly: finalizers)
        emit(jsonOutput.json ? cycles.json(graph) : cycles.text(graph, limit: limit.rows(default: 20)))
    }
}
