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
    /// `count:SELECTOR>N`: fails when more than N objects match the selector.
    case count(String, UInt64)
    /// `size:SELECTOR>BYTES`: fails when the matching objects' shallow bytes exceed the limit.
    case size(String, UInt64)

    /// The rule as written on the command line (`unreachable>1000`, `count:dict>5`).
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

    /// A rule that does not parse.
    public struct ParseError: Error, CustomStringConvertible {
        /// What is wrong, with the rule text.
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
            let number = trimmingSpaces(body[body.index(after: gt)...])
            guard let n = SelectorParser.number(number) else {
                throw ParseError(description: "rule '\(text)': '\(number)' is not a number (sizes may use kB, MB, GB)")
            }
            return (trimmingSpaces(body[..<gt]), n)
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

/// The outcome of one rule on one dump, as values (Report words them:
/// `CheckOutput.message`).
public struct RuleResult: Sendable {
    /// The rule applied (JSON `rule`, as `description`).
    public var rule: CheckRule
    /// Whether the dump satisfies it (JSON `passed`).
    public var passed: Bool
    /// What the rule found, pass or fail.
    public var finding: RuleFinding
}

/// What a rule found. `example` is the title of one offending object, taken
/// while its dump was loaded (the graph is gone by the time it is reported).
public enum RuleFinding: Sendable, Equatable {
    /// Uncollectable cycles, their objects and shallow bytes, the first one's
    /// reason and an object of it; `garbage` counts the objects in gc.garbage.
    case uncollectable(cycles: Int, objects: Int, bytes: UInt64, reason: String?, example: String?, garbage: Int)
    /// Cycles with a finalizer member; the first one's finalizer member and
    /// classification (a `CycleClass` raw value).
    case finalizerCycles(cycles: Int, example: String?, classification: String?)
    /// Objects in gc.garbage, with an example.
    case garbage(objects: Int, example: String?)
    /// Objects no root reaches, their shallow bytes, and the rule's limit in bytes.
    case unreachable(objects: Int, bytes: UInt64, limit: UInt64)
    /// `count:`/`size:` rules: matching objects, their shallow bytes, the limit,
    /// and whether the limit is on bytes.
    case matches(objects: UInt64, bytes: UInt64, limit: UInt64, bySize: Bool)
    /// The rule's selector did not compile (the `SelectorError` description).
    case badSelector(String)
}

/// The outcome of checking one dump: its rule results, or why it could not be read.
public struct FileCheck: Sendable {
    /// The dump's path (JSON `file`).
    public var file: String
    /// Why the dump could not be loaded; nil when it was (JSON `error`).
    public var error: String?
    /// Number of nodes loaded (JSON `objects`).
    public var objects = 0
    /// One result per rule, in the order given (JSON `rules`).
    public var results: [RuleResult] = []
    /// The dump ended early and was loaded anyway (JSON `truncated`).
    public var truncated = false

    /// Loaded, and every rule passed.
    public var passed: Bool { error == nil && results.allSatisfy(\.passed) }
}

/// Applies rules to dumps, several dumps at a time. Which files are dumps
/// is `DumpDiscovery`'s (Load); how results read is `CheckOutput`'s (Report).
public enum BatchCheck {
    /// An object's title in a finding (the report's `Describer.title`).
    public typealias Title = @Sendable (HeapGraph, HeapGraph.Node) -> String

    /// Checks one dump. Never throws: an unreadable dump is a result too.
    /// Cost: a load, plus per rule a pass over the nodes (cycle rules: one
    /// strongly-connected-components pass shared by both).
    public static func check(_ path: String, rules: [CheckRule], options: LoadOptions, title: Title) -> FileCheck {
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
        var cycles: ReferenceCycles?
        func allCycles() -> ReferenceCycles {
            if let c = cycles { return c }
            let c = ReferenceCycles(graph)
            cycles = c
            return c
        }
        for rule in rules {
            switch rule {
            case .uncollectable:
                let bad = allCycles().cycles.filter { $0.classification == .uncollectable }
                let garbage = graph.flags.reduce(0) { $0 + ($1.contains(.garbage) ? 1 : 0) }
                let first = bad.first
                result.results.append(RuleResult(rule: rule, passed: bad.isEmpty && garbage == 0, finding: .uncollectable(
                    cycles: bad.count, objects: bad.reduce(0) { $0 + $1.members.count }, bytes: bad.reduce(0) { $0 + $1.bytes },
                    reason: first?.reason, example: first.map { title(graph, $0.finalizerMembers.first ?? $0.members[0]) }, garbage: garbage)))
            case .finalizerCycles:
                let fin = allCycles().cycles.filter { !$0.finalizerMembers.isEmpty }
                result.results.append(RuleResult(rule: rule, passed: fin.isEmpty, finding: .finalizerCycles(
                    cycles: fin.count, example: fin.first.map { title(graph, $0.finalizerMembers[0]) },
                    classification: fin.first?.classification.rawValue)))
            case .garbage:
                let g = graph.nodes.filter { graph.flags($0).contains(.garbage) }
                result.results.append(RuleResult(rule: rule, passed: g.isEmpty,
                                                 finding: .garbage(objects: g.count, example: g.first.map { title(graph, $0) })))
            case .unreachable(let limit):
                let roots = RootPaths(graph)
                var count = 0
                var bytes: UInt64 = 0
                for n in graph.nodes where !roots.isReached(n) && !graph.flags(n).contains(.placeholder) {
                    count += 1
                    bytes &+= graph.size(n)
                }
                let passed = bytes <= limit && (limit > 0 || count == 0)
                result.results.append(RuleResult(rule: rule, passed: passed, finding: .unreachable(objects: count, bytes: bytes, limit: limit)))
            case .count(let text, let limit), .size(let text, let limit):
                let selector: Selector
                do { selector = try Selector(text, graph: graph) } catch {
                    result.results.append(RuleResult(rule: rule, passed: false, finding: .badSelector(error.description)))
                    continue
                }
                var count: UInt64 = 0
                var bytes: UInt64 = 0
                for n in graph.nodes where selector.matches(n) { count += 1; bytes &+= graph.size(n) }
                let bySize: Bool
                if case .size = rule { bySize = true } else { bySize = false }
                result.results.append(RuleResult(rule: rule, passed: (bySize ? bytes : count) <= limit,
                                                 finding: .matches(objects: count, bytes: bytes, limit: limit, bySize: bySize)))
            }
        }
        return result
    }

    /// Checks many dumps on all cores; results come back in input order.
    /// Cost: one `check` per dump, on all cores.
    public static func check(_ paths: [String], rules: [CheckRule], options: LoadOptions, title: @escaping Title) -> [FileCheck] {
        let results = ResultBox(count: paths.count)
        DispatchQueue.concurrentPerform(iterations: paths.count) { i in
            var own = options
            if own.nodeTable == nil { own.nodeTable = DumpDiscovery.siblingNodeTable(paths[i]) }
            let r = check(paths[i], rules: rules, options: own, title: title)
            results.set(i, r)
        }
        return results.values.map { $0! }
    }

    private final class ResultBox: Sendable {
        private let slots: Mutex<[FileCheck?]>
        init(count: Int) { slots = Mutex(Array(repeating: nil, count: count)) }
        func set(_ i: Int, _ r: FileCheck) { slots.withLock { $0[i] = r } }
        var values: [FileCheck?] { slots.withLock { $0 } }
    }
}

import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

