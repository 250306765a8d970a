/// Reads a plain referrer/referent edge list (TSV, CSV or space-separated),
/// with an optional node table that gives types, sizes, names and roots.
struct EdgeListLoader {
    let path: String
    let bytes: DumpBytes
    let options: LoadOptions

    /// Words a header line may use for its columns.
    static let headerWords: Set<String> = [
        "from", "to", "src", "dst", "source", "target", "referrer", "referent", "label",
        "parent", "child", "id", "from_id", "to_id", "edge", "name", "kind",
    ]

    func load() throws(LoadError) -> HeapGraph {
        var builder = GraphBuilder(format: .edgeList, path: path)
        var tokens = TokenIDs()
        var table: NodeTable?
        if let nodes = options.nodeTable {
            table = try NodeTable.load(nodes, ids: &tokens, strings: &builder.strings)
            builder.info.warnings += table!.warnings
        }
        var edges = EdgeColumns(inputBytes: bytes.count)
        var delimiter: Delimiter?
        var splitter = FieldSplitter(.tab)
        let base = bytes.base
        if bytes.count > (16 << 20) { edges.reserve(references: bytes.count / 24) }
        let count = bytes.count
        var separator: UInt8 = 0  // the delimiter's byte once known; 0 before
        func take(_ line: Int, _ s: Int, _ e: Int) throws(LoadError) {
            guard let delimiter else {
                let d = Delimiter.detect(base, s, e)
                delimiter = d
                separator = d.byte
                splitter = FieldSplitter(d)
                if try isHeader(line, s, e) { return }
                return try general(line, s, e)
            }
            // Fast path: `digits DELIMITER digits`, the common shape of a big list.
            if let (a, b) = Self.numericPair(base, s, e, delimiter: delimiter) {
                edges.addSoon(a, b)
                return
            }
            try general(line, s, e)
        }
        // The first data line gives the delimiter (and may be a header).
        var lines = LineWalk(bytes)
        try forEachDataLine(&lines, stop: { separator != 0 }, take)
        if separator != 0, options.secondThread, NumericLinePipeline.pays(for: count - lines.position),
           let pipeline = NumericLinePipeline(bytes, from: lines.position, line: lines.number, separator: separator) {
            // Two cores: the pipeline reads the numeric lines, this thread numbers them.
            defer { pipeline.finish() }
            var released = lines.position
            while let chunk = pipeline.next() {
                var done = 0  // pairs added so far
                for k in 0..<chunk.otherCount {
                    let other = chunk.others[k]
                    edges.add(pairs: UnsafeBufferPointer(start: chunk.pairs + 2 * done, count: 2 * (other.after - done)))
                    done = other.after
                    if let (s, e) = dataLine(base, other.start, other.end) { try take(other.line, s, e) }
                }
                edges.add(pairs: UnsafeBufferPointer(start: chunk.pairs + 2 * done, count: 2 * (chunk.pairCount - done)))
                if chunk.position - released > DumpBytes.releaseEvery {
                    bytes.release(before: chunk.position)  // read pages need not stay resident
                    released = chunk.position
                }
                pipeline.done()
            }
        } else {
            // One core: most lines are `digits DELIMITER digits`, read in one pass, newline included.
            let fast = { (at: Int) -> Int? in
                guard let (a, b, end) = Self.numericLine(base, at, count, separator: separator) else { return nil }
                edges.addSoon(a, b)
                return end
            }
            try forEachDataLine(&lines, fast: fast, take)
        }
        edges.flush()
        PhaseTrace.mark("edge list: lines read")
        func split(_ line: Int, _ s: Int, _ e: Int) throws(LoadError) {
            do throws(ScanError) {
                try splitter.split(base, s, e, restFrom: 2)
            } catch {
                throw LoadError(file: path, line: line, reason: error.reason)
            }
        }
        /// The first line is a header when every field is a column word and
        /// neither of its first two fields is used as an id on another line.
        func isHeader(_ line: Int, _ s: Int, _ e: Int) throws(LoadError) -> Bool {
            try split(line, s, e)
            let f = splitter.fields
            let words = f.map { splitter.text(base, $0).lowercased() }
            guard words.count >= 2 && words.allSatisfy({ Self.headerWords.contains($0) }) else { return false }
            let rest = min(lineEnd(base, from: s, count: bytes.count) + 1, bytes.count)  // a header may be the last line
            return !f.prefix(2).contains { Self.isUsedAsID(base, $0, in: rest..<bytes.count, delimiter: splitter.delimiter) }
        }
        func general(_ line: Int, _ s: Int, _ e: Int) throws(LoadError) {
            edges.flush()  // keep the numbering in file order
            try split(line, s, e)
            let f = splitter.fields
            guard f.count >= 2, !f[0].isEmpty, !f[1].isEmpty else {
                let used = Delimiter.detect(base, s, e)  // .spaces also for a line with no delimiter at all
                if f.count < 2 && used != delimiter && (used != .spaces || (s..<e).contains { base[$0] == 0x20 }) {
                    throw LoadError(file: path, line: line, reason: "mixed delimiters: this line uses \(used.name) but the file's first line uses \(delimiter!.name)")
                }
                if f.count >= 2 {
                    throw LoadError(file: path, line: line, reason: "the \(f[0].isEmpty ? "referrer" : "referent") is empty: expected 'referrer referent [label]' separated by \(delimiter!.name)")
                }
                throw LoadError(file: path, line: line, reason: "expected 'referrer referent [label]', found \(f.count) field\(f.count == 1 ? "" : "s")")
            }
            // A control byte is never part of an id or a label: a NUL, a lone
            // CR (old Mac line ends), or a tab in a comma-separated file (a
            // space-separated one takes tabs as blanks too).
            if let at = (s..<e).first(where: { base[$0] < 0x20 && !(base[$0] == 0x09 && delimiter != .comma) }) {
                let b = base[at]
                let what = b == 0x09 ? "a tab in a file separated by \(delimiter!.name) (mixed delimiters)"
                    : b == 0x0d ? "a carriage return inside the line (a lone CR is not a line end here)"
                    : "control byte 0x\(hexByte(b))"
                throw LoadError(file: path, line: line, reason: "\(what), at column \(at - s + 1)")
            }
            if f.count > 3 && delimiter != .spaces {
                throw LoadError(file: path, line: line, reason: "expected at most 3 fields (referrer, referent, label), found \(f.count)")
            }
            let (a, an) = tokens.key(base, f[0], strings: &builder.strings)
            let (b, bn) = tokens.key(base, f[1], strings: &builder.strings)
            let na = edges.number(a), nb = edges.number(b)
            if let an { edges.symbolic[na] = an }
            if let bn { edges.symbolic[nb] = bn }
            var label: UInt32 = 0
            if f.count > 2 {
                let r = f[2]
                if !r.isEmpty && base[r.lowerBound] == UInt8(ascii: "\"") {  // an empty last field may end the buffer
                    label = builder.strings.intern(splitter.text(base, r))
                } else {
                    label = builder.strings.intern(bytes: UnsafeBufferPointer(start: base + r.lowerBound, count: r.count))
                }
            }
            edges.add(na, nb, label: label)
        }
        if edges.isEmpty && (table?.isEmpty ?? true) {
            throw LoadError(file: path, line: 1, reason: "no references found: an edge list needs lines of 'referrer referent [label]'")
        }
        var rowOf: [UInt32: NodeTable.Row] = [:]
        for key in table?.order ?? [] { rowOf[edges.number(key)] = table!.rows[key] }
        let symbolic = edges.symbolic
        let (ids, offsets, targets, labels) = edges.sortedByReferrer()
        PhaseTrace.mark("edge list: sorted by referrer")
        builder.info.decimalIDs = !tokens.sawHex
        var common = NodeRecord()
        common.typeID = builder.strings.intern("object")
        let special = Set(symbolic.keys).union(rowOf.keys).map(Int.init).sorted()
        var hasRoots = false
        builder.adopt(addresses: ids, offsets: offsets, targets: targets, labels: labels, common: common, special: special) { i, record in
            if let sym = symbolic[UInt32(i)] {
                record.textID = sym
                record.flags.insert(.symbolicID)
            }
            if let row = rowOf[UInt32(i)] {
                row.apply(to: &record)
                if row.root != .none { hasRoots = true }
            }
        }
        return try builder.sealed { if !hasRoots { $0.inferRoots() } }
    }

