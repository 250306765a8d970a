import CZlib
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The bytes of a dump file: memory-mapped when plain, inflated into memory
/// when gzip-compressed. Owns the memory and releases it on deinit.
final class DumpBytes: @unchecked Sendable {
    let base: UnsafePointer<UInt8>
    let count: Int
    private let mapped: Bool
    private let storage: UnsafeMutableRawPointer?
    /// For a mapped file: the open file (to see its size change) and the
    /// guard that turns reads past a new end into zero pages.
    private let fd: Int32
    private var guardian: MapGuard?

    /// Size of the file on disk (compressed size for .gz).
    let fileSize: Int
    let wasCompressed: Bool

    /// Where the data starts: 3 after a UTF-8 byte-order mark, else 0.
    /// (Editors and spreadsheets on Windows write one; it is not data.)
    let dataStart: Int

    /// The one place the stored properties are set.
    private init(base: UnsafePointer<UInt8>, count: Int, storage: UnsafeMutableRawPointer?, mapped: Bool,
                 fd: Int32 = -1, guardian: MapGuard? = nil, fileSize: Int, wasCompressed: Bool) {
        self.base = base
        self.count = count
        self.storage = storage
        self.mapped = mapped
        self.fd = fd
        self.guardian = guardian
        self.fileSize = fileSize
        self.wasCompressed = wasCompressed
        self.dataStart = count >= 3 && base[0] == 0xEF && base[1] == 0xBB && base[2] == 0xBF ? 3 : 0
    }

    /// Memory of our own (malloc'd): read, inflated or empty.
    private convenience init(owning buffer: UnsafeMutableRawPointer, count: Int, fileSize: Int, wasCompressed: Bool) {
        self.init(base: UnsafePointer(buffer.assumingMemoryBound(to: UInt8.self)), count: count, storage: buffer,
                  mapped: false, fileSize: fileSize, wasCompressed: wasCompressed)
    }

    /// Bytes already in memory (fuzzing, tests); gzip is inflated.
    convenience init(copying data: UnsafeRawBufferPointer, name: String) throws(LoadError) {
        let raw = malloc(max(data.count, 1))!
        if data.count > 0 { memcpy(raw, data.baseAddress!, data.count) }
        let (buffer, length, compressed) = try Self.own(raw, data.count, name: name)
        self.init(owning: buffer, count: length, fileSize: data.count, wasCompressed: compressed)
    }

    /// Takes `buffer` (malloc'd, `length` bytes); gzip is inflated into a new
    /// buffer and `buffer` freed.
    private static func own(_ buffer: UnsafeMutableRawPointer, _ length: Int, name: String) throws(LoadError) -> (UnsafeMutableRawPointer, Int, Bool) {
        let p = buffer.assumingMemoryBound(to: UInt8.self)
        guard length >= 2, p[0] == 0x1f, p[1] == 0x8b else { return (buffer, length, false) }
        defer { free(buffer) }
        let (out, n) = try inflate(UnsafePointer(p), length, path: name)
        return (out, n, true)
    }

