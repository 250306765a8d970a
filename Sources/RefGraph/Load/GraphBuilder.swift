/// One object record as a loader reads it, before it joins the graph.
/// Loaders reuse one instance, so its arrays keep their capacity.
struct NodeRecord {
    var address: UInt64 = 0
    var typeID: UInt32 = 0
    var size: UInt64 = 0
    var textID: UInt32 = 0
    var textIsValue = false
    var modulePrefix: UInt8 = 0
    var length: UInt64? = nil
    var refcount: UInt64? = nil
    var root: RootKind = .none
    var finalizer: FinalizerKind = .none
    var flags: NodeFlags = []
    var allocID: UInt32 = 0
    var unexplained: UInt32 = 0
    var refs: [UInt64] = []
    /// Parallel to `refs`; empty when the record has no labels.
    var labels: [UInt32] = []

    mutating func reset() {
        address = 0; typeID = 0; size = 0; textID = 0; textIsValue = false; modulePrefix = 0
        length = nil; refcount = nil; root = .none; finalizer = .none; flags = []
        allocID = 0; unexplained = 0
        refs.removeAll(keepingCapacity: true)
        labels.removeAll(keepingCapacity: true)
    }
}

/// Collects records in file order and turns them into an immutable `HeapGraph`:
/// resolves referent addresses to node indices (creating placeholders for
/// addresses with no record), then builds the reverse CSR.
struct GraphBuilder {
    private(set) var graph = HeapGraph()
    private var refAddresses: [UInt64] = []
    private var index = AddressIndex()

    init(format: DumpFormat, path: String) {
        graph.info.format = format
        graph.info.path = path
        _ = graph.strings.intern("")
    }

    var strings: StringTable {
        get { graph.strings }
        _modify { yield &graph.strings }
    }

    var info: DumpInfo {
        get { graph.info }
        _modify { yield &graph.info }
    }

    // MARK: Two-pass loading
    // A first pass over the file indexes every record's address; the second
    // then resolves references to node indices as it reads them, so the raw
    // 8-byte addresses of all references are never held at once.

    /// Records whose address was indexed by the first pass.
    private(set) var preindexed = 0
    /// Records added by the second pass so far.
    private var added = 0
    /// Placeholders for referenced addresses with no record, in id order.
    private var missing: [UInt64] = []
    private var missingIndex: [UInt64: UInt32] = [:]

    /// First pass, many records at once: indexes their addresses in order and
    /// returns the positions (in `addresses`) of duplicates. The slots they need
    /// are loaded together first, as in `resolvePending`.
    mutating func preindex(_ addresses: UnsafeBufferPointer<UInt64>) -> [Int] {
        graph.addresses.withUnsafeBufferPointer { index.touch(addresses, addresses: $0) }
        var duplicates: [Int] = []
        for (i, a) in addresses.enumerated() where !preindex(a) { duplicates.append(i) }
        return duplicates
    }

    /// First pass: indexes a record's address. False for a duplicate address.
    mutating func preindex(_ address: UInt64) -> Bool {
        if graph.addresses.withUnsafeBufferPointer({ index.find(address, in: $0) }) != nil { return false }
        graph.addresses.append(address)
        graph.addresses.withUnsafeBufferPointer { index.insert(address, node: UInt32($0.count - 1), addresses: $0) }
        preindexed += 1
        return true
    }

    /// Second pass: adds the next indexed record, resolving its references
    /// now. False when the record is not the one the first pass indexed next.
    mutating func addIndexed(_ r: NodeRecord) -> Bool {
        guard added < preindexed, graph.addresses[added] == r.address else { return false }
        // The references are resolved a few hundred at a time (`resolvePending`).
        if pendingRefs.isEmpty { pendingStart = graph.forwardTargets.count }
        r.refs.withUnsafeBufferPointer { pendingRefs.append(contentsOf: $0) }  // a buffer, so no retain of the array
        graph.forwardTargets.append(contentsOf: repeatElement(0, count: r.refs.count))
        if pendingRefs.count >= 256 { resolvePending() }
        finishIndexed(r)
        return true
    }

    /// Raw addresses of the latest references, and where their targets go.
    private var pendingRefs: [UInt64] = []
    private var pendingStart = 0

