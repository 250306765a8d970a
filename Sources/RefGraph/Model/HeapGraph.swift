/// A loaded heap: objects as struct-of-arrays columns indexed by a 32-bit node
/// index, references as forward and reverse CSR arrays.
///
/// Built once per load by `GraphBuilder` and immutable afterwards, so analyses
/// can share it freely across threads. There is no object per node: a node is
/// its index, and every fact about it lives in a column.
public struct HeapGraph: Sendable {
    /// A node index, `0 ..< nodeCount`: a node is its index.
    public typealias Node = UInt32

    // MARK: Node columns (one entry per node)
    /// Object address (`id()`; an edge list's numeric id) of each node.
    public internal(set) var addresses: Column<UInt64> = []
    /// String id of each node's type name.
    public internal(set) var typeIDs: Column<UInt32> = []
    /// Shallow size; `Self.bigSize` marks one of 4 GiB or more, kept in `bigSizes`.
    public internal(set) var sizes: Column<UInt32> = []
    /// Shallow sizes of 4 GiB or more, in bytes, by node.
    public internal(set) var bigSizes: [Node: UInt64] = [:]
    /// Name (module, class, function) or value (str, int), see `NodeFlags.textIsValue`.
    public internal(set) var textIDs: Column<UInt32> = []
    /// Length of the module prefix of a name (`logging` in `logging.shutdown`); 0 if unknown.
    public internal(set) var modulePrefix: Column<UInt8> = []
    /// `len()` in 16 bits; `UInt16.max` means "see `bigLengths`" (absent when not there).
    public internal(set) var lengths: Column<UInt16> = []
    /// Refcount in 16 bits; `UInt16.max` means "see `bigRefcounts`" (absent when not there).
    public internal(set) var refcounts: Column<UInt16> = []
    /// Why each node is a GC root; `.none` for most.
    public internal(set) var rootKinds: Column<RootKind> = []
    /// The finalizer each node's type defines.
    public internal(set) var finalizers: Column<FinalizerKind> = []
    /// Per-node boolean facts.
    public internal(set) var flags: Column<NodeFlags> = []
    /// Allocation traceback ids, empty when the dump has none.
    public internal(set) var allocIDs: Column<UInt32> = []
    /// `len()` values of 65,535 and more.
    public internal(set) var bigLengths: [Node: UInt64] = [:]
    /// Refcounts of 65,535 and more (hubs; immortal objects on 3.12+).
    public internal(set) var bigRefcounts: [Node: UInt32] = [:]
    /// Unexplained references of `external` roots.
    public internal(set) var unexplained: [Node: UInt32] = [:]

    // MARK: Edges
    /// Out-edges of node `n` are `forwardOffsets[n] ..< forwardOffsets[n + 1]`.
    public internal(set) var forwardOffsets: Column<UInt32> = [0]
    /// Target node of each forward edge, edges grouped by source.
    public internal(set) var forwardTargets: Column<Node> = []
    /// String id of each forward edge's label, parallel to `forwardTargets`; 0 when unlabelled.
    public internal(set) var edgeLabels: Column<UInt32> = []
    /// In-edges of node `n` are `reverseOffsets[n] ..< reverseOffsets[n + 1]`.
    public internal(set) var reverseOffsets: Column<UInt32> = [0]
    /// Source node of each in-edge, edges grouped by target.
    public internal(set) var reverseSources: Column<Node> = []

    /// Interned type names, labels, names, values and tracebacks.
    public internal(set) var strings = StringTable()
    /// Label id of `<weakref>` edges, which never retain.
    public internal(set) var weakLabel: UInt32 = UInt32.max
    /// One bit per edge, set for `<weakref>` edges (empty when there are
    /// none), so walks that skip weak edges need not read the labels.
    public internal(set) var weakEdges: Column<UInt64> = []
    /// Pairs `source << 32 | target` joined only by weak references, so
    /// backward walks can skip them without scanning the source's edges.
    public internal(set) var weakPairs: Set<UInt64> = []
    /// Label id of `__dict__` edges.
    public internal(set) var dictLabel: UInt32 = UInt32.max
    /// Facts about the dumped process and the load.
    public internal(set) var info = DumpInfo()

