/// Facts about the dumped process and about the load itself.
public struct DumpInfo: Sendable {
    public var path: String = ""
    public var format: DumpFormat = .native
    public var formatVersion: Int = 0
    public var python: String?
    public var implementation: String?
    public var pid: Int?
    public var time: Double?
    /// Resident set size of the process, in bytes.
    public var rss: UInt64?
    public var peakRSS: UInt64?
    public var gcEnabled: Bool?
    public var valuesWritten: Bool?
    public var tracemallocTracing: Bool?
    public var tracemallocCurrent: UInt64?
    /// True when the dump ends early and was loaded anyway (`--allow-truncated`).
    public var truncated = false
    /// Records whose address repeats an earlier record's; the first wins.
    public var duplicates = 0
    /// Non-fatal remarks made while loading, each `FILE:LINE: reason`.
    public var warnings: [String] = []

    public init() {}

    /// The Python version as (major, minor), when known.
    public var pythonVersion: (major: Int, minor: Int)? {
        guard let python else { return nil }
        let parts = python.split(separator: ".").compactMap { Int($0) }
        guard parts.count >= 2 else { return nil }
        return (parts[0], parts[1])
    }
}
