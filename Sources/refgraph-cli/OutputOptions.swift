import ArgumentParser
import RefGraph

extension ColorChoice: ExpressibleByArgument {}

/// `--color`, shared by every command.
struct OutputOptions: ParsableArguments {
    @Option(help: "Colour roots, targets, sizes and warnings: auto (on a terminal, unless NO_COLOR is set), always or never.")
    var color: ColorChoice = .auto
}

/// A command whose report text may be coloured (`RefGraphCommand.main` sets the styles).
protocol StyledCommand {
    var colorOptions: OutputOptions { get }
}

extension StyledCommand {
    /// Runs `body` with `TextStyle.current` (stdout) and `TextStyle.errors`
    /// (stderr) resolved from `--color`, each for its own stream.
    func styled<T>(_ body: () throws -> T) rethrows -> T {
        try TextStyle.$current.withValue(TextStyle.resolve(colorOptions.color, fd: 1)) {
            try TextStyle.$errors.withValue(TextStyle.resolve(colorOptions.color, fd: 2)) { try body() }
        }
    }
}

/// `--limit`/`-n` (and `--top`, its older name), shared by every command that
/// prints a ranked list, with one help text; each command gives its own
/// default where it reads the value (`rows(default:)`).
struct RowLimit: ParsableArguments {
    @Option(name: [.customLong("limit"), .customShort("n"), .customLong("top")],
            help: "Rows to print: cycles, groups, clusters, objects or suspects (default 5 to 20 by command; --top is the same option).",
            transform: Numbers.count)
    var limit: Int?

    /// The limit given, or the command's `default`.
    func rows(default d: Int) -> Int { limit ?? d }
}