    /// "None" in 32-bit node-or-id tables (`HeapSemantics`'s owners).
    public static let absent = UInt32.max
    /// Marks a size too big for the 32-bit column (see `bigSizes`).
    public static let bigSize = UInt32.max

    /// An empty graph: no nodes, no edges.
    public init() {}

    // MARK: Sizes
    /// Number of nodes, placeholders included.
    public var nodeCount: Int { addresses.count }
    /// Number of references (forward edges), weak ones included.
    public var edgeCount: Int { forwardTargets.count }
    /// Every node index, `0 ..< nodeCount`.
    public var nodes: Range<Node> { 0..<Node(nodeCount) }

    // MARK: Node facts
    /// The node's address (`id()`), see `addresses`.
    @inlinable public func address(_ n: Node) -> UInt64 { addresses[Int(n)] }
    /// Shallow size in bytes, big ones included.
    @inlinable public func size(_ n: Node) -> UInt64 {
        let s = sizes[Int(n)]
        return s == Self.bigSize ? bigSizes[n] ?? 0 : UInt64(s)
    }
    /// Why the node is a GC root; `.none` when it is not one.
    @inlinable public func rootKind(_ n: Node) -> RootKind { rootKinds[Int(n)] }
    /// The finalizer the node's type defines.
    @inlinable public func finalizer(_ n: Node) -> FinalizerKind { finalizers[Int(n)] }
    /// The node's boolean facts.
    @inlinable public func flags(_ n: Node) -> NodeFlags { flags[Int(n)] }
    /// The name of the node's type: `dict`, `logging.Logger`.
    public func typeName(_ n: Node) -> String { strings[typeIDs[Int(n)]] }

    /// Qualified name of a module, class or function.
    public func name(_ n: Node) -> String? {
        let t = textIDs[Int(n)]
        guard t != 0, !flags[Int(n)].contains(.textIsValue) else { return nil }
        return strings[t]
    }

    /// The recorded value of a str, bytes or number, if the dump has it.
    public func value(_ n: Node) -> String? {
        let t = textIDs[Int(n)]
        guard t != 0, flags[Int(n)].contains(.textIsValue) else { return nil }
        return strings[t]
    }

    /// `len()` of a container, str or bytes; nil when the dump does not say.
    public func length(_ n: Node) -> UInt64? {
        let l = lengths[Int(n)]
        return l == UInt16.max ? bigLengths[n] : UInt64(l)
    }

    /// The refcount the dump recorded; nil when it has none.
    public func refcount(_ n: Node) -> UInt32? {
        let r = refcounts[Int(n)]
        return r == UInt16.max ? bigRefcounts[n] : UInt32(r)
    }

    /// The module a function, class or module belongs to, from its name.
    public func moduleOfName(_ n: Node) -> String? {
        guard let name = name(n) else { return nil }
        let p = Int(modulePrefix[Int(n)])
        guard p > 0, p <= name.utf8.count else { return nil }
        return String(name.utf8.prefix(p))  // nil inside a character (a damaged cache)
    }

    /// Allocation traceback, most recent call first; empty without one.
    public func allocationFrames(_ n: Node) -> [String] { allocationFrames(site: allocationSite(n)) }

    /// The node's allocation site: one number per distinct traceback, 0 for
    /// none. Cheap (a column read): the key to group objects by where they
    /// were allocated.
    @inlinable public func allocationSite(_ n: Node) -> UInt32 { allocIDs.isEmpty ? 0 : allocIDs[Int(n)] }

    /// The traceback of an allocation site, most recent call first.
    public func allocationFrames(site: UInt32) -> [String] {
        site == 0 ? [] : strings[site].split(separator: "\n").map(String.init)
    }

