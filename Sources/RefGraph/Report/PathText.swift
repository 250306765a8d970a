extension RetentionPaths {
    /// The `refgraph path` report for a terminal.
    /// `header` is the selection line (`SelectionText.header`); by default `N objects match 'SELECTOR'`.
    public func text(_ graph: HeapGraph, selector: String, header: String? = nil, limit: Int = 10, describer: Describer? = nil) -> String {
        let h = HopText(graph, describer: describer)
        let style = TextStyle.current
        var out = ""
        if graph.info.truncated { out += style.warning("WARNING: the dump is truncated; paths cover only the part that was read.") + "\n\n" }
        let reached = groups.reduce(0) { $0 + $1.members.count }
        out += header ?? "\(Units.count(targets)) object\(targets == 1 ? "" : "s") match '\(Escape.terminal(selector))'"
        if targets == 0 { return style.warning(out + (out.hasSuffix("?") ? "" : ".")) + "\n" }
        out += ": \(Units.count(reached)) reachable from roots in \(Units.count(groups.count)) group\(groups.count == 1 ? "" : "s") by retention path"
        if !unreachable.isEmpty { out += ", \(Units.count(unreachable.count)) unreachable" }
        if !blocked.isEmpty { out += ", \(Units.count(blocked.count)) blocked by --max-depth or --avoid" }
        out += "\n"
        for (i, g) in groups.prefix(limit).enumerated() {
            let hops = g.paths[0].count - 1
            out += "\n" + style.heading("#\(i + 1)") + "  \(Units.count(g.members.count)) object\(g.members.count == 1 ? "" : "s"), \(style.size(Units.bytes(g.bytes))) shallow, \(hops) hop\(hops == 1 ? "" : "s") from a root"
            if g.members.count > 1 { out += " (shown for \(graph.idText(g.members[0])); the others differ only in addresses" + ")" }
            out += "\n"
            let hidden = alternatives > 1 ? RetentionPaths.heldFromC(graph, g.paths[0]) : []
            let holders = g.paths.count + (hidden.isEmpty ? 0 : 1)
            for (k, p) in g.paths.enumerated() {
                if holders > 1 { out += "  holder \(k + 1) of \(holders):\n" }
                out += h.lines(p, lastIsTarget: true).joined(separator: "\n") + "\n"
            }
            if let site = h.describer.allocationSite(g.members[0]) { out += "    allocated at \(site)\n" }
            if !hidden.isEmpty {
                out += "  holder \(holders) of \(holders): C code (a C extension, the interpreter, or a C field no traversal reports):\n"
                for n in hidden {
                    let u = graph.unexplained[n] ?? 0
                    out += "    +\(u) reference\(u == 1 ? "" : "s") from C → " + h.describer.title(n) + "\n"
                }
            }
        }
        if groups.count > limit {
            let rest = groups.dropFirst(limit)
            out += "\n… \(rest.count) more groups, \(Units.count(rest.reduce(0) { $0 + $1.members.count })) objects (--limit to show them)\n"
        }
        for u in unreachable.prefix(5) {
            out += "\nunreachable: " + h.describer.title(u.node) + " is reached by no root: it is garbage the collector has not freed yet"
            if u.cycle.isEmpty {
                out += ".\n"
            } else {
                out += ", kept by a reference cycle:\n"
                out += h.lines(h.cycleHops(u.cycle)).joined(separator: "\n") + "\n"
                out += "    (back to the first object)\n"
                if u.tail.count > 1 {
                    out += "  and from the cycle to the object:\n" + h.lines(u.tail).joined(separator: "\n") + "\n"
                }
            }
        }
        if unreachable.count > 5 { out += "\n… \(unreachable.count - 5) more unreachable objects\n" }
        if !blocked.isEmpty {
            out += "\n\(Units.count(blocked.count)) object\(blocked.count == 1 ? " is" : "s are") reachable only by paths longer than --max-depth or through --avoid'ed objects.\n"
        }
        if !graph.info.warnings.isEmpty { out += "\n" + graph.info.warnings.map { style.warning("warning: " + Escape.terminal($0)) }.joined(separator: "\n") + "\n" }
        return out
    }

    /// The same as one JSON document.
    public func json(_ graph: HeapGraph, selector: String, describer: Describer? = nil) -> String {
        let h = HopText(graph, describer: describer)
        var j = JSONWriter()
        j.beginObject()
        j.field("selector", selector)
        j.field("targets", targets)
        j.field("truncated", graph.info.truncated)
        j.objects("groups", groups) { j, g in
            j.field("count", g.members.count)
            j.field("bytes", g.bytes)
            j.field("signature", g.signature)
            if g.holdersTruncated { j.field("holders_truncated", true) }
            j.field("members", g.members.map { graph.address($0) })
            j.field("member_ids", g.members.map { graph.idText($0) })
            j.objects("held_from_c", RetentionPaths.heldFromC(graph, g.paths[0])) { j, n in
                j.field("address", graph.address(n)); j.field("id", graph.idText(n)); j.field("refs_from_c", graph.unexplained[n] ?? 0)
            }
            j.key("paths")
            j.beginArray()
            for p in g.paths { h.json(&j, p) }
            j.endArray()
        }
        j.objects("unreachable", unreachable) { j, u in
            h.jsonFields(&j, u.node)
            j.key("cycle")
            h.json(&j, h.cycleHops(u.cycle))
            j.key("tail")
            h.json(&j, u.tail)
        }
        j.field("blocked", blocked.map { graph.address($0) })
        j.endObject()
        return j.text
    }
}
