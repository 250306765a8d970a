/// What `refgraph summary` reports: the size of the heap, its roots, the
/// biggest types, and how much of the process's RSS the objects explain.
public struct Summary: Sendable {
    /// One type in the top-types tables.
    public struct TypeRow: Sendable {
        /// The type name (JSON `type`).
        public var type: String
        /// The type's module (JSON `module`).
        public var module: String
        /// Objects of that type (JSON `count`).
        public var count: Int
        /// Their shallow bytes (JSON `bytes`).
        public var bytes: UInt64
    }

    /// The dump's facts (JSON `file`, `format`, `process`, `warnings`).
    public var info: DumpInfo
    /// Number of nodes, placeholders included (JSON `objects`).
    public var objects: Int
    /// Number of references (JSON `references`).
    public var references: Int
    /// Total shallow bytes (JSON `bytes`).
    public var bytes: UInt64
    /// Objects referred to that have no record in the dump (JSON `placeholders`).
    public var placeholders: Int
    /// Roots per kind, in `RootKind` order; kinds with none left out (JSON `roots`).
    public var roots: [(kind: RootKind, count: Int)]
    /// The `top` types with the most objects (JSON `top_by_count`).
    public var byCount: [TypeRow]
    /// The `top` types with the most shallow bytes (JSON `top_by_size`).
    public var bySize: [TypeRow]
    /// Objects whose type defines a finalizer (JSON `finalizers`).
    public var finalizers: Int
    /// Objects in gc.garbage (JSON `garbage`).
    public var garbage: Int
    /// Objects a visible root reaches that also carry references from C (docs/ROOTS.md).
    public var heldFromC: Int
    /// Set when RSS is far above the objects' total: the growth is outside Python objects.
    public var outsideNote: String?

    /// Cost: three passes over the nodes (the counts, `totalSize`, the modules
    /// of classes) and a sort of the distinct types.
    public init(_ graph: HeapGraph, top: Int = 10) {
        info = graph.info
        objects = graph.nodeCount
        references = graph.edgeCount
        bytes = graph.totalSize
        var placeholders = 0, finalizers = 0, garbage = 0, heldFromC = 0
        var rootCounts = [Int](repeating: 0, count: RootKind.allCases.count)
        var counts = [Int](repeating: 0, count: graph.strings.count)
        var sizes = [UInt64](repeating: 0, count: graph.strings.count)
        for n in 0..<graph.nodeCount {
            let t = Int(graph.typeIDs[n])
            counts[t] += 1
            sizes[t] &+= graph.size(HeapGraph.Node(n))
            rootCounts[Int(graph.rootKinds[n].rawValue)] += 1
            if graph.flags[n].contains(.placeholder) { placeholders += 1 }
            if graph.finalizers[n] != .none { finalizers += 1 }
            if graph.flags[n].contains(.garbage) { garbage += 1 }
            if graph.flags[n].contains(.heldFromC) { heldFromC += 1 }
        }
        self.heldFromC = heldFromC
        self.placeholders = placeholders
        self.finalizers = finalizers
        self.garbage = garbage
        roots = RootKind.allCases.dropFirst().compactMap { k in rootCounts[Int(k.rawValue)] > 0 ? (k, rootCounts[Int(k.rawValue)]) : nil }
        let describer = Describer(graph)
        let used = (0..<counts.count).filter { counts[$0] > 0 }
        func row(_ t: Int) -> TypeRow {
            TypeRow(type: graph.strings[UInt32(t)], module: describer.semantics.moduleOfType(UInt32(t)), count: counts[t], bytes: sizes[t])
        }
        byCount = used.sorted { (counts[$0], sizes[$0]) > (counts[$1], sizes[$1]) }.prefix(top).map(row)
        bySize = used.sorted { (sizes[$0], counts[$0]) > (sizes[$1], counts[$1]) }.prefix(top).map(row)
        outsideNote = Self.outsideNote(rss: graph.info.rss, bytes: bytes)
    }

    /// The honest answer when Python objects do not explain the memory.
    public static func outsideNote(rss: UInt64?, bytes: UInt64) -> String? {
        guard let rss, rss > 0 else { return nil }
        let outside = rss > bytes ? rss - bytes : 0
        guard outside > max(64 << 20, rss / 2) else { return nil }
        return "Python objects explain only \(Units.percent(Double(bytes), of: Double(rss))) of RSS "
            + "(\(Units.bytes(bytes)) of \(Units.bytes(rss))): \(Units.bytes(outside)) is outside Python objects, "
            + "in C extensions, native libraries or the allocator. Python-level analysis cannot find it. Next: "
            + "memray (`memray run` or `memray attach PID`, then `memray flamegraph --leaks`) shows which native or Python "
            + "call stacks allocated it; valgrind --tool=memcheck with PYTHONMALLOC=malloc finds native leaks; tracemalloc "
            + "snapshots (compare_to) cover allocations made through Python; another malloc (jemalloc, tcmalloc) tells fragmentation."
    }

