/// A small picture to draw: nodes and edges with Graphviz attributes.
/// Built by the render selection, drawn by `Graphviz.render`.
public struct RenderGraph: Sendable {
    /// A box to draw: an object, or a note standing for hops or neighbours left out.
    public struct Node: Sendable {
        /// Unique key within the graph (not shown).
        public var key: String
        /// Plain attributes (`shape`, `style`, `tooltip`, ...), set verbatim
        /// through cgraph, so no DOT escaping is involved.
        public var attributes: [String: String]
        /// An HTML-like label, already escaped (see `Escape.xml`).
        public var htmlLabel: String?

        /// A node with its key, plain attributes and optional HTML-like label.
        public init(key: String, attributes: [String: String] = [:], htmlLabel: String? = nil) {
            self.key = key
            self.attributes = attributes
            self.htmlLabel = htmlLabel
        }
    }

    /// An arrow to draw, between two nodes given by their index in `nodes`.
    public struct Edge: Sendable {
        /// Index in `nodes` of the node the arrow starts at.
        public var from: Int
        /// Index in `nodes` of the node the arrow points to.
        public var to: Int
        /// Plain attributes (`style`, ...), set verbatim through cgraph.
        public var attributes: [String: String]
        /// An HTML-like label, already escaped.
        public var htmlLabel: String?

        /// An unlabelled edge from node index `from` to node index `to`.
        public init(from: Int, to: Int, attributes: [String: String] = [:]) {
            self.from = from
            self.to = to
            self.attributes = attributes
        }
    }

    /// The nodes, in drawing order; edges refer to them by index.
    public var nodes: [Node] = []
    /// The edges.
    public var edges: [Edge] = []
    /// Attributes of the graph itself (`rankdir`, `bgcolor`, ...).
    public var graphAttributes: [String: String] = [:]
    /// Attributes every node has unless it sets its own.
    public var nodeDefaults: [String: String] = [:]
    /// Attributes every edge has unless it sets its own.
    public var edgeDefaults: [String: String] = [:]

    /// An empty picture.
    public init() {}

    /// Appends `node` and returns its index, for `Edge`.
    @discardableResult
    public mutating func add(_ node: Node) -> Int {
        nodes.append(node)
        return nodes.count - 1
    }
}