    /// Resolves the pending references in file order, after loading every
    /// hash slot and address they need at once: random reads whose cache
    /// misses overlap, instead of two misses in a row per reference.
    private mutating func resolvePending() {
        guard !pendingRefs.isEmpty else { return }
        pendingRefs.withUnsafeBufferPointer { p in graph.addresses.withUnsafeBufferPointer { index.touch(p, addresses: $0) } }
        graph.addresses.withUnsafeBufferPointer { addrs in
            for (k, a) in pendingRefs.enumerated() {
                let t: UInt32
                if let found = index.find(a, in: addrs) {
                    t = found
                } else if let m = missingIndex[a] {
                    t = m
                } else {
                    t = UInt32(preindexed + missing.count)
                    missing.append(a)
                    missingIndex[a] = t
                }
                graph.forwardTargets[pendingStart + k] = t
            }
        }
        pendingRefs.removeAll(keepingCapacity: true)
    }

    /// For a loader that numbered the nodes and sorted the references by
    /// referrer itself (edge lists): takes its arrays as they are, without a
    /// copy or a second address index. Every node gets `common`'s columns,
    /// written in bulk runs; the nodes in `special` (ascending) get `common`
    /// as changed by `describe(i, &record)`. Cost: O(nodes) column writes,
    /// plus one record per special node.
    mutating func adopt(addresses: [UInt64], offsets: [UInt32], targets: [UInt32], labels: [UInt32],
                        common: NodeRecord, special: [Int], describe: (Int, inout NodeRecord) -> Void) {
        precondition(graph.addresses.isEmpty && offsets.count == addresses.count + 1 && labels.count == targets.count)
        let n = addresses.count
        edit(Reservation(objects: n, references: 0, addresses: false, forward: false, targets: false))
        graph.forwardOffsets = Column(offsets)
        graph.forwardTargets = Column(targets)
        graph.edgeLabels = Column(labels)
        graph.addresses = Column(addresses)
        preindexed = n
        added = n
        var next = 0
        for i in special {
            appendRows(common, count: i - next)
            var r = common
            r.address = addresses[i]
            describe(i, &r)
            appendColumns(r, address: false)
            if r.unexplained != 0 { graph.unexplained[UInt32(i)] = r.unexplained }
            next = i + 1
        }
        appendRows(common, count: n - next)
    }

    /// Appends `count` rows of `r`'s columns (not its address): one row, then
    /// each column's last value repeated in one append. `r` may not need a
    /// side-table entry (a big size, length or refcount), which is per node.
    private mutating func appendRows(_ r: NodeRecord, count: Int) {
        guard count > 0 else { return }
        precondition(r.size < UInt64(HeapGraph.bigSize) && (r.length ?? 0) < UInt64(UInt16.max)
                     && (r.refcount ?? 0) < UInt64(UInt16.max) && r.unexplained == 0)
        if count < 16 {
            for _ in 0..<count { appendColumns(r, address: false) }
        } else {
            appendColumns(r, address: false)
            edit(RepeatLastRow(times: count - 1))
        }
    }

    private mutating func finishIndexed(_ r: NodeRecord) {
        let node = UInt32(added)
        added += 1
        appendColumns(r, address: false)
        let count = graph.forwardTargets.count - Int(graph.forwardOffsets.last!)
        if r.labels.isEmpty {
            graph.edgeLabels.append(contentsOf: repeatElement(0, count: count))
        } else {
            r.labels.withUnsafeBufferPointer { graph.edgeLabels.append(contentsOf: $0) }
        }
        precondition(graph.forwardTargets.count < Int(UInt32.max), "more than 4 billion references")
        graph.forwardOffsets.append(UInt32(graph.forwardTargets.count))
        if r.unexplained != 0 { graph.unexplained[node] = r.unexplained }
    }

    /// Adds a record; a record whose address was seen before is counted and dropped.
    /// Returns false for such a duplicate.
    @discardableResult
    mutating func add(_ r: NodeRecord) -> Bool {
        let node = UInt32(graph.addresses.count)
        let existing = graph.addresses.withUnsafeBufferPointer { index.find(r.address, in: $0) }
        if existing != nil {
            graph.info.duplicates += 1
            return false
        }
        precondition(graph.addresses.count < Int(UInt32.max) - 1, "more than 4 billion objects")
        appendColumns(r)
        graph.addresses.withUnsafeBufferPointer { index.insert(r.address, node: node, addresses: $0) }
        r.refs.withUnsafeBufferPointer { refAddresses.append(contentsOf: $0) }
        if r.labels.isEmpty {
            graph.edgeLabels.append(contentsOf: repeatElement(0, count: r.refs.count))
        } else {
            r.labels.withUnsafeBufferPointer { graph.edgeLabels.append(contentsOf: $0) }
        }
        guard refAddresses.count < Int(UInt32.max) else {
            preconditionFailure("more than 4 billion references")
        }
        graph.forwardOffsets.append(UInt32(refAddresses.count))
        if r.unexplained != 0 { graph.unexplained[node] = r.unexplained }
        return true
    }