    /// Whether the bytes of field `r` appear as a whole field (between
    /// delimiters or line ends) anywhere in `range`: one scan, done
    /// only for a first line that looks like a header.
    static func isUsedAsID(_ p: UnsafePointer<UInt8>, _ r: Range<Int>, in range: Range<Int>, delimiter: Delimiter) -> Bool {
        guard !r.isEmpty, range.lowerBound < range.upperBound else { return false }
        func isEdge(_ b: UInt8) -> Bool {
            b == 0x0a || b == 0x0d || b == 0x09 || b == 0x20 || (delimiter == .comma && (b == 0x2c || b == 0x22))
        }
        let needle = UnsafeBufferPointer(start: p + r.lowerBound, count: r.count)
        var i = range.lowerBound
        while let at = firstOccurrence(of: needle, in: p, from: i, to: range.upperBound) {
            let end = at + r.count
            if (at == range.lowerBound || isEdge(p[at - 1])) && (end == range.upperBound || isEdge(p[end])) { return true }
            i = at + 1
        }
        return false
    }

    /// A whole line at `s` of two decimal ids that fit 64 bits, one
    /// `separator` between them, ending in a newline, CR LF or the end of the
    /// bytes (`count`): the ids and the position of the newline (or `count`).
    /// Nil for any other line, which then takes the general path.
    @inline(__always)
    static func numericLine(_ p: UnsafePointer<UInt8>, _ s: Int, _ count: Int, separator: UInt8) -> (UInt64, UInt64, Int)? {
        let a = scanDecimal(p, from: s, to: count)
        guard a.end > s, !a.overflow, a.end < count, p[a.end] == separator else { return nil }
        let b = scanDecimal(p, from: a.end + 1, to: count)
        guard b.end > a.end + 1, !b.overflow else { return nil }
        var end = b.end
        if end < count && p[end] == 0x0d { end += 1 }
        guard end == count || p[end] == 0x0a else { return nil }
        return (a.value, b.value, end)
    }