    convenience init(path: String) throws(LoadError) {
        guard let file = OpenFile.at(path) else {
            throw LoadError(file: path, line: 0, reason: "cannot open: \(String(cString: strerror(errno)))")
        }
        let fd = file.fd
        var keepOpen = false
        defer { if !keepOpen { close(fd) } }
        switch file.kind {
        case .regular: break
        case .directory: throw LoadError(file: path, line: 0, reason: "is a directory, not a dump")
        case .other: throw LoadError(file: path, line: 0, reason: "is not a regular file or a pipe (a device?)")
        case .pipe:
            // A pipe is read to its end, then parsed like a file in memory.
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
            let (raw, rawLength) = try Self.readAll(fd, path: path)
            let (buffer, length, compressed) = try Self.own(raw, rawLength, name: path)
            self.init(owning: buffer, count: length, fileSize: rawLength, wasCompressed: compressed)
            return
        }
        let size = Int(file.status.st_size)
        if size == 0 {
            self.init(owning: malloc(1)!, count: 0, fileSize: 0, wasCompressed: false)
            return
        }
        guard let m = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), m != MAP_FAILED else {
            throw LoadError(file: path, line: 0, reason: "cannot map: \(String(cString: strerror(errno)))")
        }
        _ = madvise(m, size, MADV_SEQUENTIAL)
        var guardian: MapGuard? = MapGuard(m, length: size)
        let bytes = m.assumingMemoryBound(to: UInt8.self)
        guard size >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b else {
            keepOpen = true
            self.init(base: UnsafePointer(bytes), count: size, storage: m, mapped: true, fd: fd, guardian: guardian,
                      fileSize: size, wasCompressed: false)
            return
        }
        defer { guardian = nil; munmap(m, size) }
        let inflated: (UnsafeMutableRawPointer, Int)
        do {
            inflated = try Self.inflate(UnsafePointer(bytes), size, path: path)
        } catch {
            if (guardian?.faults ?? 0) > 0 { throw Self.shrank(path, was: size, fd: fd, base: nil) }
            throw error
        }
        if (guardian?.faults ?? 0) > 0 { free(inflated.0); throw Self.shrank(path, was: size, fd: fd, base: nil) }
        self.init(owning: inflated.0, count: inflated.1, fileSize: size, wasCompressed: true)
    }

    /// Throws when the mapped file shrank while it was read: reads past its
    /// new end saw zero pages, so what was parsed is not the file.
    func checkUnchanged(_ path: String) throws(LoadError) {
        guard mapped else { return }
        var st = stat()
        let now = fstat(fd, &st) == 0 ? Int(st.st_size) : count
        if (guardian?.faults ?? 0) > 0 || now < count { throw Self.shrank(path, was: count, fd: fd, base: base) }
    }

    /// The error for a file that shrank to below `size` bytes, at the line
    /// where it now ends (counted in the part of the mapping still backed by it).
    private static func shrank(_ path: String, was size: Int, fd: Int32, base: UnsafePointer<UInt8>?) -> LoadError {
        var st = stat()
        let known = fstat(fd, &st) == 0
        let now = known ? "\(st.st_size) bytes" : "unknown"
        let end = known ? max(0, min(Int(st.st_size), size)) : 0
        let line = base.map { countLines($0, end) } ?? 1
        return LoadError(file: path, line: line, reason: "the file shrank while it was read (\(size) bytes when opened, \(now) now, ending on this line): copy it or take the dump again")
    }

    /// Tells the kernel that bytes before `offset` will not be read again,
    /// so a streaming load of a mapped file does not keep them resident.
    /// How far a reader gets between two `release` calls: mapped pages of the
    /// file count in RSS until released, so this bounds them.
    static let releaseEvery = 8 << 20

    func release(before offset: Int) {
        guard mapped, let storage else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let end = (offset / page) * page
        if end > 0 { _ = madvise(storage, end, MADV_DONTNEED) }
    }

    deinit {
        guardian = nil
        if mapped, let storage { munmap(storage, count) } else if let storage { free(storage) }
        if fd >= 0 { close(fd) }
    }

    /// Reads `fd` (a pipe) to its end into malloc'd memory.
    private static func readAll(_ fd: Int32, path: String) throws(LoadError) -> (UnsafeMutableRawPointer, Int) {
        var capacity = 1 << 20, length = 0
        guard var buffer = malloc(capacity) else { throw LoadError(file: path, line: 0, reason: "out of memory reading the pipe") }
        while true {
            if length == capacity {
                capacity *= 2
                guard let grown = realloc(buffer, capacity) else {
                    free(buffer)
                    throw LoadError(file: path, line: 0, reason: "out of memory reading the pipe")
                }
                buffer = grown
            }
            let n = read(fd, buffer + length, capacity - length)
            if n == 0 { break }
            if n < 0 {
                if errno == EINTR { continue }
                let reason = String(cString: strerror(errno))
                free(buffer)
                throw LoadError(file: path, line: 0, reason: "cannot read the pipe: \(reason)")
            }
            length += n
        }
        return (buffer, length)
    }

    /// Inflates a whole gzip file (several members allowed) into malloc'd memory.
    private static func inflate(_ input: UnsafePointer<UInt8>, _ size: Int, path: String) throws(LoadError) -> (UnsafeMutableRawPointer, Int) {
        var capacity = max(size * 4, 1 << 16)
        guard var out = malloc(capacity) else { throw LoadError(file: path, line: 0, reason: "out of memory inflating gzip") }
        var produced = 0
        var consumed = 0
        var shape = BombCheck()
        func lineOfError() -> Int { produced == 0 ? 1 : countLines(out.assumingMemoryBound(to: UInt8.self), produced) }
        while consumed < size {
            var stream = z_stream()
            guard rg_inflate_init_gzip(&stream) == Z_OK else {
                free(out)
                throw LoadError(file: path, line: 0, reason: "cannot initialise zlib")
            }
            stream.next_in = UnsafeMutablePointer(mutating: input + consumed)
            let chunkIn = min(size - consumed, Int(UInt32.max))
            stream.avail_in = uInt(chunkIn)
            var status: Int32 = Z_OK
            while status == Z_OK {
                if produced == capacity {
                    capacity *= 2
                    guard let grown = realloc(out, capacity) else {
                        inflateEnd(&stream)
                        free(out)
                        throw LoadError(file: path, line: 0, reason: "out of memory inflating gzip")
                    }
                    out = grown
                }
                let room = min(capacity - produced, Int(UInt32.max))
                stream.next_out = out.assumingMemoryBound(to: UInt8.self) + produced
                stream.avail_out = uInt(room)
                status = CZlib.inflate(&stream, Z_NO_FLUSH)
                let before = produced
                produced += room - Int(stream.avail_out)
                // Dumps compress 3-15x; only what expands far more is scanned.
                let read = consumed + chunkIn - Int(stream.avail_in)
                if produced > BombCheck.ratio * max(read, 1 << 20),
                   let reason = shape.scan(out.assumingMemoryBound(to: UInt8.self), before, produced) {
                    inflateEnd(&stream)
                    let line = lineOfError()
                    free(out)
                    throw LoadError(file: path, line: line, reason: reason)
                }
                if status == Z_BUF_ERROR && stream.avail_in == 0 { break }
                if status == Z_BUF_ERROR { status = Z_OK }
            }
            let used = chunkIn - Int(stream.avail_in)
            let message = stream.msg.map { String(cString: $0) }
            inflateEnd(&stream)
            if status == Z_STREAM_END {
                consumed += used
                // Trailing zero padding after the last member is tolerated.
                if consumed < size && input[consumed] != 0x1f {
                    var rest = consumed
                    while rest < size && input[rest] == 0 { rest += 1 }
                    if rest == size { break }
                    let line = lineOfError()
                    free(out)
                    throw LoadError(file: path, line: line, reason: "gzip data is followed by \(size - consumed) bytes of garbage")
                }
                continue
            }
            let line = lineOfError()
            free(out)
            if status == Z_DATA_ERROR || status == Z_NEED_DICT {
                throw LoadError(file: path, line: line, reason: "gzip data is corrupt (\(message ?? "invalid data"))")
            }
            throw LoadError(file: path, line: line, reason: "gzip data is truncated: the compressed file ends early")
        }
        return (out, produced)
    }
}

