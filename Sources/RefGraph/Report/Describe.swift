/// Human descriptions of objects, shared by every command that prints them.
///
/// What needs a pass over the whole heap (the owner of every dict, the module
/// of every class) is computed once, on first use, so a command that
/// describes a handful of objects on a 10M-object heap does not pay for it.
public struct Describer {
    public let graph: HeapGraph
    private let moduleType: UInt32?
    private let typeType: UInt32?
    private let globalsLabel: UInt32?
    private let cache = Cache()

    private final class Cache {
        /// Type id → module of that class, from the class objects in the dump.
        var typeModules: [UInt32: String]?
        var owners: ([UInt32], [Bool])?
        /// Edges left to read in per-object scans for owners. A handful of
        /// owners is cheaper to find from each object's referrers, but a class
        /// with a million instances has a million referrers: past this budget,
        /// one pass over all edges is cheaper.
        var scanBudget = 1 << 14
    }

    /// - Parameter bulk: compute every dict's owner now, for callers that ask about all objects.
    public init(_ graph: HeapGraph, bulk: Bool = false) {
        self.graph = graph
        moduleType = graph.strings.lookup("module")
        typeType = graph.strings.lookup("type")
        globalsLabel = graph.strings.lookup("__globals__")
        if bulk { prepareOwners() }
    }

    /// Finds every dict's owner now, in one pass over the edges: for callers
    /// about to describe a large part of the heap. (Per-object scans read
    /// referrers all over the edge columns; the pass reads them in order.)
    public func prepareOwners() { _ = ownerTable }

    private var typeModules: [UInt32: String] {
        if let t = cache.typeModules { return t }
        var t: [UInt32: String] = [:]
        for n in graph.nodes where !graph.flags(n).contains(.textIsValue) && graph.textIDs[Int(n)] != 0 {
            guard let m = graph.moduleOfName(n) else { continue }
            // A class named "logging.Logger" tells the module of instances of type "logging.Logger".
            if let id = graph.strings.lookup(graph.strings[graph.textIDs[Int(n)]]), t[id] == nil, id != graph.typeIDs[Int(n)] {
                t[id] = m
            }
        }
        cache.typeModules = t
        return t
    }

    private var ownerTable: ([UInt32], [Bool]) {
        if let o = cache.owners { return o }
        let o = Self.owners(graph, globals: globalsLabel)
        cache.owners = o
        return o
    }

    /// The module an object belongs to: its own for modules, functions and
    /// classes; its class's for instances; the owner's for a `__dict__`.
    /// Follows owners up a loop, not a recursion: an owner chain can be a
    /// cycle (two dict subclasses that are each other's `__dict__`).
    public func module(_ n: HeapGraph.Node) -> String? {
        var n = n
        for _ in 0..<Self.maxOwnerHops {
            if let m = graph.moduleOfName(n) { return m }
            guard let (kind, owner) = ownerOf(n) else { break }
            if kind == .module { return graph.typeIDs[Int(owner)] == moduleType ? graph.name(owner) : graph.moduleOfName(owner) }
            n = owner
        }
        let t = graph.typeIDs[Int(n)]
        if t == moduleType { return graph.name(n) }
        return moduleOfType(t)
    }

    /// Owners followed up from a `__dict__` before its own type decides
    /// (real chains are 1-3 long; a cycle stops here).
    static let maxOwnerHops = 32

    /// Module of a type name: from its class object, else the dotted prefix, else builtins.
    public func moduleOfType(_ t: UInt32) -> String {
        if let m = typeModules[t] { return m }
        let name = graph.strings[t]
        if let dot = name.lastIndex(of: ".") { return String(name[..<dot]) }
        return "builtins"
    }

    public enum OwnerKind: String { case module, `class`, instance }

