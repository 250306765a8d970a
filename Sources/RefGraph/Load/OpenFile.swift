#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Opening an input without ever blocking: `open` on a FIFO with no writer
/// waits forever, so every input is opened non-blocking and its kind decided
/// from `fstat` before anything reads it.
struct OpenFile {
    enum Kind { case regular, directory, pipe, other }

    let fd: Int32
    let status: stat

    var kind: Kind {
        switch status.st_mode & S_IFMT {
        case S_IFREG: return .regular
        case S_IFDIR: return .directory
        case S_IFIFO, S_IFSOCK: return .pipe
        default: return .other
        }
    }

    /// Opens `path` read-only and non-blocking; nil with `errno` set on failure.
    /// The caller closes `fd`.
    static func at(_ path: String) -> OpenFile? {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            let saved = errno
            close(fd)
            errno = saved
            return nil
        }
        return OpenFile(fd: fd, status: st)
    }

    /// Whether `path` names a regular file (after symlinks), without opening it.
    static func isRegular(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && st.st_mode & S_IFMT == S_IFREG
    }
}