    private mutating func appendColumns(_ r: NodeRecord, address: Bool = true) {
        let node = UInt32(graph.typeIDs.count)
        if address { graph.addresses.append(r.address) }
        graph.typeIDs.append(r.typeID)
        if r.size >= UInt64(HeapGraph.bigSize) {
            graph.bigSizes[node] = r.size
            graph.sizes.append(HeapGraph.bigSize)
        } else {
            graph.sizes.append(UInt32(r.size))
        }
        graph.textIDs.append(r.textID)
        graph.modulePrefix.append(r.modulePrefix)
        // 16-bit columns; larger values, rare, go to side tables.
        if let l = r.length, l < UInt64(UInt16.max) {
            graph.lengths.append(UInt16(l))
        } else {
            if let l = r.length { graph.bigLengths[node] = l }
            graph.lengths.append(UInt16.max)
        }
        if let c = r.refcount, c < UInt64(UInt16.max) {
            graph.refcounts.append(UInt16(c))
        } else {
            if let c = r.refcount { graph.bigRefcounts[node] = UInt32(min(c, UInt64(UInt32.max))) }
            graph.refcounts.append(UInt16.max)
        }
        graph.rootKinds.append(r.root)
        graph.finalizers.append(r.finalizer)
        graph.flags.append(r.textIsValue && r.textID != 0 ? r.flags.union(.textIsValue) : r.flags)
        // The allocation column exists only once some record has a site.
        if r.allocID != 0 && graph.allocIDs.count < Int(node) {
            graph.allocIDs = Column([UInt32](repeating: 0, count: Int(node)))
        }
        if !graph.allocIDs.isEmpty || r.allocID != 0 { graph.allocIDs.append(r.allocID) }
    }

    /// Reserves room for a dump of about this many objects and references,
    /// so the columns do not grow by doubling (which briefly needs twice the memory).
    mutating func reserve(objects: Int, references: Int, twoPass: Bool = false) {
        if !twoPass { refAddresses.reserveCapacity(references) }
        edit(Reservation(objects: objects, references: references, addresses: true, forward: true, targets: twoPass))
        index.reserve(objects)
    }

    /// The columns `reserve` and `adopt` size ahead, from the schema.
    private struct Reservation: ColumnEditor {
        var graph = HeapGraph()
        let objects: Int, references: Int
        /// Whether to reserve `addresses` (`adopt` takes the loader's own),
        /// the forward CSR, and its targets (a one-pass load resolves them into a new array).
        let addresses: Bool, forward: Bool, targets: Bool

        mutating func visit<T: BitwiseCopyable>(_ path: WritableKeyPath<HeapGraph, Column<T>>, _ spec: ColumnSpec) {
            switch spec.source {
            case .records where spec.length == .nodes && (addresses || path != \HeapGraph.addresses),
                 .forward where forward && (targets || path != \HeapGraph.forwardTargets):
                graph[keyPath: path].reserveCapacity(spec.count(nodes: objects, edges: references))
            default: break
            }
        }
    }

    /// Runs `editor` over the schema's columns on the graph, moved in and
    /// back out so no column is copied.
    private mutating func edit(_ editor: some ColumnEditor) {
        var e = editor
        swap(&e.graph, &graph)
        HeapGraph.forEachColumn(&e)
        swap(&e.graph, &graph)
    }

    /// Repeats the last value of every per-record column but the addresses
    /// (`appendRows`).
    private struct RepeatLastRow: ColumnEditor {
        var graph = HeapGraph()
        let times: Int
        mutating func visit<T: BitwiseCopyable>(_ path: WritableKeyPath<HeapGraph, Column<T>>, _ spec: ColumnSpec) {
            guard spec.source == .records, path != \HeapGraph.addresses, let last = graph[keyPath: path].last else { return }
            graph[keyPath: path].append(contentsOf: repeatElement(last, count: times))
        }
    }

    /// Pads every column that may be empty and is not (allocation sites,
    /// which exist once some record has one) to one value per node: zeros.
    private struct Padding: ColumnEditor {
        var graph = HeapGraph()
        mutating func visit<T: BitwiseCopyable>(_ path: WritableKeyPath<HeapGraph, Column<T>>, _ spec: ColumnSpec) {
            guard spec.length == .nodesOrNone, spec.source == .records else { return }
            let missing = graph.nodeCount - graph[keyPath: path].count
            guard !graph[keyPath: path].isEmpty, missing > 0 else { return }
            graph[keyPath: path].append(contentsOf: repeatElement(Column<T>.zero, count: missing))
        }
    }

