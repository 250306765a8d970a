/// How to load a dump.
public struct LoadOptions: Sendable {
    /// Load a dump that ends early instead of refusing it; reports say it is partial.
    public var allowTruncated = false
    /// A node table for an edge list (`--nodes`).
    public var nodeTable: String? = nil
    /// Show a progress bar on stderr (only drawn when stderr is a terminal).
    public var progress = true

    public init(allowTruncated: Bool = false, nodeTable: String? = nil, progress: Bool = true) {
        self.allowTruncated = allowTruncated
        self.nodeTable = nodeTable
        self.progress = progress
    }
}
