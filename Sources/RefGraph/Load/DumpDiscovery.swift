import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Which files `refgraph check` reads: dumps named directly, found in
/// directories, or matched by glob patterns, and the node table that goes
/// with an edge list. Cost: a directory listing per directory named.
public enum DumpDiscovery {
    /// Files named by paths, directories (searched for dumps) and glob patterns,
    /// leaving out `excluding` (a node table that sits among the edge lists it describes).
    public static func expand(_ inputs: [String], excluding: [String] = []) -> [String] {
        let skip = Set(excluding.map { URL(fileURLWithPath: $0).standardizedFileURL.path })
        return collect(inputs).filter { !skip.contains(URL(fileURLWithPath: $0).standardizedFileURL.path) }
    }

    private static func collect(_ inputs: [String]) -> [String] {
        var out: [String] = []
        let fm = FileManager.default
        for input in inputs {
            var isDir: ObjCBool = false
            if fm.fileExists(atPath: input, isDirectory: &isDir) {
                if isDir.boolValue {
                    let found = (fm.enumerator(atPath: input)?.allObjects as? [String] ?? [])
                        .filter { Self.looksLikeDump($0) }
                        .sorted()
                        .map { (input as NSString).appendingPathComponent($0) }
                        .filter { OpenFile.isRegular($0) }  // not a FIFO or device that happens to be named *.jsonl
                    out += found
                } else {
                    out.append(input)
                }
            } else if input.contains("*") || input.contains("?") || input.contains("[") {
                var g = glob_t()
                defer { globfree(&g) }
                if glob(input, 0, nil, &g) == 0 {
                    for i in 0..<Int(g.gl_pathc) { if let p = g.gl_pathv[i] { out.append(String(cString: p)) } }
                } else {
                    out.append(input)  // reported as unreadable
                }
            } else {
                out.append(input)
            }
        }
        var seen = Set<String>()
        // Each dump once, even when named twice (`check dir/ dir/a.jsonl`).
        return out.filter { seen.insert(URL(fileURLWithPath: $0).standardizedFileURL.path).inserted }
    }

    /// The node table that goes with edge list `NAME.EXT`: `NAME.nodes.tsv` or
    /// `NAME.nodes.csv` beside it, so a directory of snapshots can be checked at once.
    public static func siblingNodeTable(_ path: String) -> String? {
        var base = path.hasSuffix(".gz") ? String(path.dropLast(3)) : path
        guard [".tsv", ".csv", ".edges", ".txt"].contains(where: { base.hasSuffix($0) }), !isNodeTable(base) else { return nil }
        base = (base as NSString).deletingPathExtension
        return [".nodes.tsv", ".nodes.csv"].map { base + $0 }.first { FileManager.default.fileExists(atPath: $0) }
    }

    static func isNodeTable(_ name: String) -> Bool {
        let n = name.hasSuffix(".gz") ? String(name.dropLast(3)) : name
        return n.hasSuffix(".nodes.tsv") || n.hasSuffix(".nodes.csv")
    }

    static func looksLikeDump(_ name: String) -> Bool {
        let n = name.hasSuffix(".gz") ? String(name.dropLast(3)) : name
        if isNodeTable(n) { return false }
        return [".jsonl", ".json", ".tsv", ".csv", ".edges", ".dump"].contains { n.hasSuffix($0) }
    }
}