    /// For a `__dict__`: whose dict it is. A module's dict is also known by
    /// the functions whose `__globals__` it is, after the module object itself
    /// is gone (as with modules deleted from sys.modules by a hot reload).
    public func ownerOf(_ n: HeapGraph.Node) -> (OwnerKind, HeapGraph.Node)? {
        let o: UInt32
        let viaGlobals: Bool
        if cache.owners == nil, let found = ownerByScan(n) {
            (o, viaGlobals) = found
        } else {
            let (owners, via) = ownerTable
            guard !owners.isEmpty else { return nil }
            o = owners[Int(n)]
            viaGlobals = via.isEmpty ? false : via[Int(n)]
        }
        guard o != HeapGraph.absent else { return nil }
        if viaGlobals { return (.module, o) }
        let t = graph.typeIDs[Int(o)]
        if t == moduleType { return (.module, o) }
        let tn = graph.strings[t]
        if t == typeType || tn == "classobj" || tn.hasSuffix("Meta") || tn.hasSuffix("meta") { return (.class, o) }
        return (.instance, o)
    }

    /// The owner of one object, from its referrers (the same rule as `owners`);
    /// nil when the scan budget runs out.
    private func ownerByScan(_ n: HeapGraph.Node) -> (UInt32, Bool)? {
        guard graph.dictLabel != UInt32.max || globalsLabel != nil else { return (HeapGraph.absent, false) }
        var found: (UInt32, Bool) = (HeapGraph.absent, false)
        for e in graph.inEdges(n) {
            let s = graph.reverseSources[e]
            let edges = graph.outEdges(s)
            cache.scanBudget -= edges.count + 1
            if cache.scanBudget < 0 { return nil }
            for fe in edges where graph.forwardTargets[fe] == n {
                let l = graph.edgeLabels[fe]
                if l == graph.dictLabel { return (s, false) }
                if l == globalsLabel, found.0 == HeapGraph.absent, graph.moduleOfName(s) != nil { found = (s, true) }
            }
        }
        return found
    }

    /// Owner of each dict, found in one pass over the `__dict__` and `__globals__` edges.
    private static func owners(_ graph: HeapGraph, globals: UInt32?) -> ([UInt32], [Bool]) {
        guard graph.dictLabel != UInt32.max || globals != nil else { return ([], []) }
        var owners = [UInt32](repeating: HeapGraph.absent, count: graph.nodeCount)
        var viaGlobals = [Bool](repeating: false, count: graph.nodeCount)
        var passed = 0
        for n in graph.nodes {
            let edges = graph.outEdges(n)
            if edges.lowerBound - passed >= 1 << 22 {  // a sequential scan: hand back what it passed
                graph.edgeLabels.evict(passed..<edges.lowerBound)
                graph.forwardTargets.evict(passed..<edges.lowerBound)
                passed = edges.lowerBound
            }
            for e in edges {
                let l = graph.edgeLabels[e]
                let t = Int(graph.forwardTargets[e])
                if l == graph.dictLabel {
                    if owners[t] == HeapGraph.absent || viaGlobals[t] { owners[t] = n; viaGlobals[t] = false }
                } else if l == globals, owners[t] == HeapGraph.absent, graph.moduleOfName(n) != nil {
                    owners[t] = n
                    viaGlobals[t] = true
                }
            }
        }
        return (owners, viaGlobals)
    }

    /// "module logging", "class logging.Logger", "logging.Logger instance".
    public func owner(_ n: HeapGraph.Node) -> String? {
        guard let (kind, o) = ownerOf(n) else { return nil }
        switch kind {
        case .module:
            if graph.typeIDs[Int(o)] == moduleType { return "module " + (graph.name(o) ?? "?") }
            return "module " + (graph.moduleOfName(o) ?? "?")
        case .class: return "class " + (graph.name(o) ?? "?")
        case .instance:
            if let name = graph.name(o) { return graph.typeName(o) + " " + name }
            return graph.typeName(o) + " instance"
        }
    }

