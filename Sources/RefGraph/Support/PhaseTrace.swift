#if canImport(Glibc)
import Glibc
#endif

/// Checkpoints for profiling a real dump: with `REFGRAPH_TRACE=1` in the
/// environment, each mark prints to stderr the seconds since the previous
/// mark and the process's current and peak RSS, so the phase that costs
/// the time or raises the peak can be found without a profiler.
public enum PhaseTrace {
    private static let enabled = getenv("REFGRAPH_TRACE") != nil
    nonisolated(unsafe) private static var last = now()

    /// Prints `phase` with the time since the last mark and the current and peak
    /// RSS; does nothing unless `REFGRAPH_TRACE` is set.
    public static func mark(_ phase: String) {
        guard enabled else { return }
        let t = now()
        var out = phase + "  +" + fixedPoint(t - last, digits: 3) + " s"
        last = t
        if let f = fopen("/proc/self/status", "r") {
            defer { fclose(f) }
            var line = [CChar](repeating: 0, count: 512)
            while fgets(&line, 512, f) != nil {
                let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                if text.hasPrefix("VmRSS") || text.hasPrefix("VmHWM") {
                    out += "  " + text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).joined(separator: " ")
                }
            }
        }
        StandardError.write(out + "\n")
    }

    private static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
