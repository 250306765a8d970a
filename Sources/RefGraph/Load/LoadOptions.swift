/// How to load a dump.
public struct LoadOptions: Sendable {
    /// Load a dump that ends early instead of refusing it; reports say it is partial.
    public var allowTruncated = false
    /// A node table for an edge list (`--nodes`).
    public var nodeTable: String? = nil
    /// Show a progress bar on stderr (only drawn when stderr is a terminal).
    public var progress = true
    /// Large JSON-lines dumps are read in two passes (addresses first), which
    /// never holds every reference's raw address at once. Tests turn it off
    /// to check that both ways build the same graph.
    public var twoPass = true
    /// Big edge lists are read on a second thread while this one numbers the
    /// ids (`NumericLinePipeline`), where a second processor is online.
    /// Tests turn it off to check that both ways build the same graph.
    public var secondThread = true
    /// The binary index cache next to the dump (`DUMP.rgidx`).
    public var cache: CacheMode = .off
    /// Which objects with references from C are roots (docs/ROOTS.md).
    public var cRoots: CRoots = .unreached

    /// When to read and write the index cache (`--cache`).
    public enum CacheMode: String, Sendable, CaseIterable {
        /// Neither read nor write.
        case off
        /// Read a valid cache; write one after parsing a dump larger than `autoThreshold`.
        case auto
        /// Read a valid cache; always write one after parsing.
        case on
    }

    /// Dumps smaller than this parse fast enough not to need a cache.
    public static let autoThreshold = 64 << 20

    /// Options with the given values; `twoPass` stays on.
    public init(allowTruncated: Bool = false, nodeTable: String? = nil, progress: Bool = true, cache: CacheMode = .off,
                cRoots: CRoots = .unreached) {
        self.cRoots = cRoots
        self.allowTruncated = allowTruncated
        self.nodeTable = nodeTable
        self.progress = progress
        self.cache = cache
    }
}