    // MARK: Edges
    /// Indices of the node's forward edges (into `forwardTargets` and `edgeLabels`).
    @inlinable public func outEdges(_ n: Node) -> Range<Int> {
        Int(forwardOffsets[Int(n)])..<Int(forwardOffsets[Int(n) + 1])
    }
    /// Indices of the node's in-edges (into `reverseSources`).
    @inlinable public func inEdges(_ n: Node) -> Range<Int> {
        Int(reverseOffsets[Int(n)])..<Int(reverseOffsets[Int(n) + 1])
    }
    /// The node forward edge `e` refers to.
    @inlinable public func target(ofEdge e: Int) -> Node { forwardTargets[e] }
    /// The node that in-edge `e` comes from.
    @inlinable public func source(ofInEdge e: Int) -> Node { reverseSources[e] }
    /// Whether forward edge `e` is a `<weakref>` edge, which never retains.
    @inlinable public func isWeak(edge e: Int) -> Bool {
        weakEdges.withUnsafeBufferPointer { Self.isWeak($0, e) }
    }
    /// `isWeak(edge:)` over the bits of `weakEdges`, for loops that hold its buffer.
    @inlinable public static func isWeak(_ bits: UnsafeBufferPointer<UInt64>, _ e: Int) -> Bool {
        !bits.isEmpty && bits[e >> 6] & (1 << UInt64(e & 63)) != 0
    }
    /// Sets the bit of every `weak` label in `labels`, the edges from `first` on;
    /// true if there was one. Shared by the loaders and the cache reader.
    static func markWeak(_ labels: UnsafeBufferPointer<UInt32>, from first: Int, weak: UInt32, into bits: inout [UInt64]) -> Bool {
        var any = false
        for (i, l) in labels.enumerated() where l == weak {
            let e = first + i
            bits[e >> 6] |= 1 << UInt64(e & 63)
            any = true
        }
        return any
    }
    /// The label of forward edge `e`; empty when unlabelled.
    public func label(ofEdge e: Int) -> String { strings[edgeLabels[e]] }

    /// The forward edge index of a reference `from → to`, preferring a retaining one.
    public func edge(from: Node, to: Node) -> Int? {
        var weak: Int?
        for e in outEdges(from) where forwardTargets[e] == to {
            if !isWeak(edge: e) { return e }
            weak = weak ?? e
        }
        return weak
    }

    /// True when every reference from `from` to `to` is a weakref.
    @inlinable public func isWeakOnly(from: Node, to: Node) -> Bool {
        !weakPairs.isEmpty && weakPairs.contains(UInt64(from) << 32 | UInt64(to))
    }

    /// The nodes `n` refers to, one per forward edge (repeats and weak edges included).
    public func referents(_ n: Node) -> Slice<Column<Node>> { forwardTargets[outEdges(n)] }
    /// The nodes that refer to `n`, one per in-edge (repeats and weak edges included).
    public func referrers(_ n: Node) -> Slice<Column<Node>> { reverseSources[inEdges(n)] }

    /// Nodes that the dump marks as GC roots.
    /// Cost: one pass over the nodes.
    public var roots: [Node] { nodes.filter { rootKinds[Int($0)] != .none } }

    /// Total shallow size of all objects.
    /// Cost: one pass over the nodes.
    public var totalSize: UInt64 { nodes.reduce(0) { $0 &+ size($1) } }

    /// Bytes held by the graph's own columns, mapped or not, for the memory-target figures.
    /// Cost: one step per column (`forEachColumn`).
    public var memoryFootprint: Int {
        struct Footprint: ColumnVisitor {
            let graph: HeapGraph
            var bytes = 0
            mutating func visit<T: BitwiseCopyable>(_ column: WritableKeyPath<HeapGraph, Column<T>>, _ spec: ColumnSpec) {
                bytes += graph[keyPath: column].byteCount
            }
        }
        var f = Footprint(graph: self)
        Self.forEachColumn(&f)
        return f.bytes + strings.memoryFootprint
    }
}
