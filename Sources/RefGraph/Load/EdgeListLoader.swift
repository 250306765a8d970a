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
        var ids = TokenIDs()
        var table: NodeTable?
        if let nodes = options.nodeTable {
            table = try NodeTable.load(nodes, ids: &ids, strings: &builder.strings)
        }
        // Collect edges, then group them by referrer.
        var from: [UInt64] = []
        var to: [UInt64] = []
        var labels: [UInt32] = []
        var symbolic: [UInt64: UInt32] = [:]
        var delimiter: Delimiter?
        var splitter = FieldSplitter(.tab)
        var first = true
        let base = bytes.base
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
            let (a, an) = ids.id(base, f[0], strings: &builder.strings)
            let (b, bn) = ids.id(base, f[1], strings: &builder.strings)
            if let an { symbolic[a] = an }
            if let bn { symbolic[b] = bn }
            from.append(a)
            to.append(b)
            if f.count > 2 {
                let text = splitter.text(base, f[2])
                labels.append(builder.strings.intern(text))
            } else {
                labels.append(0)
            }
        }
        if from.isEmpty && (table?.isEmpty ?? true) {
            throw LoadError(file: path, line: 1, reason: "no references found: an edge list needs lines of 'referrer referent [label]'")
        }
        // Nodes in order of first appearance; each gets its out-edges.
        var order: [UInt64] = []
        var seen = Set<UInt64>()
        seen.reserveCapacity(from.count)
        for i in 0..<from.count {
            if seen.insert(from[i]).inserted { order.append(from[i]) }
            if seen.insert(to[i]).inserted { order.append(to[i]) }
        }
        for a in table?.order ?? [] where seen.insert(a).inserted { order.append(a) }
        var position: [UInt64: Int] = [:]
        position.reserveCapacity(order.count)
        for (i, a) in order.enumerated() { position[a] = i }
        var counts = [Int](repeating: 0, count: order.count + 1)
        for a in from { counts[position[a]! + 1] += 1 }
        for i in 0..<order.count { counts[i + 1] += counts[i] }
        var fill = counts
        var sortedEdges = [Int](repeating: 0, count: from.count)
        for i in 0..<from.count {
            let s = position[from[i]]!
            sortedEdges[fill[s]] = i
            fill[s] += 1
        }
        let objectType = builder.strings.intern("object")
        var record = NodeRecord()
        var hasRoots = false
        for (i, a) in order.enumerated() {
            record.reset()
            record.address = a
            record.typeID = objectType
            if let sym = symbolic[a] {
                record.textID = sym
                record.flags.insert(.symbolicID)
            }
            if let row = table?.rows[a] {
                row.apply(to: &record)
                if row.root != .none { hasRoots = true }
            }
            for k in counts[i]..<counts[i + 1] {
                let e = sortedEdges[k]
                record.refs.append(to[e])
                record.labels.append(labels[e])
            }
            builder.add(record)
        }
        return builder.sealed(inferRoots: !hasRoots)
    }
}
