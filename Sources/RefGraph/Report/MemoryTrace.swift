#if canImport(Glibc)
import Glibc
#endif

/// Resident-memory checkpoints for profiling: with `REFGRAPH_DEBUG_RSS=1` in
/// the environment, each mark prints the process's current and peak RSS to
/// stderr, so a phase that raises the peak can be found on a real dump.
public enum MemoryTrace {
    private static let enabled = getenv("REFGRAPH_DEBUG_RSS") != nil

    public static func mark(_ phase: String) {
        guard enabled else { return }
        guard let f = fopen("/proc/self/status", "r") else { return }
        defer { fclose(f) }
        var line = [CChar](repeating: 0, count: 512)
        var out = phase
        while fgets(&line, 512, f) != nil {
            let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if text.hasPrefix("VmRSS") || text.hasPrefix("VmHWM") {
                out += "  " + text.filter { $0 != "\n" && $0 != "\t" }.split(separator: " ").joined(separator: " ")
            }
        }
        StandardError.write(out + "\n")
    }
}
