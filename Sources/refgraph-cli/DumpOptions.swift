import ArgumentParser
import RefGraph
#if canImport(Glibc)
import Glibc
#endif

extension LoadOptions.CacheMode: ExpressibleByArgument {}
extension CRoots: ExpressibleByArgument {}

/// The options every command that reads one dump shares.
struct DumpOptions: ParsableArguments {
    @Argument(help: "A refgraph dump (.jsonl or .jsonl.gz), a meliae dump or an edge list.")
    var dump: String

    @Option(name: .customLong("nodes"), help: "Node table for an edge list: TSV/CSV with a header naming id, type, size, name, root, finalizer.")
    var nodes: String?

    @Flag(help: "Load a dump that ends early instead of refusing it; reports say it is partial.")
    var allowTruncated = false

    @Option(help: "Binary index cache next to the dump (DUMP.rgidx): auto (for dumps over 64 MB), on or off.")
    var cache: LoadOptions.CacheMode = .auto

    @Option(name: .customLong("c-roots"), help: "Objects with references from C: unreached (default: roots only where no GC-visible root reaches them; otherwise '+N refs from C') or all (every one is a root, the conservative view). See docs/ROOTS.md.")
    var cRoots: CRoots = .unreached

    var loadOptions: LoadOptions { LoadOptions(allowTruncated: allowTruncated, nodeTable: nodes, cache: cache, cRoots: cRoots) }

    /// Loads the dump, or prints `FILE:LINE: reason` and exits with status 2.
    func load() throws -> HeapGraph {
        do {
            return try DumpLoader.load(dump, options: loadOptions)
        } catch {
            fail(error.description)
        }
    }
}

/// Prints an input error and exits with status 2, as every command does for bad input.
func fail(_ message: String) -> Never {
    StandardError.write(TextStyle.errors.error("refgraph:") + " " + Escape.terminal(message) + "\n")
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
        StandardError.write("refgraph: " + error.description + "\n")
        exit(2)
    }
}
