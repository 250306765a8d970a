#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Which files `refgraph check` reads: dumps named directly, found in
/// directories, or matched by glob patterns, and the node table that goes
/// with an edge list. Cost: a directory listing per directory named.
public enum DumpDiscovery {
    /// Files named by paths, directories (searched for dumps) and glob patterns,
    /// leaving out `excluding` (a node table that sits among the edge lists it describes).
    public static func expand(_ inputs: [String], excluding: [String] = []) -> [String] {
        let skip = Set(excluding.map(standardized))
        return collect(inputs).filter { !skip.contains(standardized($0)) }
    }

    private static func collect(_ inputs: [String]) -> [String] {
        var out: [String] = []
        for input in inputs {
            var info = stat()
            if stat(input, &info) == 0 {
                if info.st_mode & S_IFMT == S_IFDIR {
                    let below = filesBelow(input)
                    let found = below.names
                        .filter { Self.looksLikeDump($0) }
                        .sorted()
                        .map { PathName.appending(input, $0) }
                        .filter { OpenFile.isRegular($0) }  // not a FIFO or device that happens to be named *.jsonl
                    out += found
                    // A directory that cannot be listed is named, so the check
                    // reports it unreadable instead of passing without it.
                    out += below.unlisted.sorted().map { $0.isEmpty ? input : PathName.appending(input, $0) }
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
        return out.filter { seen.insert(standardized($0)).inserted }
    }

    /// Every name below `dir`, relative to it, subdirectories included
    /// (entered once each, never through a symbolic link), in no order; and
    /// the directories that could not be listed ("" for `dir` itself).
    /// Iterative: a deep tree cannot overflow the stack.
    static func filesBelow(_ dir: String) -> (names: [String], unlisted: [String]) {
        var out: [String] = []
        var unlisted: [String] = []
        var pending = [""]
        while let rel = pending.popLast() {
            let full = rel.isEmpty ? dir : PathName.appending(dir, rel)
            guard let d = opendir(full) else {
                unlisted.append(rel)
                continue
            }
            defer { closedir(d) }
            while let e = readdir(d) {
                let name = withUnsafeBytes(of: e.pointee.d_name) { raw in
                    String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
                }
                if name == "." || name == ".." { continue }
                let child = rel.isEmpty ? name : rel + "/" + name
                out.append(child)
                var info = stat()
                if lstat(PathName.appending(dir, child), &info) == 0, info.st_mode & S_IFMT == S_IFDIR { pending.append(child) }
            }
        }
        return (out, unlisted)
    }

    /// `path` made absolute, with `.` and `..` components resolved by name
    /// (symbolic links are left alone), so that one file named two ways is
    /// checked once.
    static func standardized(_ path: String) -> String {
        var full = path
        if !path.hasPrefix("/") {
            var buffer = [CChar](repeating: 0, count: 4096)
            if getcwd(&buffer, buffer.count) != nil {
                full = PathName.appending(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self), path)
            }
        }
        var parts: [Substring] = []
        for part in full.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == ".." { _ = parts.popLast(); continue }
            parts.append(part)
        }
        return "/" + parts.joined(separator: "/")
    }

    /// The node table that goes with edge list `NAME.EXT`: `NAME.nodes.tsv` or
    /// `NAME.nodes.csv` beside it, so a directory of snapshots can be checked at once.
    public static func siblingNodeTable(_ path: String) -> String? {
        var base = path.hasSuffix(".gz") ? String(path.dropLast(3)) : path
        guard [".tsv", ".csv", ".edges", ".txt"].contains(where: { base.hasSuffix($0) }), !isNodeTable(base) else { return nil }
        base = PathName.deletingExtension(base)
        return [".nodes.tsv", ".nodes.csv"].map { base + $0 }.first { access($0, F_OK) == 0 }
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
