#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a whole file or nothing. A new file, or a regular file being
/// replaced, is written under a temporary name in its directory (created
/// with O_EXCL) and renamed over the target once every write and the close
/// succeeded: a reader sees the old file or the new one, never half of one.
/// The replaced file's permission bits are kept. A symbolic link is followed:
/// the regular file it names is replaced and the link stays. Anything else
/// (a device such as /dev/null or a terminal, a FIFO, a link to one, a
/// dangling link) is opened and written in place, as a shell's `>` would,
/// never replaced by a regular file.
/// Cost: one pass over the bytes.
public enum AtomicFile {
    /// Why the file was not written, with the system's words.
    public struct Failure: Error, CustomStringConvertible {
        /// `cannot create ...: Permission denied` and the like.
        public var description: String
    }

    /// Writes `bytes` to `path` as described above; on failure a replaced
    /// file is untouched and no temporary file is left.
    public static func write(_ bytes: [UInt8], to path: String) throws(Failure) {
        var link = stat()
        guard lstat(path, &link) == 0 else { return try replace(bytes, at: path, mode: nil) }
        var target = stat()
        let followed = stat(path, &target) == 0
        guard followed, target.st_mode & S_IFMT == S_IFREG else { return try writeInPlace(bytes, path) }
        if link.st_mode & S_IFMT == S_IFLNK {
            guard let real = realpath(path, nil) else { return try writeInPlace(bytes, path) }
            defer { free(real) }
            return try replace(bytes, at: String(cString: real), mode: target.st_mode & 0o7777)
        }
        try replace(bytes, at: path, mode: target.st_mode & 0o7777)
    }

    /// The temporary-name-and-rename write; `mode`: the bits to keep.
    private static func replace(_ bytes: [UInt8], at path: String, mode: mode_t?) throws(Failure) {
        let dir = path.lastIndex(of: "/").map { String(path[...$0]) } ?? ""
        var tmp = ""
        var fd: Int32 = -1
        for _ in 0..<16 {
            // Short, whatever the target's length: a name near NAME_MAX still fits.
            tmp = dir + ".refgraph-\(getpid())-" + String(UInt64.random(in: 0...UInt64.max), radix: 16) + ".tmp"
            fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o666)
            if fd >= 0 || errno != EEXIST { break }
        }
        guard fd >= 0 else { throw Failure(description: "cannot create a file beside it: " + reason()) }
        var failed = writeAll(fd, bytes)
        if failed == nil, let mode, fchmod(fd, mode) != 0 { failed = reason() }
        if close(fd) != 0 && failed == nil { failed = reason() }
        if failed == nil && rename(tmp, path) != 0 { failed = reason() }
        if let failed {
            unlink(tmp)
            throw Failure(description: failed)
        }
    }

    /// Opens `path` (following links) and writes into it.
    private static func writeInPlace(_ bytes: [UInt8], _ path: String) throws(Failure) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o666)
        guard fd >= 0 else { throw Failure(description: reason()) }
        var failed = writeAll(fd, bytes)
        if close(fd) != 0 && failed == nil { failed = reason() }
        if let failed { throw Failure(description: failed) }
    }

    /// Writes every byte to `fd` (`writeFully`); the reason of a failure, or
    /// nil. Used for `-o -` (stdout) too.
    public static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> String? {
        bytes.withUnsafeBytes { writeFully(fd, $0) }.map { String(cString: strerror($0)) }
    }

    private static func reason() -> String { String(cString: strerror(errno)) }
}