    /// Two decimal ids that fit 64 bits separated by one delimiter and
    /// nothing else, or nil (anything else takes the general path).
    @inline(__always)
    static func numericPair(_ p: UnsafePointer<UInt8>, _ s: Int, _ e: Int, delimiter: Delimiter) -> (UInt64, UInt64)? {
        let sep = delimiter.byte
        let a = scanDecimal(p, from: s, to: e)
        guard a.end > s, !a.overflow, a.end < e, p[a.end] == sep else { return nil }
        let b = scanDecimal(p, from: a.end + 1, to: e)
        guard b.end == e, b.end > a.end + 1, !b.overflow else { return nil }
        return (a.value, b.value)
    }
}

/// The references of an edge list as it is read: ids numbered in order of
/// first appearance, edges as node-number pairs; then sorted by referrer
/// into CSR form, one column at a time so at most four columns are alive.
struct EdgeColumns {
    private(set) var ids: [UInt64] = []
    private var index = AddressIndex()
    private var from: [UInt32] = []
    private var to: [UInt32] = []
    /// Kept only once some label is not 0 (most edge lists have none).
    private var labels: [UInt32] = []
    private var hasLabels = false
    /// Text ids of symbolic (non-numeric) ids, by node.
    var symbolic: [UInt32: UInt32] = [:]
    /// The node of each token (`NodeKey.token`), `UInt32.max` until numbered.
    private var tokenNodes: [UInt32] = []
    /// Nodes of tokens, in order; their ids are drawn when sorting.
    private var tokenOrder: [UInt32] = []

