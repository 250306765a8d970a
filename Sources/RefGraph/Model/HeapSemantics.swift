/// What a Python heap's objects belong to: the owner of each `__dict__`
/// (module, class or instance) and the module of every object. Selectors
/// (`owner`, `module`), analyses (path signatures, `top --by owner`, diff's
/// growth by module) and reports all ask it, so it sits with the model it
/// interprets, below every layer that uses it (docs/DECISIONS.md, Layers).
///
/// What needs a pass over the whole heap (the owner of every dict, the module
/// of every class) is computed once, on first use, so a command that asks
/// about a handful of objects on a 10M-object heap does not pay for it.
/// A reference type inside (the cache) makes copies share that work.
public struct HeapSemantics {
    /// The graph it interprets.
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

    /// What owns a `__dict__`: a module, a class or an instance.
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
}
