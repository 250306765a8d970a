import ArgumentParser
import RefGraph

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the dump in another tool's format: Chrome's heap snapshot, for Chrome DevTools and memlab.",
        discussion: "Example: refgraph export dump.jsonl --format heapsnapshot -o app.heapsnapshot (then DevTools > Memory > Load)"
    )

    @OptionGroup var input: DumpOptions

    @Option(help: "heapsnapshot (default: from the output's extension).")
    var format: String?

    @Option(name: .shortAndLong, help: "Output file; - for stdout.")
    var output: String

    func run() throws {
        let ext = PathName.pathExtension(output).lowercased()
        let chosen = format ?? (ext.isEmpty || output == "-" ? "heapsnapshot" : ext)
        guard chosen == "heapsnapshot" else {
            fail("unknown export format '\(chosen)': use heapsnapshot (--format, or the extension of -o)")
        }
        let graph = try input.load()
        writeOutput(HeapSnapshot.json(graph), to: output, what: "the snapshot")
    }
}