    /// Finishes the graph: resolves the references, builds the reverse CSR,
    /// then runs the format's `adapt` (roots a format lacks, labels it
    /// implies) before the weak-edge tables are computed, once, from the final labels.
    mutating func sealed(adapt: (inout HeapGraph) throws(LoadError) -> Void = { _ in }) throws(LoadError) -> HeapGraph {
        PhaseTrace.mark("sealed start")
        if preindexed > 0 {
            resolvePending()
            addMissingPlaceholders()
        } else {
            resolve()
        }
        // Free the raw addresses and the address index before the reverse arrays are built.
        refAddresses = []
        index = AddressIndex()
        PhaseTrace.mark("before reverse")
        buildReverse()
        PhaseTrace.mark("after reverse")
        graph.weakLabel = graph.strings.lookup("<weakref>") ?? UInt32.max
        graph.dictLabel = graph.strings.lookup("__dict__") ?? UInt32.max
        try adapt(&graph)
        graph.computeWeakPairs()
        edit(Padding())
        return graph
    }

    /// Two-pass loading: the placeholders found by the second pass get their columns.
    private mutating func addMissingPlaceholders() {
        var placeholder = NodeRecord()
        placeholder.typeID = graph.strings.intern("unknown")
        placeholder.flags = .placeholder
        for a in missing {
            placeholder.address = a
            appendColumns(placeholder)
            graph.forwardOffsets.append(graph.forwardOffsets.last!)
        }
        missing = []
        missingIndex = [:]
    }

    /// Turns referent addresses into node indices; unknown addresses become placeholders.
    private mutating func resolve() {
        var targets = [UInt32](repeating: 0, count: refAddresses.count)
        let unknown = graph.strings.intern("unknown")
        var placeholder = NodeRecord()
        placeholder.typeID = unknown
        placeholder.flags = .placeholder
        for e in 0..<refAddresses.count {
            let a = refAddresses[e]
            if let n = graph.addresses.withUnsafeBufferPointer({ index.find(a, in: $0) }) {
                targets[e] = n
            } else {
                let n = UInt32(graph.addresses.count)
                placeholder.address = a
                appendColumns(placeholder)
                graph.forwardOffsets.append(graph.forwardOffsets.last!)
                graph.addresses.withUnsafeBufferPointer { index.insert(a, node: n, addresses: $0) }
                targets[e] = n
            }
        }
        graph.forwardTargets = Column(targets)
    }

    /// The reverse CSR by counting sort. The counts become end offsets and are
    /// decremented while filling (sources in reverse), so they finish as the
    /// start offsets: no second offsets array.
    private mutating func buildReverse() {
        let n = graph.nodeCount
        var offsets = [UInt32].onHugePages(repeating: 0, count: n + 1)
        var sources = [UInt32].onHugePages(repeating: 0, count: graph.forwardTargets.count)
        graph.forwardOffsets.withUnsafeBufferPointer { off in
            graph.forwardTargets.withUnsafeBufferPointer { tgt in
                offsets.withUnsafeMutableBufferPointer { o in
                    for t in tgt { o[Int(t) + 1] += 1 }
                    for i in 0..<n { o[i + 1] += o[i] }
                    // o[t + 1] is now the end of t's in-edges; fill downwards.
                    sources.withUnsafeMutableBufferPointer { src in
                        for s in stride(from: n - 1, through: 0, by: -1) {
                            for e in stride(from: Int(off[s + 1]) - 1, through: Int(off[s]), by: -1) {
                                let t = Int(tgt[e])
                                o[t + 1] -= 1
                                src[Int(o[t + 1])] = UInt32(s)
                            }
                        }
                    }
                    // Shift: o[t + 1] now holds t's start; move starts down one slot.
                    for i in 0..<n { o[i] = o[i + 1] }
                    o[n] = UInt32(tgt.count)
                }
            }
        }
        graph.reverseOffsets = Column(offsets)
        graph.reverseSources = Column(sources)
    }

}