    /// One line: type, name or owner, short value, size and refcount.
    /// Untrusted text is escaped for the terminal.
    /// `target`: a selected object, its title styled so (`TextStyle`).
    public func line(_ n: HeapGraph.Node, refcounts: Bool = true, target: Bool = false) -> String {
        var s = target ? TextStyle.current.target(title(n)) : title(n)
        var facts: [String] = [TextStyle.current.size(Units.bytes(graph.size(n)))]
        if let l = graph.length(n), graph.typeName(n) != "str" || graph.value(n) == nil { facts.append("len \(Units.count(l))") }
        if refcounts, let r = graph.refcount(n), !graph.flags(n).contains(.immortal) { facts.append("refcount \(r)") }
        let root = graph.rootKind(n)
        if root != .none {
            var r = "root: \(root.name)"
            if let u = graph.unexplained[n] { r += " (\(u) unexplained ref\(u == 1 ? "" : "s"))" }
            facts.append(r)
        } else if graph.isHeldFromC(n), let u = graph.unexplained[n] {
            facts.append("+\(u) ref\(u == 1 ? "" : "s") from C")
        }
        if graph.finalizer(n) != .none { facts.append("finalizer \(graph.finalizer(n).name)") }
        if graph.flags(n).contains(.garbage) { facts.append("in gc.garbage") }
        if graph.flags(n).contains(.placeholder) { facts.append("no record in dump") }
        s += "  (" + facts.joined(separator: ", ") + ")"
        return s
    }

    /// Where `n` was allocated, as reports print it: the innermost frame of
    /// its tracemalloc traceback outside the standard library (the frame
    /// that names the user's code), `file:line` with a long path cut from the
    /// left; nil when the dump has no site for it. Cost: one split of the
    /// node's interned traceback.
    public func allocationSite(_ n: HeapGraph.Node) -> String? { allocationSite(site: graph.allocationSite(n)) }

    /// `allocationSite(_:)` of a site number (HeapGraph.allocationSite).
    public func allocationSite(site: UInt32) -> String? {
        let frames = graph.allocationFrames(site: site)
        guard let first = frames.first else { return nil }
        let site = frames.first { !Self.isLibraryFrame($0) } ?? first
        return Escape.terminal(site.count > 70 ? "…" + String(site.suffix(69)) : site)
    }

    /// A frame of the standard library, a frozen module or the exporter:
    /// `…/lib/python3.11/json/decoder.py:353`, `<frozen importlib._bootstrap>:241`.
    static func isLibraryFrame(_ frame: String) -> Bool {
        if frame.hasPrefix("<") { return true }
        if frame.contains("/refgraph_export/") { return true }
        guard let r = frame.range(of: "/lib/python") else { return false }
        let rest = frame[r.upperBound...]
        return !rest.contains("/site-packages/") && !rest.contains("/dist-packages/")
    }

    /// The name as reports show it: a lambda as `<lambda> file:line`, as
    /// objgraph shows it (the dump's `module.<lambda> file:line` keeps the
    /// module, which the `module` selector field still sees).
    public func displayName(_ n: HeapGraph.Node) -> String? {
        guard let name = graph.name(n) else { return nil }
        if let r = name.range(of: ".<lambda> ") { return String(name[name.index(after: r.lowerBound)...]) }
        return name
    }

    /// Type plus name, owner or short value, and the address.
    public func title(_ n: HeapGraph.Node) -> String {
        var s = Escape.terminal(graph.typeName(n))
        if graph.flags(n).contains(.symbolicID) {
            s += " " + Escape.terminal(graph.name(n) ?? "")
            return s
        }
        if let name = displayName(n) {
            s += " " + Escape.terminal(name)
        } else if let o = owner(n) {
            s += " of " + Escape.terminal(o)
        } else if let v = graph.value(n) {
            s += " " + Escape.terminal(Escape.cut(v, 40))
        }
        return s + " " + Units.hex(graph.address(n))
    }
}