    /// The report as text for a terminal.
    public func text() -> String {
        var out = ""
        let kind = info.format == .native ? "native dump v\(info.formatVersion)" : info.format == .meliae ? "meliae dump" : "edge list"
        out += "\(Escape.terminal(info.path))  (\(kind))\n"
        if info.truncated { out += "  WARNING: the dump is truncated; every figure below covers only the part that was read\n" }
        var process: [String] = []
        if let pid = info.pid { process.append("pid \(pid)") }
        if let py = info.python { process.append("\(Escape.terminal(info.implementation.map { $0 == "cpython" ? "CPython" : $0 } ?? "Python")) \(Escape.terminal(py))") }
        if let rss = info.rss {
            var s = "RSS \(Units.bytes(rss))"
            if let peak = info.peakRSS { s += " (peak \(Units.bytes(peak)))" }
            process.append(s)
        }
        if let gc = info.gcEnabled { process.append(gc ? "gc enabled" : "gc DISABLED") }
        if !process.isEmpty { out += "  process     " + process.joined(separator: ", ") + "\n" }
        out += "  objects     \(Units.count(objects))"
        var extra: [String] = []
        if placeholders > 0 { extra.append("\(Units.count(placeholders)) placeholders for referenced objects with no record") }
        if info.duplicates > 0 { extra.append("\(Units.count(info.duplicates)) duplicate records ignored") }
        if !extra.isEmpty { out += " (" + extra.joined(separator: "; ") + ")" }
        out += "\n"
        out += "  references  \(Units.count(references))\n"
        out += "  shallow     \(Units.bytes(bytes))"
        if let rss = info.rss { out += " = \(Units.percent(Double(bytes), of: Double(rss))) of RSS" }
        out += "\n"
        out += "  roots       " + (roots.isEmpty ? "none" : roots.map { "\($0.kind.name) \(Units.count($0.count))" }.joined(separator: ", ")) + "\n"
        if heldFromC > 0 {
            out += "  from C      \(Units.count(heldFromC)) reachable objects also have references from C (not roots; docs/ROOTS.md)\n"
        }
        if finalizers > 0 || garbage > 0 {
            out += "  finalizers  \(Units.count(finalizers)) objects with __del__ or tp_del; \(Units.count(garbage)) in gc.garbage\n"
        }
        out += "\n" + table("Top types by count", byCount) + "\n" + table("Top types by size", bySize)
        for w in info.warnings { out += "\n" + TextStyle.current.warning("warning: \(Escape.terminal(w))") }
        if !info.warnings.isEmpty { out += "\n" }
        if let note = outsideNote { out += "\nNOTE: \(note)\n" }
        return out
    }

    private func table(_ title: String, _ rows: [TypeRow]) -> String {
        let width = max(24, min(48, rows.map { $0.type.count }.max() ?? 0))
        var out = "\(title)\n  " + Units.pad("type", width) + Units.rpad("count", 12) + Units.rpad("bytes", 11) + "  module\n"
        for r in rows {
            out += "  " + Units.pad(Escape.terminal(Escape.cut(r.type, width)), width) + Units.rpad(Units.count(r.count), 12)
                + Units.rpad(Units.bytes(r.bytes), 11) + "  " + Escape.terminal(r.module) + "\n"
        }
        return out
    }

    /// The report as one JSON document.
    public func json() -> String {
        var j = JSONWriter()
        j.beginObject()
        j.field("file", info.path)
        j.field("format", info.format.rawValue)
        j.field("truncated", info.truncated)
        j.field("objects", objects)
        j.field("references", references)
        j.field("bytes", bytes)
        j.field("placeholders", placeholders)
        j.field("duplicates", info.duplicates)
        j.field("finalizers", finalizers)
        j.field("garbage", garbage)
        j.key("process")
        j.beginObject()
        if let v = info.python { j.field("python", v) }
        if let v = info.implementation { j.field("implementation", v) }
        if let v = info.pid { j.field("pid", v) }
        if let v = info.rss { j.field("rss", v) }
        if let v = info.peakRSS { j.field("peak_rss", v) }
        if let v = info.gcEnabled { j.field("gc_enabled", v) }
        j.endObject()
        j.key("roots")
        j.beginObject()
        for r in roots { j.field(r.kind.name, r.count) }
        j.endObject()
        j.field("held_from_c", heldFromC)
        for (name, rows) in [("top_by_count", byCount), ("top_by_size", bySize)] {
            j.objects(name, rows) { j, r in
                j.field("type", r.type)
                j.field("module", r.module)
                j.field("count", r.count)
                j.field("bytes", r.bytes)
            }
        }
        if let note = outsideNote { j.field("outside_python", note) }
        j.field("warnings", info.warnings)
        j.endObject()
        return j.text
    }
}