/// The lines of a dump from its `dataStart`, as every streaming reader walks
/// them: each `next()` gives a line's start and end (its newline, or the end
/// of the file), and the pages passed are handed back every
/// `DumpBytes.releaseEvery` bytes, so a load never holds the file resident.
struct LineWalk {
    let bytes: DumpBytes
    /// The start of the next line.
    private(set) var position: Int
    /// The number of the line `next()` gave last, from 1.
    private(set) var number = 0
    /// Whether the last `next()` or `skip(to:)` released pages: a moment to report progress.
    private(set) var released = false
    private var nextRelease = DumpBytes.releaseEvery

    init(_ bytes: DumpBytes) {
        self.bytes = bytes
        position = bytes.dataStart
    }

    @inline(__always)
    mutating func next() -> (start: Int, end: Int)? {
        releaseIfDue()
        guard position < bytes.count else { return nil }
        let start = position
        let end = lineEnd(bytes.base, from: start, count: bytes.count)
        number += 1
        position = end + 1
        return (start, end)
    }

    /// Counts the line at `position`, which a caller read itself up to its
    /// newline at `end` (or the end of the bytes), and moves past it, as
    /// `next()` would have.
    @inline(__always)
    mutating func skip(to end: Int) {
        releaseIfDue()
        number += 1
        position = end + 1
    }

    @inline(__always)
    private mutating func releaseIfDue() {
        released = position > nextRelease
        if released {
            bytes.release(before: position)  // read pages need not stay resident
            nextRelease = position + DumpBytes.releaseEvery
        }
    }
}

/// The offset of the first newline at or after `from`, or `n` if there is none.
@inline(__always)
func lineEnd(_ base: UnsafePointer<UInt8>, from: Int, count n: Int) -> Int {
    guard from < n, let hit = memchr(base + from, 0x0a, n - from) else { return n }
    return UnsafePointer<UInt8>(hit.assumingMemoryBound(to: UInt8.self)) - base
}

func countLines(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int {
    var lines = 1
    var q = p
    var left = n
    while left > 0, let hit = memchr(q, 0x0a, left) {
        let h = UnsafePointer<UInt8>(hit.assumingMemoryBound(to: UInt8.self))
        lines += 1
        left -= (h - q) + 1
        q = h + 1
    }
    return lines
}

/// Stops a gzip bomb while it inflates, not after: a few MB that expand to
/// gigabytes of blank lines, or to one endless line, hold no records, so
/// inflating them whole would only fill memory before the parse refuses them.
struct BombCheck {
    /// Whitespace in a row before the input is refused (a real dump has a
    /// record on every line).
    static let maxBlankRun = 64 << 20
    /// Longest line (a record with millions of references is 100-200 MB).
    static let maxLine = 1 << 30
    /// Expansion (output over compressed input) above which the output is scanned.
    static let ratio = 32

    private var blankRun = 0
    private var line = 0

    /// Scans `p[from..<to]`; the reason to stop, or nil.
    mutating func scan(_ p: UnsafePointer<UInt8>, _ from: Int, _ to: Int) -> String? {
        for i in from..<to {
            let b = p[i]
            if b == 0x0A { line = 0 } else { line += 1 }
            if b == 0x20 || b == 0x0A || b == 0x09 || b == 0x0D { blankRun += 1 } else { blankRun = 0 }
        }
        if blankRun > Self.maxBlankRun {
            return "gzip data expands to over \(Self.maxBlankRun >> 20) MB of blank lines with no record (a gzip bomb?)"
        }
        if line > Self.maxLine {
            return "gzip data expands to a line over \(Self.maxLine >> 30) GB long (a gzip bomb?)"
        }
        return nil
    }
}
