/// A rule that `refgraph check` applies to every dump.
public enum CheckRule: Sendable, Equatable, CustomStringConvertible {
    /// Cycles that this Python never frees, or objects in gc.garbage.
    case uncollectable
    /// Any cycle that contains an object with a finalizer.
    case finalizerCycles
    /// gc.garbage is not empty.
    case garbage
    /// Objects no root reaches (cyclic garbage awaiting collection) above this many bytes.
    case unreachable(UInt64)
    case count(String, UInt64)
    case size(String, UInt64)

    public var description: String {
        switch self {
        case .uncollectable: return "uncollectable"
        case .finalizerCycles: return "finalizer-cycles"
        case .garbage: return "garbage"
        case .unreachable(let b): return b == 0 ? "unreachable" : "unreachable>\(b)"
        case .count(let s, let n): return "count:\(s)>\(n)"
        case .size(let s, let n): return "size:\(s)>\(n)"
        }
    }

    public struct ParseError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Parses `uncollectable`, `finalizer-cycles`, `garbage`, `unreachable[>BYTES]`,
    /// `count:SELECTOR>N` or `size:SELECTOR>BYTES`.
    public static func parse(_ text: String) throws(ParseError) -> CheckRule {
        switch text {
        case "uncollectable": return .uncollectable
        case "finalizer-cycles": return .finalizerCycles
        case "garbage": return .garbage
        case "unreachable": return .unreachable(0)
        default: break
        }
        func limit(_ body: Substring, _ what: String) throws(ParseError) -> (String, UInt64) {
            guard let gt = body.lastIndex(of: ">") else {
                throw ParseError(description: "rule '\(text)' needs a limit: \(what)")
            }
            let number = body[body.index(after: gt)...].trimmingCharacters(in: .whitespaces)
            guard let n = SelectorParser.number(number) else {
                throw ParseError(description: "rule '\(text)': '\(number)' is not a number (sizes may use kB, MB, GB)")
            }
            return (String(body[..<gt]).trimmingCharacters(in: .whitespaces), n)
        }
        if text.hasPrefix("unreachable>") {
            return .unreachable(try limit(text.dropFirst("unreachable".count), "unreachable>BYTES").1)
        }
        if text.hasPrefix("count:") {
            let (s, n) = try limit(text.dropFirst(6), "count:SELECTOR>N")
            return .count(s, n)
        }
        if text.hasPrefix("size:") {
            let (s, n) = try limit(text.dropFirst(5), "size:SELECTOR>BYTES")
            return .size(s, n)
        }
        throw ParseError(description: "unknown rule '\(text)'; rules: uncollectable, finalizer-cycles, garbage, unreachable[>BYTES], count:SELECTOR>N, size:SELECTOR>BYTES")
    }

    /// Checks that a rule's selector compiles, so a typo fails before any dump is read.
    public func validate() throws(SelectorError) {
        switch self {
        case .count(let s, _), .size(let s, _): _ = try SelectorParser.parse(s)
        default: break
        }
    }
}

/// The outcome of one rule on one dump.
public struct RuleResult: Sendable {
    public var rule: CheckRule
    public var passed: Bool
    public var message: String
}

/// The outcome of checking one dump: its rule results, or why it could not be read.
public struct FileCheck: Sendable {
    public var file: String
    public var error: String?
    public var objects = 0
    public var results: [RuleResult] = []
    public var truncated = false

    public var passed: Bool { error == nil && results.allSatisfy(\.passed) }
}

