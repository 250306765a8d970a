/// A small picture to draw: nodes and edges with Graphviz attributes.
/// Built by the render selection, drawn by `Graphviz.render`.
public struct RenderGraph: Sendable {
    public struct Node: Sendable {
        /// Unique key within the graph (not shown).
        public var key: String
        /// Plain attributes (`shape`, `style`, `tooltip`, ...), set verbatim
        /// through cgraph, so no DOT escaping is involved.
        public var attributes: [String: String]
        /// An HTML-like label, already escaped (see `Escape.xml`).
        public var htmlLabel: String?

        public init(key: String, attributes: [String: String] = [:], htmlLabel: String? = nil) {
            self.key = key
            self.attributes = attributes
            self.htmlLabel = htmlLabel
        }
    }

    public struct Edge: Sendable {
        public var from: Int
        public var to: Int
        public var attributes: [String: String]
        /// An HTML-like label, already escaped.
        public var htmlLabel: String?

        public init(from: Int, to: Int, attributes: [String: String] = [:]) {
            self.from = from
            self.to = to
            self.attributes = attributes
        }
    }

    public var nodes: [Node] = []
    public var edges: [Edge] = []
    public var graphAttributes: [String: String] = [:]
    public var nodeDefaults: [String: String] = [:]
    public var edgeDefaults: [String: String] = [:]

    public init() {}

    @discardableResult
    public mutating func add(_ node: Node) -> Int {
        nodes.append(node)
        return nodes.count - 1
    }
}
