/// What `refgraph top` ranks by.
public enum TopMeasure: String, Sendable, CaseIterable {
    /// Retained bytes, shallow bytes, or number of objects.
    case retained, size, count
}

/// How `refgraph top` groups objects.
public enum TopGrouping: String, Sendable, CaseIterable {
    /// Each object on its own.
    case none
    /// By type name.
    case type
    /// The module whose namespace holds the object: the nearest module (or
    /// module dict) above it in the dominator tree. Answers "which module's
    /// data keeps the most memory".
    case module
    /// "module logging", "logging.Logger instance": whose `__dict__` it is.
    case owner
}

/// One row of `refgraph top`.
public struct TopRow: Sendable {
    /// The row's label: the object's title, the type name, `module NAME`, or
    /// the owner (JSON `key`).
    public var key: String
    /// The object, when grouping is `none`.
    public var node: HeapGraph.Node?
    /// Objects in the row (JSON `count`).
    public var count: Int
    /// Shallow bytes of the row's objects (JSON `shallow`).
    public var shallow: UInt64
    /// Bytes the row's objects retain together, none counted twice; for
    /// `module`, the shallow bytes of what the module holds (JSON `retained`).
    public var retained: UInt64
}

/// Top objects or groups by retained size, shallow size or count.
public struct RetainedTop: Sendable {
    /// The first `limit` rows, largest `measure` first (JSON `rows`).
    public var rows: [TopRow]
    /// Bytes reachable from the roots: the dominator tree's total (JSON `reachable_bytes`).
    public var reachableBytes: UInt64
    /// What the rows are ranked by (JSON `measure`).
    public var measure: TopMeasure
    /// How objects were grouped into rows (JSON `group`).
    public var grouping: TopGrouping

    /// - Parameters:
    ///   - semantics: owners and modules, for `--group owner` and `--group module`.
    ///   - title: an object's row key when rows are objects (`--group none`); the report's title of it.
    ///
    /// Cost: a pass over the nodes (and the dominator preorder for `module`),
    /// plus the retained size of each group's members.
    public init(_ graph: HeapGraph, index: DominatorIndex, by measure: TopMeasure, group grouping: TopGrouping, limit: Int,
                semantics: HeapSemantics, title: (HeapGraph.Node) -> String) {
        self.measure = measure
        self.grouping = grouping
        let tree = index.tree
        reachableBytes = tree.reachableBytes
        var rows: [TopRow] = []
        switch grouping {
        case .none:
            let best = measure == .size ? largest(limit, among: graph.nodes) { graph.size($0) }
                : largest(limit, among: graph.nodes) { tree.retained[Int($0)] }
            rows = best.map { n in
                TopRow(key: title(n), node: n, count: 1, shallow: graph.size(n), retained: tree.retained[Int(n)])
            }
        case .module:
            let held = Self.moduleHolders(graph, tree: tree, semantics: semantics)
            var count = [Int](repeating: 0, count: held.names.count), shallow = [UInt64](repeating: 0, count: held.names.count)
            for n in tree.preorder {
                let h = Int(held.holder[Int(n)])
                count[h] += 1
                shallow[h] &+= graph.size(n)
            }
            rows = held.names.indices.map { TopRow(key: held.names[$0], node: nil, count: count[$0], shallow: shallow[$0], retained: shallow[$0]) }
        case .type:
            // Bucket by interned type id: no string per object.
            var members = [[HeapGraph.Node]](repeating: [], count: graph.strings.count)
            for n in graph.nodes { members[Int(graph.typeIDs[Int(n)])].append(n) }
            rows = members.indices.filter { !members[$0].isEmpty }.map { t in
                let ms = members[t]
                return TopRow(key: graph.strings[UInt32(t)], node: nil, count: ms.count, shallow: ms.reduce(0) { $0 &+ graph.size($1) }, retained: index.retained(of: ms))
            }
        case .owner:
            var members: [String: [HeapGraph.Node]] = [:]
            for n in graph.nodes { members[semantics.owner(n) ?? Self.noOwner, default: []].append(n) }
            rows = members.map { k, ms in
                TopRow(key: k, node: nil, count: ms.count, shallow: ms.reduce(0) { $0 &+ graph.size($1) }, retained: index.retained(of: ms))
            }
        }
        switch measure {
        case .retained: rows.sort { ($0.retained, $0.shallow, $1.key) > ($1.retained, $1.shallow, $0.key) }
        case .size: rows.sort { ($0.shallow, $0.retained, $1.key) > ($1.shallow, $1.retained, $0.key) }
        case .count: rows.sort { ($0.count, $0.retained, $1.key) > ($1.count, $1.retained, $0.key) }
        }
        self.rows = Array(rows.prefix(limit))
    }
}

extension RetainedTop {
    /// The `--group owner` row of objects that are not an attribute dict.
    public static let noOwner = "(not an attribute dict)"

    /// The `--group module` row of every reachable object: the nearest module
    /// (or module dict) above it in the dominator tree, as an index into
    /// `names` (`module NAME`, or `(held by no single module)`); -1 for an
    /// unreachable object. Cost: one pass over the dominator preorder.
    public static func moduleHolders(_ graph: HeapGraph, tree: DominatorTree, semantics: HeapSemantics) -> (holder: [Int32], names: [String]) {
        let moduleType = graph.strings.lookup("module")
        var holder = [Int32](repeating: -1, count: graph.nodeCount)
        var names: [String] = []
        var nameIndex: [String: Int32] = [:]
        func id(_ name: String) -> Int32 {
            if let i = nameIndex[name] { return i }
            let i = Int32(names.count)
            nameIndex[name] = i
            names.append(name)
            return i
        }
        let noModule = id("(held by no single module)")
        // In DFS preorder each object's idom comes first.
        for n in tree.preorder {
            var h: Int32
            if graph.typeIDs[Int(n)] == moduleType, let name = graph.name(n) {
                h = id("module " + name)
            } else if let (kind, o) = semantics.ownerOf(n), kind == .module {
                h = id("module " + (graph.typeIDs[Int(o)] == moduleType ? (graph.name(o) ?? "?") : (graph.moduleOfName(o) ?? "?")))
            } else {
                let d = tree.idom[Int(n)]
                h = d == DominatorTree.superRoot ? noModule : holder[Int(d)]
                if h < 0 { h = noModule }
            }
            holder[Int(n)] = h
        }
        return (holder, names)
    }

    /// The objects of row `key` of a `top --group GROUP` table (`none` has no
    /// members), in node order. Cost: one pass over the nodes.
    public static func members(_ graph: HeapGraph, index: DominatorIndex, group: TopGrouping, key: String, semantics: HeapSemantics) -> [HeapGraph.Node] {
        switch group {
        case .none:
            return []
        case .type:
            guard let t = graph.strings.lookup(key) else { return [] }
            return graph.nodes.filter { graph.typeIDs[Int($0)] == t }
        case .owner:
            return graph.nodes.filter { (semantics.owner($0) ?? noOwner) == key }
        case .module:
            let held = moduleHolders(graph, tree: index.tree, semantics: semantics)
            guard let i = held.names.firstIndex(of: key) else { return [] }
            return graph.nodes.filter { held.holder[Int($0)] == Int32(i) }
        }
    }
}
