extension ReferenceCycles {
    /// The `refgraph cycles` report for a terminal.
    public func text(_ graph: HeapGraph, limit: Int = 20) -> String {
        let h = HopText(graph)
        var out = ""
        if graph.info.truncated { out += "WARNING: the dump is truncated; cycles cover only the part that was read.\n\n" }
        let py = python.map { "Python \(Escape.terminal($0))" } ?? "an unknown Python version (classified as 3.4+)"
        let counts = Dictionary(grouping: cycles, by: \.classification).mapValues(\.count)
        out += "\(Units.count(cycles.count)) reference cycle\(cycles.count == 1 ? "" : "s") (strongly connected components) in a dump of \(py): "
        out += [CycleClass.uncollectable, .collectableFinalized, .liveWithFinalizers, .plain].map { "\(counts[$0] ?? 0) \($0.rawValue)" }.joined(separator: ", ") + "\n"
        for (i, c) in cycles.prefix(limit).enumerated() {
            let kind = c.classification.rawValue.uppercased()
            out += "\n" + TextStyle.current.heading("#\(i + 1)") + "  " + (c.classification == .uncollectable ? TextStyle.current.error(kind) : kind)
                + ": \(Units.count(c.members.count)) objects, \(TextStyle.current.size(Units.bytes(c.bytes)))"
            out += c.reachable ? ", live (reachable from a root)" : c.garbageMembers > 0 ? ", garbage (in gc.garbage)" : ", unreachable (garbage awaiting collection)"
            out += "\n    why: \(c.reason)\n"
            if c.isKey {
                out += "    key cycle: no other garbage cycle refers to it"
                if c.keepsAlive > 0 { out += "; it keeps \(Units.count(c.keepsAlive)) more garbage object\(c.keepsAlive == 1 ? "" : "s") (\(Units.bytes(c.keepsAliveBytes))) alive" }
                out += "\n"
            }
            out += "    types: " + c.types.prefix(6).map { "\(Escape.terminal($0.type)) ×\(Units.count($0.count))" }.joined(separator: ", ")
            if c.types.count > 6 { out += ", …" }
            out += "\n"
            if !c.finalizerMembers.isEmpty {
                out += "    finalizers: " + c.finalizerMembers.prefix(5).map { h.describer.title($0) + " (\(graph.finalizer($0).name))" }.joined(separator: ", ")
                if c.finalizerMembers.count > 5 { out += ", … \(c.finalizerMembers.count - 5) more" }
                out += "\n"
            }
            if !c.example.isEmpty {
                out += "    one cycle:\n" + h.lines(h.cycleHops(c.example), indent: "      ").joined(separator: "\n") + "\n"
            }
        }
        if cycles.count > limit { out += "\n… \(cycles.count - limit) more cycles (--limit to show them)\n" }
        return out
    }

    /// The report as one JSON document: every cycle, not only the first `limit`.
    public func json(_ graph: HeapGraph) -> String {
        let h = HopText(graph)
        var j = JSONWriter()
        j.beginObject()
        if let python { j.field("python", python) }
        j.field("truncated", graph.info.truncated)
        j.objects("cycles", cycles) { j, c in
            j.field("classification", c.classification.rawValue)
            j.field("reason", c.reason)
            j.field("objects", c.members.count)
            j.field("bytes", c.bytes)
            j.field("reachable", c.reachable)
            j.field("garbage_members", c.garbageMembers)
            j.field("key_cycle", c.isKey)
            j.field("keeps_alive", c.keepsAlive)
            j.field("keeps_alive_bytes", c.keepsAliveBytes)
            j.key("types")
            j.beginObject()
            for t in c.types { j.field(t.type, t.count) }
            j.endObject()
            j.objects("finalizers", c.finalizerMembers) { j, f in h.jsonFields(&j, f) }
            j.key("example")
            h.json(&j, h.cycleHops(c.example))
        }
        j.endObject()
        return j.text
    }
}
