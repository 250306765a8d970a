/// The one declaration of `HeapGraph`'s columns and side tables: what each
/// is indexed by and what its values must be.
///
/// Memory accounting, the builder's reservations, the index cache (its
/// section order included) and `checkInvariants` all iterate
/// `HeapGraph.forEachColumn`, so a new column is one line there (plus its
/// stored property, and its field in the loaders' record when records fill it).
/// A visit is per column, never per value: hot loops keep their typed arrays.
struct ColumnSpec: Sendable {
    /// How many values a column holds.
    enum Length: Sendable { case nodes, nodesOrNone, nodesPlusOne, edges, edgeBits }
    /// What every value must be, so that an index taken from it stays in range.
    enum Values: Sendable {
        case any
        /// A node index, `< nodeCount`.
        case node
        /// A string id, `< strings.count`.
        case string
        /// CSR offsets: from 0, never decreasing, ending at the edge count.
        case offsets
        /// The raw value of an enum with this many cases.
        case cases(Int)
    }
    /// Who fills the column.
    enum Source: Sendable {
        /// One value per record, appended by `GraphBuilder` (reserved for the estimated objects).
        case records
        /// The forward CSR, grouped by source as records arrive.
        case forward
        /// The reverse CSR, built once when the graph is sealed.
        case reverse
        /// Computed from other columns on load; not stored in the index cache.
        case derived
    }
    let length: Length
    let values: Values
    let source: Source

    init(_ length: Length, _ source: Source, _ values: Values = .any) {
        self.length = length; self.values = values; self.source = source
    }

    /// Whether the index cache stores the column.
    var isCached: Bool { source != .derived }

    /// The count the column has in a graph of `nodes` nodes and `edges`
    /// edges (unless `mayBeEmpty` and empty).
    func count(nodes: Int, edges: Int) -> Int {
        switch length {
        case .nodes, .nodesOrNone: nodes
        case .nodesPlusOne: nodes + 1
        case .edges: edges
        case .edgeBits: (edges + 63) / 64
        }
    }

    /// Whether an empty column stands for "none" (all zero or all clear).
    var mayBeEmpty: Bool { length == .nodesOrNone || length == .edgeBits }
}

/// Something done once per column of `HeapGraph`, in declaration order
/// (`HeapGraph.forEachColumn`).
protocol ColumnVisitor {
    /// A column of fixed-size values and what it holds.
    mutating func visit<T: BitwiseCopyable>(_ column: WritableKeyPath<HeapGraph, Column<T>>, _ spec: ColumnSpec)
    /// A side table of node → value for the rare values a narrow column cannot hold.
    mutating func visit<V: FixedWidthInteger>(sideTable: WritableKeyPath<HeapGraph, [HeapGraph.Node: V]>)
}

extension ColumnVisitor {
    /// Side tables are skipped unless a visitor asks for them.
    mutating func visit<V: FixedWidthInteger>(sideTable: WritableKeyPath<HeapGraph, [HeapGraph.Node: V]>) {}
}

extension HeapGraph {
    /// Calls `visitor` for every column, then for every side table: the
    /// graph's schema. The order is the index cache's section order.
    static func forEachColumn(_ visitor: inout some ColumnVisitor) {
        visitor.visit(\.addresses, ColumnSpec(.nodes, .records))
        visitor.visit(\.typeIDs, ColumnSpec(.nodes, .records, .string))
        visitor.visit(\.sizes, ColumnSpec(.nodes, .records))
        visitor.visit(\.textIDs, ColumnSpec(.nodes, .records, .string))
        visitor.visit(\.modulePrefix, ColumnSpec(.nodes, .records))
        visitor.visit(\.lengths, ColumnSpec(.nodes, .records))
        visitor.visit(\.refcounts, ColumnSpec(.nodes, .records))
        visitor.visit(\.rootKinds, ColumnSpec(.nodes, .records, .cases(RootKind.allCases.count)))
        visitor.visit(\.finalizers, ColumnSpec(.nodes, .records, .cases(FinalizerKind.allCases.count)))
        visitor.visit(\.flags, ColumnSpec(.nodes, .records))
        visitor.visit(\.allocIDs, ColumnSpec(.nodesOrNone, .records, .string))
        visitor.visit(\.forwardOffsets, ColumnSpec(.nodesPlusOne, .forward, .offsets))
        visitor.visit(\.forwardTargets, ColumnSpec(.edges, .forward, .node))
        visitor.visit(\.edgeLabels, ColumnSpec(.edges, .forward, .string))
        visitor.visit(\.reverseOffsets, ColumnSpec(.nodesPlusOne, .reverse, .offsets))
        visitor.visit(\.reverseSources, ColumnSpec(.edges, .reverse, .node))
        visitor.visit(\.weakEdges, ColumnSpec(.edgeBits, .derived))
        visitor.visit(sideTable: \.bigLengths)
        visitor.visit(sideTable: \.bigSizes)
        visitor.visit(sideTable: \.bigRefcounts)
        visitor.visit(sideTable: \.unexplained)
    }
}

// MARK: Invariants

/// One chunk of a column being checked (see `ColumnScanner`).
struct ColumnChunk<T> {
    /// The values of the chunk.
    var values: UnsafeBufferPointer<T>
    /// Position of `values[0]` in the column.
    var index: Int
    /// Whether the chunk ends the column.
    var isLast: Bool
    /// The last value of the chunk before (meaningless for the first).
    var previous: T
}