extension HeapGraph {
    /// Fills `weakEdges` and `weakPairs` from the labels; `GraphBuilder.sealed`
    /// calls it once, after any format adapter has labelled the edges.
    mutating func computeWeakPairs() {
        weakPairs = []
        weakEdges = []
        guard weakLabel != UInt32.max else { return }
        var bits = [UInt64](repeating: 0, count: (edgeCount + 63) / 64)
        _ = edgeLabels.withUnsafeBufferPointer { Self.markWeak($0, from: 0, weak: weakLabel, into: &bits) }
        weakEdges = Column(bits)
        for n in 0..<nodeCount {
            for e in outEdges(Node(n)) where isWeak(edge: e) {
                let t = forwardTargets[e]
                if edge(from: Node(n), to: t).map(isWeak(edge:)) ?? false {
                    weakPairs.insert(UInt64(n) << 32 | UInt64(t))
                }
            }
        }
    }
}

/// A column visitor that changes the graph it holds (`GraphBuilder.edit`).
private protocol ColumnEditor: ColumnVisitor {
    var graph: HeapGraph { get set }
}

/// Open-addressing hash from address to node index. Slots hold node + 1, and
/// the address itself is read from the graph's address column, so the index
/// costs 4 bytes a slot.
///
/// Addresses are hashed by Fibonacci hashing, which spreads the near-regular
/// addresses of a real heap with almost no collisions. A crafted dump can aim
/// every address at one slot (`address = i·K⁻¹ mod 2⁶⁴`) and make loading
/// quadratic, so an insert that probes more than `maxProbe` slots switches
/// the table to a seeded mixer (HashSeed) that an input cannot aim at, and
/// rebuilds it: at most `maxProbe` extra steps per address before that.
struct AddressIndex {
    private let seed = HashSeed.process
    private(set) var mixed = false
    private var slots = [UInt32](repeating: 0, count: 1 << 10)
    private var shift: UInt64 = 54
    private var count = 0
    static let maxProbe = 128

    /// Sizes the table for `n` entries at once, so it never rehashes.
    mutating func reserve(_ n: Int) {
        guard count == 0 else { return }
        var size = 1 << 10, bits: UInt64 = 10
        while size < n * 2 { size <<= 1; bits += 1 }
        slots = .onHugePages(repeating: 0, count: size)
        shift = 64 - bits
    }

    @inline(__always)
    private func slot(_ a: UInt64) -> Int {
        let h = mixed ? HashSeed.mix(a, seed: seed) : a &* 0x9E37_79B9_7F4A_7C15
        return Int(truncatingIfNeeded: h >> shift)
    }

    func find(_ a: UInt64, in addresses: UnsafeBufferPointer<UInt64>) -> UInt32? {
        let mask = slots.count - 1
        return slots.withUnsafeBufferPointer { s in
            var i = slot(a)
            while true {
                let v = s[i]
                if v == 0 { return nil }
                if addresses[Int(v - 1)] == a { return v - 1 }
                i = (i + 1) & mask
            }
        }
    }

    /// Loads the slots, then the stored addresses, that finding `keys` will
    /// read, all before any is compared: independent loads whose cache misses
    /// overlap.
    func touch(_ keys: UnsafeBufferPointer<UInt64>, addresses: UnsafeBufferPointer<UInt64>) {
        let sum = slots.withUnsafeBufferPointer { s in
            withUnsafeTemporaryAllocation(of: UInt32.self, capacity: keys.count) { firsts in
                for i in 0..<keys.count { firsts[i] = s[slot(keys[i])] }
                var sum: UInt64 = 0
                for v in firsts where v != 0 { sum &+= addresses[Int(v - 1)] }
                return sum
            }
        }
        keepAlive(UInt32(truncatingIfNeeded: sum))
    }

    mutating func insert(_ a: UInt64, node: UInt32, addresses: UnsafeBufferPointer<UInt64>) {
        if (count + 1) * 2 > slots.count { rebuild(addresses, size: slots.count * 2) }
        let mask = slots.count - 1
        var i = slot(a), probes = 0
        while slots[i] != 0 {
            i = (i + 1) & mask
            probes += 1
            if probes > Self.maxProbe && !mixed {  // aimed at: mix, rebuild, probe again
                mixed = true
                rebuild(addresses, size: slots.count)
                i = slot(a)
                probes = 0
            }
        }
        slots[i] = node + 1
        count += 1
    }

    /// Reinserts the `count` nodes inserted so far (nodes 0..<count) into `size` slots.
    private mutating func rebuild(_ addresses: UnsafeBufferPointer<UInt64>, size newCount: Int) {
        if newCount != slots.count { shift -= 1 }
        slots = .onHugePages(repeating: 0, count: newCount)
        let mask = newCount - 1
        let live = count
        count = 0
        for n in 0..<live {
            var i = slot(addresses[n])
            while slots[i] != 0 { i = (i + 1) & mask }
            slots[i] = UInt32(n + 1)
            count += 1
        }
    }
}
