extension RetainedTop {
    /// The `refgraph top` report for a terminal.
    public func text(_ graph: HeapGraph) -> String {
        var out = ""
        if graph.info.truncated { out += "WARNING: the dump is truncated; retained sizes cover only the part that was read.\n\n" }
        out += "Top \(grouping == .none ? "objects" : "groups by \(grouping.rawValue)") by \(measure.rawValue); reachable heap \(Units.bytes(reachableBytes))\n\n"
        let width = min(60, max(20, rows.map { $0.key.count }.max() ?? 20))
        out += "  " + Units.rpad("retained", 10) + Units.rpad("%", 6) + Units.rpad("shallow", 10) + Units.rpad("count", 11) + "  " + (grouping == .none ? "object" : grouping.rawValue) + "\n"
        for r in rows {
            out += "  " + Units.rpad(Units.bytes(r.retained), 10) + Units.rpad(Units.percent(Double(r.retained), of: Double(reachableBytes)), 6)
                + Units.rpad(Units.bytes(r.shallow), 10) + Units.rpad(Units.count(r.count), 11) + "  " + Escape.terminal(Escape.cut(r.key, width)) + "\n"
        }
        if grouping == .module {
            out += "\n(module: the nearest module above each object in the dominator tree, so each byte counts once)\n"
        }
        return out
    }

    /// The report as one JSON document: `measure`, `group`, `reachable_bytes`, `rows`.
    public func json(_ graph: HeapGraph) -> String {
        var j = JSONWriter()
        j.beginObject()
        j.field("measure", measure.rawValue)
        j.field("group", grouping.rawValue)
        j.field("reachable_bytes", reachableBytes)
        j.objects("rows", rows) { j, r in
            j.field("key", r.key)
            if let n = r.node { j.field("address", graph.address(n)); j.field("id", graph.idText(n)); j.field("type", graph.typeName(n)) }
            j.field("count", r.count)
            j.field("shallow", r.shallow)
            j.field("retained", r.retained)
        }
        j.endObject()
        return j.text
    }
}

extension LeakSuspects {
    /// The `refgraph suspects` report for a terminal. Cost: `totalSize`, one
    /// pass over the nodes, for the RSS note.
    public func text(_ graph: HeapGraph) -> String {
        let h = HopText(graph)
        var out = ""
        if graph.info.truncated { out += "WARNING: the dump is truncated; the report covers only the part that was read.\n\n" }
        if let note = Summary.outsideNote(rss: graph.info.rss, bytes: graph.totalSize) { out += "NOTE: \(note)\n\n" }
        out += "Leak suspects: objects retaining at least \(Units.percent(threshold, of: 1)) of the reachable heap (\(Units.bytes(reachableBytes))), and accumulation points\n"
        if suspects.isEmpty { out += "\nNo suspects: no object or group retains that much.\n" }
        if !suspects.isEmpty && undecided {
            out += hasGenerations
                ? "\nNone of these was growing when the dump was taken (no recently allocated objects under them): one dump cannot tell a leak from a table built at start-up. Compare two dumps: refgraph diff OLD NEW.\n"
                : "\nThis dump has no GC-generation data (Python before 3.8, or another exporter), so the order is by size alone: one dump cannot tell a leak from a table built at start-up. Compare two dumps: refgraph diff OLD NEW.\n"
        }
        for (i, s) in suspects.enumerated() {
            out += "\n" + TextStyle.current.heading("#\(i + 1)") + "  \(s.explanation(graph, h.describer))\n"
            if s.kind == .group { out += "    (a group of \(Units.count(s.members)) same-typed siblings in the dominator tree; shown for one of them)\n" }
            if let site = h.describer.allocationSite(s.node) { out += "    allocated at \(site)\n" }
            if s.young > 0 { out += "    growing: \(Units.count(s.young)) of the objects it retains were allocated recently (young GC generations)\n" }
            if !s.path.isEmpty {
                out += "  held by:\n" + h.lines(s.path).joined(separator: "\n") + "\n"
            }
            out += "  retains, by type:\n"
            for t in s.retainedByType.prefix(6) {
                out += "    " + Units.rpad(Units.bytes(t.bytes), 10) + Units.rpad(Units.count(t.count), 12) + "  " + Escape.terminal(t.type) + "\n"
            }
        }
        return out
    }

    /// The report as one JSON document. Cost: `totalSize`, one pass over the
    /// nodes, for the RSS note.
    public func json(_ graph: HeapGraph) -> String {
        let h = HopText(graph)
        var j = JSONWriter()
        j.beginObject()
        j.field("threshold", threshold)
        j.field("reachable_bytes", reachableBytes)
        j.field("truncated", graph.info.truncated)
        j.objects("suspects", suspects) { j, s in
            j.field("kind", s.kind.rawValue)
            j.field("explanation", s.explanation(graph, h.describer))
            j.field("members", s.members)
            j.field("retained", s.retained)
            j.field("fraction", s.fraction)
            j.field("young", s.young)
            if s.kind == .chain { j.field("chain_length", s.chainLength) }
            if let t = s.heldType { j.field("held_type", t); j.field("held_count", s.heldCount) }
            j.key("object")
            j.beginObject(); h.jsonFields(&j, s.node); j.endObject()
            j.key("path")
            h.json(&j, s.path)
            j.objects("retained_by_type", s.retainedByType) { j, t in
                j.field("type", t.type); j.field("bytes", t.bytes); j.field("count", t.count)
            }
        }
        if let note = Summary.outsideNote(rss: graph.info.rss, bytes: graph.totalSize) { j.field("outside_python", note) }
        j.field("generations", hasGenerations)
        j.field("undecided", undecided)
        j.endObject()
        return j.text
    }
}

extension LeakSuspect {
    /// The suspect in one sentence: what it is, what it holds or heads, and
    /// what it retains. Names are escaped for the terminal.
    public func explanation(_ graph: HeapGraph, _ describer: Describer) -> String {
        let title = describer.title(node)
        let share = Units.percent(fraction, of: 1)
        switch kind {
        case .chain:
            return "\(title) heads a chain of \(Units.count(chainLength)) \(Escape.terminal(graph.typeName(node))) objects, each holding the next (\(chainPattern.map(Escape.terminal).joined(separator: " → ")) → …); it retains \(Units.bytes(retained)) (\(share) of the heap)"
        case .group:
            return "\(Units.count(members)) objects like \(title) retain \(Units.bytes(retained)) together (\(share) of the heap), each holding its own share"
        case .object, .accumulation:
            if let heldType, heldCount >= 2 {
                return "\(title) holds \(Units.count(heldCount)) \(Escape.terminal(heldType)) objects (\(Units.bytes(retained)), \(share) of the heap)"
            }
            return "\(title) retains \(Units.bytes(retained)) (\(share) of the heap) in \(Units.count(subtreeObjects)) objects"
        }
    }
}