/// Reads a column a chunk at a time for a check. The index cache's reader
/// reads mapped columns through `pread`, so checking does not fault them in.
protocol ColumnScanner {
    /// Whether every chunk of `column`, its values read as `R` (of the same
    /// stride), passes `test`.
    func chunks<T: BitwiseCopyable, R: BitwiseCopyable>(_ column: Column<T>, as: R.Type, _ test: (ColumnChunk<R>) -> Bool) -> Bool
}

/// Checks a column where it is, as one chunk.
struct InPlaceScanner: ColumnScanner {
    func chunks<T: BitwiseCopyable, R: BitwiseCopyable>(_ column: Column<T>, as: R.Type, _ test: (ColumnChunk<R>) -> Bool) -> Bool {
        precondition(MemoryLayout<T>.stride == MemoryLayout<R>.stride)
        return column.withUnsafeBufferPointer { values in
            guard let base = values.baseAddress, values.count > 0 else { return true }
            return base.withMemoryRebound(to: R.self, capacity: values.count) { same in
                let all = UnsafeBufferPointer(start: same, count: values.count)
                return test(ColumnChunk(values: all, index: 0, isLast: true, previous: all[0]))
            }
        }
    }
}

extension HeapGraph {
    /// The first broken invariant of the graph, described; nil when every one
    /// holds: each column's length fits the node and edge counts, CSR offsets
    /// start at 0, never decrease and end at the edge count, node and string
    /// ids are in range, enum columns hold known cases, side-table keys are
    /// nodes. What holds here is what the analyses index by without checks.
    /// The index cache's reader runs it on every image it reads (a bad image
    /// is rebuilt, never trusted); the tests on the graphs they build.
    /// `scanner` reads the columns (the cache reader's avoids faulting mapped
    /// ones in); `labels` sees every chunk of `edgeLabels`, for work to fuse
    /// with the check. Cost: one pass over every checked column.
    func checkInvariants(scanner: some ColumnScanner = InPlaceScanner(),
                         labels: (ColumnChunk<UInt32>) -> Void = { _ in }) -> String? {
        guard nodeCount < Int(Self.absent) - 1 else { return "\(nodeCount) nodes: node ids would reach the sentinels" }
        return withoutActuallyEscaping(labels) { labels in
            var check = InvariantCheck(graph: self, scanner: scanner, labels: labels)
            Self.forEachColumn(&check)
            return check.failure
        }
    }
}

/// `checkInvariants`' visitor.
private struct InvariantCheck<S: ColumnScanner>: ColumnVisitor {
    let graph: HeapGraph
    let scanner: S
    let labels: (ColumnChunk<UInt32>) -> Void
    var failure: String?

    mutating func visit<T: BitwiseCopyable>(_ path: WritableKeyPath<HeapGraph, Column<T>>, _ spec: ColumnSpec) {
        guard failure == nil else { return }
        let column = graph[keyPath: path]
        let nodes = graph.nodeCount, edges = graph.edgeCount
        let expected = spec.count(nodes: nodes, edges: edges)
        guard column.count == expected || (spec.mayBeEmpty && column.isEmpty) else {
            failure = "\(path): \(column.count) values, not \(expected)"
            return
        }
        let ok: Bool
        switch spec.values {
        case .any: ok = true
        case .node: ok = below(column, nodes)
        case .string: ok = below(column, graph.strings.count, labels: spec.source == .forward)  // the edge labels
        case .cases(let k): ok = below(column, k)
        case .offsets: ok = scanner.chunks(column, as: UInt32.self) { Self.isOffsets($0, last: edges) }
        }
        if !ok { failure = "\(path): a value out of range" }
    }

    mutating func visit<V: FixedWidthInteger>(sideTable path: WritableKeyPath<HeapGraph, [HeapGraph.Node: V]>) {
        guard failure == nil else { return }
        if graph[keyPath: path].keys.contains(where: { Int($0) >= graph.nodeCount }) { failure = "\(path): a key that is no node" }
    }

    /// Whether every value, read as an unsigned integer of its width, is below `limit`.
    private func below<T: BitwiseCopyable>(_ c: Column<T>, _ limit: Int, labels observe: Bool = false) -> Bool {
        switch MemoryLayout<T>.stride {
        case 1: return scanner.chunks(c, as: UInt8.self) { $0.values.allSatisfy { Int($0) < limit } }
        case 2: return scanner.chunks(c, as: UInt16.self) { $0.values.allSatisfy { Int($0) < limit } }
        case 4:
            return scanner.chunks(c, as: UInt32.self) { chunk in
                guard chunk.values.allSatisfy({ Int($0) < limit }) else { return false }
                if observe { labels(chunk) }
                return true
            }
        case 8: return scanner.chunks(c, as: UInt64.self) { $0.values.allSatisfy { $0 < UInt64(limit) } }
        default: preconditionFailure("a column of \(T.self) values")
        }
    }

    /// CSR offsets, one chunk at a time: they start at 0, never decrease and end at `last`.
    private static func isOffsets(_ chunk: ColumnChunk<UInt32>, last: Int) -> Bool {
        var previous = chunk.index == 0 ? 0 : chunk.previous
        for v in chunk.values {
            if v < previous { return false }
            previous = v
        }
        if chunk.index == 0 && chunk.values.first != 0 { return false }
        return !chunk.isLast || Int(previous) == last
    }
}
