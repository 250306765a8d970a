/// The JSON API of `refgraph serve` (docs/SERVE.md). Reports the CLI also
/// prints come out as its `--json` does; lists of objects use the same object
/// fields, plus `title`, `retained` and `dominated`.
extension Explorer {
    /// `/api/suspects`: `suspects --json`; `threshold` (percent) and
    /// `accumulation` as the CLI's options.
    func suspects(_ q: SiteQuery) throws(SiteFailure) -> String {
        let d = try dump(q)
        if q["threshold"] == nil && q["accumulation"] == nil && q["limit"] == nil { return d.suspects }
        let threshold = Double(q["threshold"] ?? "10") ?? 10
        guard threshold >= 0 && threshold <= 100 else { throw SiteFailure(400, "threshold is a percentage, 0 to 100") }
        return LeakSuspects(d.graph, index: d.index, semantics: d.describer.semantics, threshold: threshold / 100,
                            accumulation: try q.count("accumulation", fallback: 10_000, max: Int.max), limit: try q.count("limit", fallback: 10, max: 1000)).json(d.graph)
    }

    /// `/api/top`: `top --json` with `by`, `group` and `limit`.
    func top(_ q: SiteQuery) throws(SiteFailure) -> String {
        let d = try dump(q)
        let by: TopMeasure = try choice(q, "by", .retained)
        let group: TopGrouping = try choice(q, "group", .type)
        return RetainedTop(d.graph, index: d.index, by: by, group: group, limit: try q.count("limit", fallback: 200, max: 10_000),
                           semantics: d.describer.semantics, title: d.describer.title).json(d.graph)
    }

    /// `/api/members`: the objects of one `top` row (`group`, `key`), largest
    /// retained first, `limit` from `offset`.
    func members(_ q: SiteQuery) throws(SiteFailure) -> String {
        let d = try dump(q)
        let group: TopGrouping = try choice(q, "group", .type)
        guard group != .none, let key = q["key"] else { throw SiteFailure(400, "give group=type|module|owner and key=") }
        let nodes = RetainedTop.members(d.graph, index: d.index, group: group, key: key, semantics: d.describer.semantics)
        var j = JSONWriter()
        j.beginObject()
        j.field("group", group.rawValue)
        j.field("key", key)
        d.page(&j, "objects", nodes, offset: try q.count("offset", fallback: 0, max: Int.max), limit: try q.count("limit", fallback: 100, max: 5000))
        j.endObject()
        return j.text
    }

    /// `/api/select`: the objects a selector selects, as `members`; a bad
    /// selector gets 422 with the parser's `error` (caret line included),
    /// `message`, `offset` and `length`.
    func select(_ q: SiteQuery) throws(SiteFailure) -> SiteResponse {
        let d = try dump(q)
        let text = q["selector"] ?? ""
        guard text.utf8.count <= 4096 else { throw SiteFailure(400, "a selector of more than 4096 bytes") }
        let s: Selector
        do {
            s = try Selector(text, graph: d.graph)
        } catch {
            var j = JSONWriter()
            j.beginObject()
            j.field("error", error.description)
            j.field("message", error.message)
            j.field("offset", error.offset)
            j.field("length", error.length)
            j.field("status", 422)
            j.endObject()
            return .json(j.text, status: 422)
        }
        let nodes = s.select(in: d.graph)
        var j = JSONWriter()
        j.beginObject()
        j.field("selector", text)
        j.field("header", SelectionText.header(s, matched: nodes.count))
        d.page(&j, "objects", nodes, offset: try q.count("offset", fallback: 0, max: Int.max), limit: try q.count("limit", fallback: 100, max: 5000))
        j.endObject()
        return .json(j.text)
    }

    /// `/api/dominators`: the children of `id` in the dominator tree (the
    /// tops without `id`), largest retained first, `limit` from `offset`.
    func dominators(_ q: SiteQuery) throws(SiteFailure) -> String {
        let d = try dump(q)
        let parent = q["id"] == nil ? nil : try node(q, d)
        var j = JSONWriter()
        j.beginObject()
        if let parent { j.field("id", d.graph.idText(parent)) } else { j.key("id"); j.null() }
        j.field("reachable_bytes", d.index.tree.reachableBytes)
        d.page(&j, "children", d.index.children(of: parent), offset: try q.count("offset", fallback: 0, max: Int.max),
               limit: try q.count("limit", fallback: 100, max: 5000))
        j.endObject()
        return j.text
    }

