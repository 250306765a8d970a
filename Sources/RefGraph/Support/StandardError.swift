#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes to file descriptor 2 without touching C's `stderr` global,
/// which Swift 6 strict concurrency rejects.
public enum StandardError {
    /// Writes `text` whole, retrying short writes; stops silently on an error.
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

/// Report text to stdout through `write(2)`, every byte checked: a full disk
/// or `/dev/full` is an error the caller reports, not a truncated report
/// that exits 0.
public enum StandardOutput {
    /// Writes `text` whole; the `errno` of the failure, or nil when all was written.
    public static func write(_ text: String) -> Int32? {
        var text = text
        return text.withUTF8 { writeFully(1, UnsafeRawBufferPointer($0)) }
    }
}

/// Writes every byte of `bytes` to `fd`, retrying short and interrupted
/// writes; the `errno` of a failure, or nil when all was written.
public func writeFully(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Int32? {
    var off = 0
    while off < bytes.count {
        let n = Glibc.write(fd, bytes.baseAddress! + off, bytes.count - off)
        if n < 0 && errno == EINTR { continue }
        if n <= 0 { return n < 0 ? errno : EIO }
        off += n
    }
    return nil
}