    var isEmpty: Bool { from.isEmpty }

    mutating func reserve(references: Int) {
        from.reserveOnHugePages(references)
        to.reserveOnHugePages(references)
    }

    /// Fast lines wait here in batches, so the hash slots and ids they need
    /// are loaded together (many cache misses in flight) before they are
    /// numbered one by one, in file order.
    private var batch: [UInt64] = []
    private static let batchPairs = 32
    private var lastReferrer = UInt64.max, lastReferrerNode: UInt32 = 0

    /// The node number of `key`, numbering it if new.
    mutating func number(_ key: NodeKey) -> UInt32 {
        switch key {
        case .number(let id): return number(id)
        case .token(let t):
            let t = Int(t)
            if t >= tokenNodes.count { tokenNodes += repeatElement(UInt32.max, count: t + 1 - tokenNodes.count) }
            if tokenNodes[t] != UInt32.max { return tokenNodes[t] }
            let node = UInt32(ids.count)
            ids.append(0)  // drawn in `sortedByReferrer`
            tokenNodes[t] = node
            tokenOrder.append(node)
            return node
        }
    }

    /// Node + 1 of each id below `denseLimit` (0 until numbered): small ids,
    /// the common case of edge lists other tools write, skip the hash. Grows
    /// by doubling to the largest small id seen.
    private var dense: [UInt32] = []
    /// Ids below this are numbered through `dense`, the rest through the hash.
    /// Fixed before the first id, so each id has one home; `init(inputBytes:)`
    /// bounds it by the input's size, so `dense` costs at most half the input.
    let denseLimit: UInt64

    /// Columns for an input of `inputBytes` bytes: at least 4 bytes a line
    /// ("1 2\n"), so at most `inputBytes / 2` distinct ids; small ids get
    /// `dense` up to `inputBytes / 8` (65,536 at least).
    init(inputBytes: Int) {
        denseLimit = UInt64(max(1 << 16, inputBytes / 8))
    }

    /// The node number of the numeric id `id`, numbering it if new.
    @inline(__always)
    mutating func number(_ id: UInt64) -> UInt32 {
        if id < denseLimit {
            let i = Int(id)
            if i < dense.count {
                let v = dense.withUnsafeBufferPointer { $0[i] }
                if v != 0 { return v - 1 }
            } else {
                growDense(to: i)
            }
            ids.append(id)
            let node = UInt32(ids.count - 1)
            dense.withUnsafeMutableBufferPointer { $0[i] = node + 1 }
            return node
        }
        if let found = ids.withUnsafeBufferPointer({ index.find(id, in: $0) }) { return found }
        ids.append(id)
        let node = UInt32(ids.count - 1)
        ids.withUnsafeBufferPointer { index.insert(id, node: node, addresses: $0) }
        return node
    }

    /// Makes `dense[i]` exist, doubling (capped at `denseLimit`).
    private mutating func growDense(to i: Int) {
        let size = min(Int(denseLimit), max(i + 1, dense.count * 2, 1 << 12))
        dense.append(contentsOf: repeatElement(0, count: size - dense.count))
    }

    /// Loads the `dense` entries and hash slots the batch will read, before
    /// any is compared: independent loads whose cache misses overlap.
    private func touch(_ keys: UnsafeBufferPointer<UInt64>) {
        var sum: UInt32 = 0
        var large = false
        dense.withUnsafeBufferPointer { d in
            for k in keys {
                if k < UInt64(d.count) { sum &+= d[Int(k)] } else if k >= denseLimit { large = true }
            }
        }
        keepAlive(sum)
        if large { ids.withUnsafeBufferPointer { index.touch(keys, addresses: $0) } }
    }

