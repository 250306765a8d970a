/// Facts about the dumped process and about the load itself.
public struct DumpInfo: Sendable {
    /// The dump file's path, as the loader was given it.
    public var path: String = ""
    /// The format the dump was read in.
    public var format: DumpFormat = .native
    /// The native header's `version`; 0 for meliae dumps and edge lists.
    public var formatVersion: Int = 0
    /// The dumped interpreter's version, e.g. "3.11.7" (header `python`).
    public var python: String?
    /// The interpreter: "cpython", "pypy", ... (header `implementation`).
    public var implementation: String?
    /// The dumped process; in fork mode the parent, whose heap the child writes.
    public var pid: Int?
    /// Unix time, in seconds, when the dump started.
    public var time: Double?
    /// Resident set size of the process, in bytes.
    public var rss: UInt64?
    /// Peak resident set size of the process (`VmHWM`), in bytes.
    public var peakRSS: UInt64?
    /// Whether the cyclic collector was enabled (header `gc.enabled`).
    public var gcEnabled: Bool?
    /// Whether str/bytes contents were written (header `values`).
    public var valuesWritten: Bool?
    /// Whether tracemalloc was tracing when the dump was taken.
    public var tracemallocTracing: Bool?
    /// Bytes tracemalloc counted as allocated (header `tracemalloc.current`).
    public var tracemallocCurrent: UInt64?
    /// True when the dump ends early and was loaded anyway (`--allow-truncated`).
    public var truncated = false
    /// Records whose address repeats an earlier record's; the first wins.
    public var duplicates = 0
    /// Whether reports show ids in decimal: an edge list whose numeric ids
    /// were all written in decimal (its user's own ids). Addresses of dumps,
    /// and edge lists that use `0x` ids, are shown in hex.
    public var decimalIDs = false
    /// Non-fatal remarks made while loading, each `FILE:LINE: reason`.
    public var warnings: [String] = []

    /// Empty facts, for a loader to fill in.
    public init() {}

    /// The Python version as (major, minor), when known.
    public var pythonVersion: (major: Int, minor: Int)? {
        guard let python else { return nil }
        let parts = python.split(separator: ".").compactMap { Int($0) }
        guard parts.count >= 2 else { return nil }
        return (parts[0], parts[1])
    }
}
