#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A one-line progress bar on stderr, drawn only when stderr is a terminal
/// and the file is large enough for the wait to be noticed.
struct Progress {
    let label: String
    let total: Int
    let enabled: Bool

    init(label: String, total: Int, enabled: Bool) {
        self.label = label
        self.total = total
        self.enabled = enabled && total > (8 << 20) && isatty(2) != 0
    }

    func update(_ done: Int) {
        guard enabled else { return }
        let pct = min(100, done * 100 / max(total, 1))
        let bar = String(repeating: "#", count: pct / 4) + String(repeating: ".", count: 25 - pct / 4)
        let line = "\rloading \(Escape.terminal(label)) [\(bar)] \(pct)% "
        StandardError.write(line)
    }

    func finish() {
        guard enabled else { return }
        StandardError.write("\r\u{1b}[K")
    }
}
