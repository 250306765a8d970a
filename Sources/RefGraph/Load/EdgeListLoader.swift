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
        }
        // Nodes are numbered in order of first appearance through an
        // open-addressing index; edges are kept as node numbers.
        var ids: [UInt64] = []
        var nodeIndex = AddressIndex()
        var from: [UInt32] = []
        var to: [UInt32] = []
        var labels: [UInt32] = []
        var symbolic: [UInt32: UInt32] = [:]
        func node(_ id: UInt64) -> UInt32 {
            if let n = ids.withUnsafeBufferPointer({ nodeIndex.find(id, in: $0) }) { return n }
            ids.append(id)
            nodeIndex.insert(id, node: UInt32(ids.count - 1), addresses: ids)
            return UInt32(ids.count - 1)
        }
        var delimiter: Delimiter?
        var splitter = FieldSplitter(.tab)
        var first = true
        let base = bytes.base
        if bytes.count > (16 << 20) {
            let estimate = bytes.count / 24
            from.reserveCapacity(estimate); to.reserveCapacity(estimate); labels.reserveCapacity(estimate)
        }
        try forEachDataLine(bytes) { (line: Int, s: Int, e: Int) throws(LoadError) in
            if delimiter == nil {
                delimiter = Delimiter.detect(base, s, e)
                splitter = FieldSplitter(delimiter!)
            }
            do throws(ScanError) {
                try splitter.split(base, s, e, restFrom: 2)
            } catch {
                throw LoadError(file: path, line: line, reason: error.reason)
            }
            let f = splitter.fields
            if first {
                first = false
                let words = f.map { splitter.text(base, $0).lowercased() }
                if words.count >= 2 && words.allSatisfy({ Self.headerWords.contains($0) }) { return }
            }
            guard f.count >= 2, !f[0].isEmpty, !f[1].isEmpty else {
                let other: Delimiter = delimiter == .tab ? .comma : .tab
                if f.count < 2 && Delimiter.detect(base, s, e) == other {
                    throw LoadError(file: path, line: line, reason: "mixed delimiters: this line uses \(other.name) but the file's first line uses \(delimiter!.name)")
                }
                throw LoadError(file: path, line: line, reason: "expected 'referrer referent [label]', found \(f.count) field\(f.count == 1 ? "" : "s")")
            }
            if f.count > 3 && delimiter != .spaces {
                throw LoadError(file: path, line: line, reason: "expected at most 3 fields (referrer, referent, label), found \(f.count)")
            }
            let (a, an) = ids_id(base, f[0])
            let (b, bn) = ids_id(base, f[1])
            let na = node(a), nb = node(b)
            if let an { symbolic[na] = an }
            if let bn { symbolic[nb] = bn }
            from.append(na)
            to.append(nb)
            if f.count > 2 {
                let r = f[2]
                if base[r.lowerBound] == UInt8(ascii: "\"") {
                    labels.append(builder.strings.intern(splitter.text(base, r)))
                } else {
                    labels.append(builder.strings.intern(bytes: UnsafeBufferPointer(start: base + r.lowerBound, count: r.count)))
                }
            } else {
                labels.append(0)
            }
        }
        func ids_id(_ base: UnsafePointer<UInt8>, _ r: Range<Int>) -> (UInt64, UInt32?) {
            tokens.id(base, r, strings: &builder.strings)
        }
        if from.isEmpty && (table?.isEmpty ?? true) {
            throw LoadError(file: path, line: 1, reason: "no references found: an edge list needs lines of 'referrer referent [label]'")
        }
        for id in table?.order ?? [] { _ = node(id) }
        nodeIndex = AddressIndex()
        // Counting sort of the edges by referrer.
        let n = ids.count
        var offsets = [Int](repeating: 0, count: n + 1)
        for a in from { offsets[Int(a) + 1] += 1 }
        for i in 0..<n { offsets[i + 1] += offsets[i] }
        var fill = offsets
        var sortedTargets = [UInt32](repeating: 0, count: from.count)
        var sortedLabels = [UInt32](repeating: 0, count: from.count)
        for k in 0..<from.count {
            let s = Int(from[k])
            sortedTargets[fill[s]] = to[k]
            sortedLabels[fill[s]] = labels[k]
            fill[s] += 1
        }
        from = []; to = []; labels = []; fill = []
        builder.reserve(objects: n, references: sortedTargets.count, twoPass: true)
        for id in ids { _ = builder.preindex(id) }
        let objectType = builder.strings.intern("object")
        var record = NodeRecord()
        var hasRoots = false
        for i in 0..<n {
            record.reset()
            record.address = ids[i]
            record.typeID = objectType
            if let sym = symbolic[UInt32(i)] {
                record.textID = sym
                record.flags.insert(.symbolicID)
            }
            if let row = table?.rows[ids[i]] {
                row.apply(to: &record)
                if row.root != .none { hasRoots = true }
            }
            record.labels.append(contentsOf: sortedLabels[offsets[i]..<offsets[i + 1]])
            builder.addIndexed(record, targets: sortedTargets[offsets[i]..<offsets[i + 1]])
        }
        return builder.sealed(inferRoots: !hasRoots)
    }
}