/// Applies rules to dumps, several dumps at a time.
public enum BatchCheck {
    /// Checks one dump. Never throws: an unreadable dump is a result too.
    public static func check(_ path: String, rules: [CheckRule], options: LoadOptions) -> FileCheck {
        var result = FileCheck(file: path)
        let graph: HeapGraph
        do {
            graph = try DumpLoader.load(path, options: options)
        } catch {
            result.error = error.description
            return result
        }
        result.objects = graph.nodeCount
        result.truncated = graph.info.truncated
        var cycles: FinalizerCycles?
        func allCycles() -> FinalizerCycles {
            if let c = cycles { return c }
            let c = FinalizerCycles(graph)
            cycles = c
            return c
        }
        let describer = Describer(graph)
        for rule in rules {
            switch rule {
            case .uncollectable:
                let bad = allCycles().cycles.filter { $0.classification == .uncollectable }
                let garbage = graph.flags.reduce(0) { $0 + ($1.contains(.garbage) ? 1 : 0) }
                let objects = bad.reduce(0) { $0 + $1.members.count }
                let message = bad.isEmpty && garbage == 0 ? "no uncollectable cycles"
                    : "\(bad.count) uncollectable cycle\(bad.count == 1 ? "" : "s") (\(Units.count(objects)) objects, \(Units.bytes(bad.reduce(0) { $0 + $1.bytes })))"
                        + (bad.first.map { ": " + $0.reason + "; e.g. " + describer.title($0.finalizerMembers.first ?? $0.members[0]) } ?? "")
                        + (garbage > 0 ? "; \(garbage) objects in gc.garbage" : "")
                result.results.append(RuleResult(rule: rule, passed: bad.isEmpty && garbage == 0, message: message))
            case .finalizerCycles:
                let fin = allCycles().cycles.filter { !$0.finalizerMembers.isEmpty }
                result.results.append(RuleResult(rule: rule, passed: fin.isEmpty, message: fin.isEmpty ? "no cycles with finalizers"
                    : "\(fin.count) cycle\(fin.count == 1 ? "" : "s") with finalizers, e.g. " + describer.title(fin[0].finalizerMembers[0]) + " (\(fin[0].classification.rawValue))"))
            case .garbage:
                let g = graph.nodes.filter { graph.flags($0).contains(.garbage) }
                result.results.append(RuleResult(rule: rule, passed: g.isEmpty, message: g.isEmpty ? "gc.garbage is empty"
                    : "\(g.count) object\(g.count == 1 ? "" : "s") in gc.garbage, e.g. " + describer.title(g[0])))
            case .unreachable(let limit):
                let roots = RootPaths(graph)
                var count = 0
                var bytes: UInt64 = 0
                for n in graph.nodes where !roots.isReached(n) && !graph.flags(n).contains(.placeholder) {
                    count += 1
                    bytes &+= graph.size(n)
                }
                let passed = bytes <= limit && (limit > 0 || count == 0)
                result.results.append(RuleResult(rule: rule, passed: passed,
                    message: "\(Units.count(count)) unreachable objects, \(Units.bytes(bytes))" + (limit > 0 ? " (limit \(Units.bytes(limit)))" : "")))
            case .count(let text, let limit), .size(let text, let limit):
                let selector: Selector
                do { selector = try Selector(text, graph: graph) } catch {
                    result.results.append(RuleResult(rule: rule, passed: false, message: error.description))
                    continue
                }
                var count: UInt64 = 0
                var bytes: UInt64 = 0
                for n in graph.nodes where selector.matches(n) { count += 1; bytes &+= graph.size(n) }
                if case .count = rule {
                    result.results.append(RuleResult(rule: rule, passed: count <= limit, message: "\(Units.count(count)) objects match (limit \(Units.count(limit)))"))
                } else {
                    result.results.append(RuleResult(rule: rule, passed: bytes <= limit, message: "\(Units.bytes(bytes)) in \(Units.count(count)) matching objects (limit \(Units.bytes(limit)))"))
                }
            }
        }
        return result
    }

    /// Checks many dumps on all cores; results come back in input order.
    public static func check(_ paths: [String], rules: [CheckRule], options: LoadOptions) -> [FileCheck] {
        let results = ResultBox(count: paths.count)
        DispatchQueue.concurrentPerform(iterations: paths.count) { i in
            var own = options
            if own.nodeTable == nil { own.nodeTable = siblingNodeTable(paths[i]) }
            let r = check(paths[i], rules: rules, options: own)
            results.set(i, r)
        }
        return results.values.map { $0! }
    }

    private final class ResultBox: @unchecked Sendable {
        private let lock = NSLock()
        private(set) var values: [FileCheck?]
        init(count: Int) { values = Array(repeating: nil, count: count) }
        func set(_ i: Int, _ r: FileCheck) { lock.lock(); values[i] = r; lock.unlock() }
    }

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

import Foundation
#if canImport(Glibc)
import Glibc
#endif