    /// Adds an unlabelled reference between two numeric ids, numbered at the next `flush`.
    @inline(__always)
    mutating func addSoon(_ a: UInt64, _ b: UInt64) {
        batch.append(a)
        batch.append(b)
        if batch.count == 2 * Self.batchPairs { flush() }
    }

    /// Numbers and adds the batched references; call before anything else is numbered.
    mutating func flush() {
        guard !batch.isEmpty else { return }
        var pending: [UInt64] = []
        swap(&pending, &batch)  // numbered while self changes; its storage comes back for reuse
        pending.withUnsafeBufferPointer { numberPairs($0) }
        pending.removeAll(keepingCapacity: true)
        swap(&pending, &batch)
    }

    /// Numbers and adds unlabelled references given as id pairs (a0, b0,
    /// a1, b1, ...), in order, after any batched ones.
    mutating func add(pairs: UnsafeBufferPointer<UInt64>) {
        flush()
        var k = 0
        while k < pairs.count {
            let n = min(2 * Self.batchPairs, pairs.count - k)
            numberPairs(UnsafeBufferPointer(rebasing: pairs[k..<(k + n)]))
            k += n
        }
    }

    /// Numbers a batch of id pairs, after loading the table entries and hash
    /// slots they need (`touch`), and adds them as references.
    private mutating func numberPairs(_ pairs: UnsafeBufferPointer<UInt64>) {
        touch(pairs)
        for k in stride(from: 0, to: pairs.count, by: 2) {
            let a = pairs[k]
            // Lines come grouped by referrer: most repeat the previous one.
            if a != lastReferrer { lastReferrer = a; lastReferrerNode = number(a) }
            add(lastReferrerNode, number(pairs[k + 1]), label: 0)
        }
    }

    @inline(__always)
    mutating func add(_ a: UInt32, _ b: UInt32, label: UInt32) {
        if label != 0 && !hasLabels {
            hasLabels = true
            labels = [UInt32](repeating: 0, count: from.count)
        }
        from.append(a)
        to.append(b)
        if hasLabels { labels.append(label) }
    }

    /// Ids, CSR offsets, targets and labels, edges grouped by referrer in input order.
    mutating func sortedByReferrer() -> ([UInt64], [UInt32], [UInt32], [UInt32]) {
        precondition(batch.isEmpty, "flush before sorting")
        // Tokens get ids from the top of the space that no numeric id uses.
        var next = TokenIDs.symbolicBase
        for node in tokenOrder {
            while ids.withUnsafeBufferPointer({ index.find(next, in: $0) }) != nil { next &+= 1 }
            ids[Int(node)] = next
            next &+= 1
        }
        tokenNodes = []
        tokenOrder = []
        index = AddressIndex()
        dense = []
        let n = ids.count
        precondition(from.count < Int(UInt32.max), "more than 4 billion references")
        var offsets = [UInt32].onHugePages(repeating: 0, count: n + 1)
        for a in from { offsets[Int(a) + 1] += 1 }
        for i in 0..<n { offsets[i + 1] += offsets[i] }
        // Counting sort; `offsets[v]` is v's cursor, shifted back afterwards.
        func scatter(_ column: [UInt32]) -> [UInt32] {
            var out = [UInt32].onHugePages(repeating: 0, count: from.count)
            var cursor = offsets
            for k in 0..<from.count {
                let v = Int(from[k])
                out[Int(cursor[v])] = column[k]
                cursor[v] += 1
            }
            return out
        }
        let targets = scatter(to)
        to = []
        let sortedLabels = !hasLabels ? [UInt32](repeating: 0, count: from.count) : scatter(labels)
        labels = []
        from = []
        let out = (ids, offsets, targets, sortedLabels)
        ids = []
        return out
    }
}