    /// `/api/object`: one object with its referents and referrers (edge
    /// labels, `limit` of each), its immediate dominator and allocation site.
    func object(_ q: SiteQuery) throws(SiteFailure) -> String {
        let d = try dump(q)
        let n = try node(q, d)
        let g = d.graph
        let limit = try q.count("limit", fallback: 200, max: 5000)
        var j = JSONWriter()
        j.beginObject()
        j.key("object")
        j.beginObject()
        d.rowFields(&j, n)
        j.field("reachable", d.index.tree.isReachable(n))
        if let site = d.describer.allocationSite(n) { j.field("alloc_site", site) }
        j.endObject()
        let idom = d.index.tree.idom[Int(n)]
        j.key("dominator")
        if idom < DominatorTree.superRoot { d.row(&j, idom) } else { j.null() }
        j.field("referents_total", g.outEdges(n).count)
        j.key("referents")
        j.beginArray()
        for e in g.outEdges(n).prefix(limit) {
            j.beginObject()
            j.field("edge", g.label(ofEdge: e))
            j.field("weak", g.isWeak(edge: e))
            d.rowFields(&j, g.target(ofEdge: e))
            j.endObject()
        }
        j.endArray()
        j.field("referrers_total", g.inEdges(n).count)
        j.key("referrers")
        j.beginArray()
        for e in g.inEdges(n).prefix(limit) {
            let s = g.source(ofInEdge: e)
            j.beginObject()
            if let f = g.edge(from: s, to: n) { j.field("edge", g.label(ofEdge: f)); j.field("weak", g.isWeak(edge: f)) }
            d.rowFields(&j, s)
            j.endObject()
        }
        j.endArray()
        j.endObject()
        return j.text
    }

    /// Objects the search for further holders may visit on `/api/paths`:
    /// it answers in about a second on a 10M-object heap, where an
    /// unbounded search may visit every ancestor of the object.
    static let holderBudget = 2_000_000

    /// `/api/paths`: `path 'id == ID' --all --json`, up to `paths` holders
    /// (the search for more stops after `holderBudget` objects).
    func paths(_ q: SiteQuery) throws(SiteFailure) -> String {
        let d = try dump(q)
        let n = try node(q, d)
        let k = max(1, try q.count("paths", fallback: 5, max: 50))
        let result = RetentionPaths(d.graph, targets: [n], alternatives: k, alternativeBudget: Self.holderBudget, semantics: d.describer.semantics)
        return result.json(d.graph, selector: "id == " + d.graph.idText(n), describer: d.describer)
    }

    /// `/api/graph.svg`: `render` of one object (`id`) or of a compare
    /// cluster's leak roots (`cluster`, 1-based, in the newest dump), drawn
    /// in-process by Graphviz, with render's options (`mode`, `depth`,
    /// `too_many`, `max_nodes`, `engine`, `all`, `refcounts`, `long_names`).
    func picture(_ q: SiteQuery) throws(SiteFailure) -> SiteResponse {
        var options = RenderOptions()
        let d: ExplorerDump
        let targets: [HeapGraph.Node]
        if let c = q["cluster"] {
            let clusters = try diff().clusters
            guard let i = Int(c), i >= 1, i <= clusters.count else { throw SiteFailure(404, "no cluster \(c): the comparison found \(clusters.count)") }
            d = dumps[dumps.count - 1]
            targets = Array(clusters[i - 1].roots.prefix(5))
            options.mode = .roots
        } else {
            d = try dump(q)
            targets = [try node(q, d)]
            options.mode = try choice(q, "mode", RenderMode.backrefs)
        }
        if q["mode"] != nil { options.mode = try choice(q, "mode", options.mode) }
        options.maxDepth = try q.count("depth", fallback: 3, max: 50)
        options.tooMany = try q.count("too_many", fallback: 10, max: 1000)
        options.maxNodes = max(1, try q.count("max_nodes", fallback: 500, max: 2000))
        options.refcounts = q["refcounts"] == "1"
        options.longNames = q["long_names"] == "1"
        options.alternatives = q["all"] == "1" ? 5 : 1
        let engine: Graphviz.Engine = try choice(q, "engine", .dot)
        let sub: Subgraph
        do { sub = try Subgraph(d.graph, targets: targets, options: options) } catch { throw SiteFailure(422, error.description) }
        let drawing = RenderStyle(d.graph, describer: d.describer, options: options).build(sub)
        // The layout runs outside the explorer's lock (it can take seconds on
        // a dense neighbourhood); Graphviz itself is not thread-safe, so the
        // server runs one at a time.
        var pending = SiteResponse(status: 202, contentType: "application/json; charset=utf-8", body: [])
        pending.deferred = {
            do {
                var r = SiteResponse(status: 200, contentType: "image/svg+xml", body: try Graphviz.render(drawing, format: "svg", engine: engine))
                r.policy = SiteResponse.picturePolicy
                return r
            } catch {
                return .error(422, String(describing: error))
            }
        }
        return pending
    }
}
