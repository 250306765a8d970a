import ArgumentParser
import RefGraph

@main
struct RefGraphCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "refgraph",
        abstract: "Why is this Python object still alive, and what holds the memory?",
        discussion: "Reads refgraph dumps (python -m refgraph_export), meliae dumps and referrer/referent edge lists. See docs/GUIDE.md.",
        version: RefGraphVersion.string,
        subcommands: [SummaryCommand.self, PathCommand.self, CyclesCommand.self, CheckCommand.self, TopCommand.self, DominatorsCommand.self, SuspectsCommand.self, RenderCommand.self, DiffCommand.self]
    )
}
