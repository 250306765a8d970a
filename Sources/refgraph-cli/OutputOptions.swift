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

/// A command's default row limit, for `RowLimit`.
protocol RowLimitDefault {
    /// Rows (cycles, groups, clusters, objects) the command prints when not told.
    static var rows: Int { get }
}
/// Five rows by default.
enum FiveRows: RowLimitDefault { static var rows: Int { 5 } }
/// Ten rows by default.
enum TenRows: RowLimitDefault { static var rows: Int { 10 } }
/// Twenty rows by default.
enum TwentyRows: RowLimitDefault { static var rows: Int { 20 } }

/// `--limit`/`-n` (and `--top`, its older name), shared by every command that
/// prints a ranked list; only the default differs by command.
struct RowLimit<Default: RowLimitDefault>: ParsableArguments {
    @Option(name: [.customLong("limit"), .customShort("n"), .customLong("top")],
            help: ArgumentHelp("Rows to print: cycles, groups, clusters, objects or suspects (--top is the same option; default \(Default.rows))."),
            transform: Numbers.count)
    var limit = Default.rows
}
