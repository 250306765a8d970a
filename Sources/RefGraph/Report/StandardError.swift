#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes to file descriptor 2 without touching C's `stderr` global,
/// which Swift 6 strict concurrency rejects.
public enum StandardError {
    public static func write(_ text: String) {
        var text = text
        text.withUTF8 { buf in
            var off = 0
            while off < buf.count {
                let n = Glibc.write(2, buf.baseAddress! + off, buf.count - off)
                if n <= 0 { return }
                off += n
            }
        }
    }

    /// True when stderr is a terminal.
    public static var isTerminal: Bool { isatty(2) != 0 }
}
