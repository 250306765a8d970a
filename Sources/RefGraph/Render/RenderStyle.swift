/// Turns a `Subgraph` into a styled `RenderGraph`: targets, roots, modules,
/// module dicts and finalizer objects are each recognisable at a glance, and
/// every untrusted string is escaped for Graphviz.
public struct RenderStyle {
    /// The heap the pictures show.
    public let graph: HeapGraph
    /// Words objects for tooltips and tells module dicts and owners apart.
    public let describer: Describer
    /// `longNames` and `refcounts` shape the labels; `tooMany` is named in
    /// the "+N more" boxes.
    public var options: RenderOptions
    /// Objects outlined in red (`--highlight`); nil for none.
    public var highlight: ((HeapGraph.Node) -> Bool)?

    /// A style for pictures of `graph`.
    public init(_ graph: HeapGraph, describer: Describer, options: RenderOptions, highlight: ((HeapGraph.Node) -> Bool)? = nil) {
        self.graph = graph
        self.describer = describer
        self.options = options
        self.highlight = highlight
    }

    /// The styled picture of `sub`: a box per object, an arrow per edge (weak
    /// ones dashed), and note boxes for path gaps and elided neighbours.
    public func build(_ sub: Subgraph) -> RenderGraph {
        var r = RenderGraph()
        r.graphAttributes = ["rankdir": "TB", "fontname": "Helvetica", "bgcolor": "white", "nodesep": "0.3", "ranksep": "0.45"]
        r.nodeDefaults = ["shape": "box", "style": "filled,rounded", "fontname": "Helvetica", "fontsize": "10", "fillcolor": "#eeeeee", "color": "#555555", "margin": "0.08,0.04"]
        r.edgeDefaults = ["fontname": "Helvetica", "fontsize": "9", "color": "#555555", "fontcolor": "#333333", "arrowsize": "0.7"]
        var index: [HeapGraph.Node: Int] = [:]
        let maxDepth = max(1, sub.depth.values.max() ?? 1)
        let moduleType = graph.strings.lookup("module")
        for n in sub.nodes {
            var attrs: [String: String] = [:]
            let role = roleLabel(n, sub)
            // never terminal colour in a picture, whatever stdout is
            let line = TextStyle.$current.withValue(.plain) { describer.line(n) }
            attrs["tooltip"] = Escape.graphvizString(line + "\nid " + graph.idText(n))
            attrs["id"] = "obj" + String(graph.address(n), radix: 16)
            // Depth shading, as objgraph does: targets warm, far nodes pale.
            let d = Double(sub.depth[n] ?? 0) / Double(maxDepth)
            attrs["fillcolor"] = "0.08 " + fixedPoint(0.45 * (1 - d) + 0.05, digits: 3) + " 1.0"
            // Shape says what it is (module: tab, module dict: folder); colour says its role.
            if graph.typeIDs[Int(n)] == moduleType { attrs["fillcolor"] = "#a5d6a7"; attrs["shape"] = "tab" }
            else if let (kind, _) = describer.semantics.ownerOf(n), kind == .module { attrs["fillcolor"] = "#c5e1a5"; attrs["shape"] = "folder" }
            if graph.rootKind(n) != .none { attrs["style"] = "filled,bold"; attrs["fillcolor"] = "#ff8a80"; attrs["penwidth"] = "2.5" }
            if sub.targets.contains(n) { attrs["fillcolor"] = "#ffb347"; attrs["penwidth"] = "2.5" }
            if graph.finalizer(n) != .none { attrs["peripheries"] = "2"; attrs["color"] = "#b71c1c" }
            if let highlight, highlight(n) { attrs["color"] = "#d50000"; attrs["penwidth"] = "3" }
            if graph.flags(n).contains(.garbage) { attrs["style"] = (attrs["style"] ?? "filled,rounded") + ",dashed" }
            index[n] = r.add(.init(key: "n\(n)", attributes: attrs, htmlLabel: label(n, role: role)))
        }
        for e in sub.edges {
            let s = graph.reverseSourceOfForward(e), t = graph.target(ofEdge: e)
            guard let a = index[s], let b = index[t] else { continue }
            var attrs: [String: String] = [:]
            let text = graph.label(ofEdge: e)
            if graph.isWeak(edge: e) { attrs["style"] = "dashed" }
            var edge = RenderGraph.Edge(from: a, to: b, attributes: attrs)
            if !text.isEmpty { edge.htmlLabel = Escape.graphvizHTML(Escape.cut(Escape.terminal(text), 32)) }
            r.edges.append(edge)
        }
        for (k, gap) in sub.gaps.enumerated() {
            guard let a = index[gap.from], let b = index[gap.to] else { continue }
            let box = r.add(.init(key: "gap\(k)", attributes: [
                "shape": "note", "style": "filled", "fillcolor": "#fff9c4",
                "label": "… \(Units.count(gap.hops)) hops …", "tooltip": "\(Units.count(gap.hops)) hops of this path are not drawn",
            ]))
            r.edges.append(.init(from: a, to: box, attributes: ["style": "dotted"]))
            r.edges.append(.init(from: box, to: b, attributes: ["style": "dotted"]))
        }
        for box in sub.elided {
            guard let at = index[box.node] else { continue }
            let word = sub.mode == .refs ? "referents" : "referrers"
            let k = r.add(.init(key: "more\(box.node)", attributes: [
                "shape": "note", "style": "filled", "fillcolor": "#fff9c4",
                "label": "+\(Units.count(box.count)) more \(word)", "tooltip": "\(Units.count(box.count)) more \(word) not drawn (--too-many \(options.tooMany))",
            ]))
            r.edges.append(sub.mode == .refs ? .init(from: at, to: k, attributes: ["style": "dotted"]) : .init(from: k, to: at, attributes: ["style": "dotted"]))
        }
        return r
    }

