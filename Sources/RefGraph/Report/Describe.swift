/// Human descriptions of objects, shared by every command that prints them:
/// titles and one-line descriptions, escaped for the terminal. What objects
/// belong to (owners, modules) is `HeapSemantics`, which this reads.
public struct Describer {
    /// The graph whose objects it describes.
    public let graph: HeapGraph
    /// Owners and modules, computed once per describer (and its copies).
    public let semantics: HeapSemantics

    /// - Parameter bulk: compute every dict's owner now, for callers that ask about all objects.
    public init(_ graph: HeapGraph, bulk: Bool = false) {
        self.graph = graph
        semantics = HeapSemantics(graph, bulk: bulk)
    }

    /// One line: type, name or owner, short value, size and refcount.
    /// Untrusted text is escaped for the terminal.
    /// `target`: a selected object, its title styled so (`TextStyle`).
    public func line(_ n: HeapGraph.Node, refcounts: Bool = true, target: Bool = false) -> String {
        var s = target ? TextStyle.current.target(title(n)) : title(n)
        var facts: [String] = [TextStyle.current.size(Units.bytes(graph.size(n)))]
        if let l = graph.length(n), graph.typeName(n) != "str" || graph.value(n) == nil { facts.append("len \(Units.count(l))") }
        if refcounts, let r = graph.refcount(n), !graph.flags(n).contains(.immortal) { facts.append("refcount \(r)") }
        let root = graph.rootKind(n)
        if root != .none {
            var r = "root: \(root.name)"
            if let u = graph.unexplained[n] { r += " (\(u) unexplained ref\(u == 1 ? "" : "s"))" }
            facts.append(r)
        } else if graph.isHeldFromC(n), let u = graph.unexplained[n] {
            facts.append("+\(u) ref\(u == 1 ? "" : "s") from C")
        }
        if graph.finalizer(n) != .none { facts.append("finalizer \(graph.finalizer(n).name)") }
        if graph.flags(n).contains(.garbage) { facts.append("in gc.garbage") }
        if graph.flags(n).contains(.placeholder) { facts.append("no record in dump") }
        s += "  (" + facts.joined(separator: ", ") + ")"
        return s
    }

    /// Where `n` was allocated, as reports print it: the innermost frame of
    /// its tracemalloc traceback outside the standard library (the frame
    /// that names the user's code), `file:line` with a long path cut from the
    /// left; nil when the dump has no site for it. Cost: one split of the
    /// node's interned traceback.
    public func allocationSite(_ n: HeapGraph.Node) -> String? { allocationSite(site: graph.allocationSite(n)) }

    /// `allocationSite(_:)` of a site number (HeapGraph.allocationSite).
    public func allocationSite(site: UInt32) -> String? {
        let frames = graph.allocationFrames(site: site)
        guard let first = frames.first else { return nil }
        let site = frames.first { !Self.isLibraryFrame($0) } ?? first
        return Escape.terminal(site.count > 70 ? "…" + String(site.suffix(69)) : site)
    }

    /// A frame of the standard library, a frozen module or the exporter:
    /// `…/lib/python3.11/json/decoder.py:353`, `<frozen importlib._bootstrap>:241`.
    static func isLibraryFrame(_ frame: String) -> Bool {
        if frame.hasPrefix("<") { return true }
        if frame.contains("/refgraph_export/") { return true }
        guard let r = frame.firstRange(of: "/lib/python") else { return false }
        let rest = frame[r.upperBound...]
        return !rest.contains("/site-packages/") && !rest.contains("/dist-packages/")
    }

    /// The name as reports show it: a lambda as `<lambda> file:line`, as
    /// objgraph shows it (the dump's `module.<lambda> file:line` keeps the
    /// module, which the `module` selector field still sees).
    public func displayName(_ n: HeapGraph.Node) -> String? {
        guard let name = graph.name(n) else { return nil }
        if let r = name.firstRange(of: ".<lambda> ") { return String(name[name.index(after: r.lowerBound)...]) }
        return name
    }

    /// Type plus name, owner or short value, and the address.
    public func title(_ n: HeapGraph.Node) -> String {
        var s = Escape.terminal(graph.typeName(n))
        if graph.flags(n).contains(.symbolicID) {
            s += " " + Escape.terminal(graph.name(n) ?? "")
            return s
        }
        if let name = displayName(n) {
            s += " " + Escape.terminal(name)
        } else if let o = semantics.owner(n) {
            s += " of " + Escape.terminal(o)
        } else if let v = graph.value(n) {
            s += " " + Escape.terminal(Escape.cut(v, 40))
        }
        return s + " " + graph.idText(n)
    }
}
