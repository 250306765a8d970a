extension SnapshotDiff {
    /// The `refgraph diff` report for a terminal; `graphs` in snapshot order.
    public func text(_ graphs: [HeapGraph], limit: Int = 10, rows: Int = 15) -> String {
        let last = graphs[graphs.count - 1]
        let names = snapshots == 3 ? ["baseline", "target", "final"] : ["before", "after"]
        var out = ""
        for (i, g) in graphs.enumerated() {
            out += "\(Units.pad(names[i], 9)) \(Escape.terminal(g.info.path))  (\(Units.count(g.nodeCount)) objects, \(Units.bytes(g.totalSize))"
            if let pid = g.info.pid { out += ", pid \(pid)" }
            if let rss = g.info.rss { out += ", RSS \(Units.bytes(rss))" }
            out += g.info.truncated ? ", TRUNCATED)\n" : ")\n"
        }
        out += table("Growth by type", byType, rows: rows)
        out += table("Growth by module", byModule, rows: min(rows, 10))
        if clusters.isEmpty && candidates == 0 {
            out += snapshots == 3 || candidates > 0 || !byType.isEmpty ? "\nNo new objects stayed alive.\n" : ""
            if let note = Summary.outsideNote(rss: last.info.rss, bytes: last.totalSize) { out += "\nNOTE: \(note)\n" }
            return out
        }
        out += "\nLeak candidates: \(Units.count(candidates)) objects (\(Units.bytes(candidateBytes)))"
        out += snapshots == 3 ? " new in the target and still alive in the final snapshot; \(Units.count(transient)) transient ones ignored\n"
            : " new in the second snapshot (take a third to rule out transient ones)\n"
        out += "clustered by retention path, largest first; paths are in the \(snapshots == 3 ? "final" : "second") snapshot\n"
        var h = HopText(last)
        h.maxShown = 16
        for (i, c) in clusters.prefix(limit).enumerated() {
            out += "\n" + TextStyle.current.heading("#\(i + 1)") + "  \(Units.count(c.objects)) new objects in \(Units.count(c.roots.count)) leak\(c.roots.count == 1 ? "" : "s") held alike, \(TextStyle.current.size(Units.bytes(c.shallowBytes))) shallow; freeing them frees \(TextStyle.current.size(Units.bytes(c.retainedBytes)))\n"
            let kinds = c.byType
            out += "    " + kinds.prefix(6).map { "\(Units.count($0.count)) \(Escape.terminal($0.type))" }.joined(separator: ", ")
                + (kinds.count > 6 ? ", … \(kinds.count - 6) more types" : "") + "\n"
            out += h.lines(c.path, lastIsTarget: true).joined(separator: "\n") + "\n"
            if let n = c.path.last?.node, let site = h.describer.allocationSite(n) { out += "    allocated at \(site)\n" }
            let sites = Self.bySite(c, h.describer)
            if sites.contains(where: { $0.site != nil }) {
                out += "    new objects by allocation site:\n"
                for s in sites.prefix(5) {
                    out += "    " + Units.rpad(Units.count(s.count.objects), 9) + Units.rpad(Units.bytes(s.count.bytes), 10)
                        + "  " + (s.site ?? "(no site)") + "\n"
                }
                if sites.count > 5 { out += "      … \(sites.count - 5) more sites\n" }
            }
        }
        if clusters.count > limit { out += "\n… \(clusters.count - limit) more clusters (--limit)\n" }
        return out
    }

    /// A cluster's new objects by allocation site as reports print it
    /// (tracebacks that differ only in library frames fall together), most
    /// bytes first; `site` nil: objects without one.
    static func bySite(_ c: LeakCluster, _ d: Describer) -> [(site: String?, count: SiteCount)] {
        var merged: [String?: SiteCount] = [:]
        for (id, n) in c.siteCounts {
            let key = d.allocationSite(site: id)
            merged[key, default: SiteCount()].objects += n.objects
            merged[key, default: SiteCount()].bytes &+= n.bytes
        }
        return merged.map { (site: $0.key, count: $0.value) }
            .sorted { ($0.count.bytes, $0.count.objects, $1.site ?? "") > ($1.count.bytes, $1.count.objects, $0.site ?? "") }
    }

    private func table(_ title: String, _ rows: [GrowthRow], rows limit: Int) -> String {
        guard !rows.isEmpty else { return "\n\(title): no change\n" }
        let width = min(40, max(12, rows.prefix(limit).map { $0.key.count }.max() ?? 12))
        var out = "\n\(title)\n  " + Units.pad("", width) + Units.rpad("count", 10 * snapshots) + Units.rpad("Δ", 10) + Units.rpad("bytes", 11 * snapshots) + Units.rpad("Δ", 11) + "\n"
        for r in rows.prefix(limit) {
            out += "  " + Units.pad(Escape.terminal(Escape.cut(r.key, width)), width)
            for c in r.counts { out += Units.rpad(Units.count(c), 10) }
            out += Units.rpad((r.countDelta >= 0 ? "+" : "") + Units.count(r.countDelta), 10)
            for b in r.bytes { out += Units.rpad(Units.bytes(b), 11) }
            out += Units.rpad((r.bytesDelta >= 0 ? "+" : "-") + Units.bytes(r.bytesDelta.magnitude), 11) + "\n"
        }
        if rows.count > limit { out += "  … \(rows.count - limit) more\n" }
        return out
    }

    /// The report as one JSON document; `graphs` in snapshot order.
    /// Cost: `totalSize` of each snapshot, one pass over its nodes.
    public func json(_ graphs: [HeapGraph]) -> String {
        let last = graphs[graphs.count - 1]
        let h = HopText(last)
        var j = JSONWriter()
        j.beginObject()
        j.objects("snapshots", graphs) { j, g in
            j.field("file", g.info.path)
            j.field("objects", g.nodeCount)
            j.field("bytes", g.totalSize)
            if let pid = g.info.pid { j.field("pid", pid) }
            if let rss = g.info.rss { j.field("rss", rss) }
            j.field("truncated", g.info.truncated)
        }
        for (name, rows) in [("by_type", byType), ("by_module", byModule)] {
            j.objects(name, rows) { j, r in
                j.field("key", r.key)
                j.field("module", r.module)
                j.field("counts", r.counts)
                j.field("bytes", r.bytes)
                j.field("count_delta", r.countDelta)
                j.key("bytes_delta"); j.value(r.bytesDelta)
            }
        }
        j.field("candidates", candidates)
        j.field("candidate_bytes", candidateBytes)
        j.field("transient", transient)
        j.objects("clusters", clusters) { j, c in
            j.field("objects", c.objects)
            j.field("shallow_bytes", c.shallowBytes)
            j.field("retained_bytes", c.retainedBytes)
            j.field("leak_roots", c.roots.map { last.address($0) })
            j.objects("by_type", c.byType) { j, t in j.field("type", t.type); j.field("count", t.count) }
            j.objects("by_site", Self.bySite(c, h.describer)) { j, s in
                if let site = s.site { j.field("site", site) } else { j.key("site"); j.null() }
                j.field("objects", s.count.objects)
                j.field("bytes", s.count.bytes)
            }
            j.field("signature", c.signature)
            j.key("path"); h.json(&j, c.path)
        }
        j.endObject()
        return j.text
    }
}
