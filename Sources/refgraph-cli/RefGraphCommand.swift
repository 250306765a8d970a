import ArgumentParser
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import RefGraph

@main
struct RefGraphCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "refgraph",
        abstract: "Why is this Python object still alive, and what holds the memory?",
        discussion: "Reads refgraph dumps (python -m refgraph_export), meliae dumps and referrer/referent edge lists. See docs/GUIDE.md.",
        version: RefGraphVersion.string,
        subcommands: [SummaryCommand.self, PathCommand.self, CyclesCommand.self, CheckCommand.self, TopCommand.self, DominatorsCommand.self, SuspectsCommand.self, RenderCommand.self, DiffCommand.self, ExportCommand.self, ServeCommand.self]
    )

    /// A mistyped subcommand gets the nearest one (`refgraph sumary` →
    /// `did you mean 'summary'?`) and the usage exit code, before the parser
    /// would take the word for a dump path.
    static func main() {
        let args = Array(CommandLine.arguments.dropFirst())
        if let first = args.first, !first.hasPrefix("-") {
            let names = configuration.subcommands.compactMap { $0.configuration.commandName } + ["help"]
            if !names.contains(first) {
                let best = names.map { ($0, SelectorParser.editDistance(first.lowercased(), $0)) }.min { $0.1 < $1.1 }
                var message = "refgraph: unknown command '\(Escape.terminal(first))'"
                if let (name, d) = best, d <= max(2, first.count / 3) { message += "; did you mean '\(name)'?" }
                StandardError.write(message + "\ncommands: " + names.dropLast().joined(separator: ", ") + "\n")
                Glibc.exit(64)
            }
        }
        do {
            var command = try parseAsRoot(args)
            if let styled = command as? StyledCommand {
                try styled.styled { try command.run() }
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
