#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a whole file or nothing: the bytes go to a new temporary name in
/// the target's directory (created with O_EXCL, never following a link) and
/// are renamed over the target once every write and the close succeeded.
/// A reader sees the old file or the new one, never half of one.
/// Cost: one pass over the bytes.
public enum AtomicFile {
    /// Why the file was not written, with the system's words.
    public struct Failure: Error, CustomStringConvertible {
        /// `cannot create ...: Permission denied` and the like.
        public var description: String
    }

    /// Replaces `path` with `bytes`; on failure `path` is untouched and no
    /// temporary file is left.
    public static func write(_ bytes: [UInt8], to path: String) throws(Failure) {
        var tmp = ""
        var fd: Int32 = -1
        for _ in 0..<16 {
            tmp = path + ".tmp-\(getpid())-" + String(UInt64.random(in: 0...UInt64.max), radix: 16)
            fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o666)
            if fd >= 0 || errno != EEXIST { break }
        }
        guard fd >= 0 else { throw Failure(description: "cannot create a file beside it: " + reason()) }
        var done = 0
        var failed: String?
        bytes.withUnsafeBytes { p in
            while done < p.count {
                let n = Glibc.write(fd, p.baseAddress! + done, p.count - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    failed = reason()
                    return
                }
                done += n
            }
        }
        if close(fd) != 0 && failed == nil { failed = reason() }
        if failed == nil && rename(tmp, path) != 0 { failed = reason() }
        if let failed {
            unlink(tmp)
            throw Failure(description: failed)
        }
    }

    private static func reason() -> String { String(cString: strerror(errno)) }
}
