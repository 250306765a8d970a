import ArgumentParser
import RefGraph
#if canImport(Glibc)
import Glibc
#endif

extension LoadOptions.CacheMode: ExpressibleByArgument {}
extension CRoots: ExpressibleByArgument {}

/// How dumps are read, shared by every command that loads one or more
/// (`summary` ... `render`, `diff`, `check`).
struct LoadFlags: ParsableArguments {
    @Flag(help: "Load a dump that ends early instead of refusing it; reports say it is partial.")
    var allowTruncated = false

    @Option(help: "Binary index cache next to the dump (DUMP.rgidx): auto (for dumps over 64 MB), on or off.")
    var cache: LoadOptions.CacheMode = .auto

    @Option(name: .customLong("c-roots"), help: "Objects with references from C: unreached (default: roots only where no GC-visible root reaches them; otherwise '+N refs from C') or all (every one is a root, the conservative view). See docs/ROOTS.md.")
    var cRoots: CRoots = .unreached

    /// The load options these flags give, for a dump with node table `nodes`.
    func options(nodes: String?, progress: Bool = true) -> LoadOptions {
        LoadOptions(allowTruncated: allowTruncated, nodeTable: nodes, progress: progress, cache: cache, cRoots: cRoots)
    }

    /// Loads `dump`, or prints `FILE:LINE: reason` and exits with status 2.
    func load(_ dump: String, nodes: String?) -> HeapGraph {
        do {
            return try DumpLoader.load(dump, options: options(nodes: nodes))
        } catch {
            fail(error.description)
        }
    }
}

/// `--nodes`'s help: what a node table is, then how this command pairs it with its dumps.
func nodeTableHelp(_ pairing: String) -> ArgumentHelp {
    ArgumentHelp("Node table for edge lists: TSV/CSV with a header naming id, type, size, name, root, finalizer. " + pairing)
}

/// The options every command that reads one dump shares.
struct DumpOptions: ParsableArguments {
    @Argument(help: "A refgraph dump (.jsonl or .jsonl.gz), a meliae dump or an edge list.")
    var dump: String

    @Option(name: .customLong("nodes"), help: nodeTableHelp("For the edge list given as the dump."))
    var nodes: String?

    @OptionGroup var loading: LoadFlags

    /// Loads the dump, or prints `FILE:LINE: reason` and exits with status 2.
    func load() throws -> HeapGraph { loading.load(dump, nodes: nodes) }
}

/// `--json`, for every command with a JSON form of its report.
struct JSONFlag: ParsableArguments {
    @Flag(help: "Print one JSON document.")
    var json = false
}

/// Prints an input error and exits with status 2, as every command does for bad input.
func fail(_ message: String) -> Never { failEscaped(Escape.terminal(message)) }

/// `fail` for a message whose untrusted parts are escaped already (a
/// selector error, with its caret line). The one place bad input exits.
func failEscaped(_ message: String) -> Never {
    StandardError.write(TextStyle.errors.error("refgraph:") + " " + message + "\n")
    exit(2)
}

/// Writes report text to stdout; a failed write (full disk, /dev/full) is
/// reported and exits with status 2.
func emit(_ text: String) {
    if let error = StandardOutput.write(text.hasSuffix("\n") ? text : text + "\n") {
        fail("<stdout>: cannot write the report: \(String(cString: strerror(error)))")
    }
}

/// The objects a command's main selector selects. A bare word's kind
/// (instances, or objects named so) and, when nothing matched, what the
/// selector may have meant go to stderr, unless the report says it itself.
func select(_ text: String, in graph: HeapGraph, quiet: Bool = false) -> (Selector, [HeapGraph.Node]) {
    let s = compile(text, for: graph)
    let targets = s.select(in: graph)
    if !quiet && (targets.isEmpty || !s.words.isEmpty) {
        let header = SelectionText.header(s, matched: targets.count)
        StandardError.write("refgraph: " + (targets.isEmpty ? TextStyle.errors.warning(header) : header) + "\n")
    }
    return (s, targets)
}

/// Compiles a selector, or prints the error with a caret and exits with status 2.
func compile(_ text: String, for graph: HeapGraph) -> Selector {
    do {
        return try Selector(text, graph: graph)
    } catch {
        failEscaped(error.description)
    }
}