    private func roleLabel(_ n: HeapGraph.Node, _ sub: Subgraph) -> String? {
        let k = graph.rootKind(n)
        if k != .none {
            if let u = graph.unexplained[n] { return "root: \(k.name) (\(u) unexplained)" }
            return "root: \(k.name)"
        }
        if sub.targets.contains(n) { return "target" }
        return nil
    }

    /// An HTML-like label: type, name/owner/value, size. Every piece is escaped.
    func label(_ n: HeapGraph.Node, role: String?) -> String {
        var type = graph.typeName(n)
        if !options.longNames, let dot = type.lastIndex(of: ".") { type = String(type[type.index(after: dot)...]) }
        var rows = ["<B>" + Escape.graphvizHTML(Escape.cut(type, 40)) + "</B>"]
        if let name = graph.name(n) {
            var shown = name
            if !options.longNames, let dot = name.lastIndex(of: "."), graph.typeName(n) != "module" { shown = String(name[name.index(after: dot)...]) }
            rows.append(Escape.graphvizHTML(Escape.cut(shown, 40)))
        } else if let o = describer.semantics.owner(n) {
            rows.append("of " + Escape.graphvizHTML(Escape.cut(o, 40)))
        } else if let v = graph.value(n) {
            rows.append("<I>" + Escape.graphvizHTML(Escape.cut(Escape.terminal(v), 40)) + "</I>")
        }
        var facts = Units.bytes(graph.size(n))
        if let l = graph.length(n) { facts += ", len \(Units.count(l))" }
        if options.refcounts, let rc = graph.refcount(n) {
            facts += ", refcount \(rc)"
            if let u = graph.unexplained[n] { facts += " (\(u) unexplained)" }
        }
        rows.append("<FONT POINT-SIZE=\"8\">" + Escape.graphvizHTML(facts) + "</FONT>")
        if let role { rows.append("<FONT POINT-SIZE=\"8\" COLOR=\"#b71c1c\">" + Escape.graphvizHTML(role) + "</FONT>") }
        return rows.joined(separator: "<BR/>")
    }
}
