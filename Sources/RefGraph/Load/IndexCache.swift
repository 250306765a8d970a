#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A binary image of a loaded graph, kept next to the dump as `DUMP.rgidx`,
/// so a second query on the same dump maps its columns instead of parsing JSON.
///
/// The image is valid only for the dump it was made from: it records the
/// dump's device, inode, size, modification and change times (nanoseconds),
/// and a hash of its first and last 64 KiB and of 64 pages spread over it;
/// and the loader ignores an image that does not match. (Restoring an edited
/// file's mtime sets its ctime, which no user can set back.) Every section of
/// the image carries a checksum, so a damaged image is ignored too.
/// Writing is best effort: a read-only directory just means no cache.
public enum IndexCache {
    static let magic: [UInt8] = Array("RGIDX\u{0}08".utf8)
    /// Every column starts on a page of its own, so it can be mapped in place
    /// and its pages dropped without touching a neighbour's.
    static let alignment = 4096

    /// Where the cache of `dump` lives: the dump's path with `.rgidx` appended.
    public static func path(for dump: String) -> String { dump + ".rgidx" }

    /// The validity key of a dump file, or nil if it cannot be read.
    static func key(of dump: String) -> [UInt64]? {
        // Only a regular file has an image (a pipe is read once, a FIFO never blocks us).
        guard let file = OpenFile.at(dump) else { return nil }
        let fd = file.fd
        defer { close(fd) }
        let st = file.status
        guard file.kind == .regular else { return nil }
        let size = Int(st.st_size)
        var h = ContentHash()
        var buffer = [UInt8](repeating: 0, count: 65536)
        // Both ends, then 64 pages spread evenly between them.
        var samples = [(0, 65536), (max(0, size - 65536), 65536)]
        if size > 2 * 65536 { samples += (1...64).map { ((size - 4096) / 65 * $0, 4096) } }
        for (offset, length) in samples {
            let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, length, off_t(offset)) }
            guard n >= 0 else { return nil }
            buffer.withUnsafeBytes { h.add(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
        }
        return [UInt64(size), UInt64(st.st_dev), UInt64(st.st_ino),
                UInt64(st.st_mtim.tv_sec), UInt64(st.st_mtim.tv_nsec),
                UInt64(st.st_ctim.tv_sec), UInt64(st.st_ctim.tv_nsec), h.value]
    }

    // MARK: Writing

    /// Writes the image for `dump`; returns false when it could not.
    @discardableResult
    public static func write(_ g: HeapGraph, for dump: String) -> Bool {
        guard let key = key(of: dump) else { return false }
        let target = path(for: dump)
        // A fresh name of our own (two loads of one dump may write at once),
        // readable by others, writable only by us: see `read` on mapping.
        var template = Array((target + ".tmp-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { return false }
        let tmp = String(cString: template)
        fchmod(fd, 0o644)
        guard let f = fdopen(fd, "wb") else { close(fd); unlink(tmp); return false }
        var ok = true
        var written = 0
        let zeros = [UInt8](repeating: 0, count: alignment)
        func raw(_ p: UnsafeRawBufferPointer) {
            guard p.count > 0 else { return }
            ok = ok && fwrite(p.baseAddress, 1, p.count, f) == p.count
            written += p.count
        }
        // A section: its byte count, zeros up to the next page, the bytes.
        // The last section holds the checksum of each one before it.
        var checksums: [UInt64] = []
        func put(_ p: UnsafeRawBufferPointer) {
            checksums.append(ContentHash.section(p))
            withUnsafeBytes(of: UInt64(p.count)) { raw($0) }
            let pad = (alignment - written % alignment) % alignment
            zeros.withUnsafeBytes { raw(UnsafeRawBufferPointer(rebasing: $0[0..<pad])) }
            raw(p)
        }
        func put<T>(_ a: [T]) { a.withUnsafeBytes { put($0) } }
        magic.withUnsafeBytes { raw($0) }
        put(key)
        var sections = SectionWriter(graph: g, put: put)
        HeapGraph.forEachColumn(&sections)  // the columns
        let (bytes, offsets) = g.strings.storage
        put(bytes); put(offsets)
        sections.sideTables = true
        HeapGraph.forEachColumn(&sections)
        put(g.weakPairs.sorted())
        put([UInt64(g.weakLabel), UInt64(g.dictLabel)])
        put(Array(infoText(g.info).utf8))
        let sums = checksums
        put(sums)
        ok = fclose(f) == 0 && ok
        guard ok, rename(tmp, target) == 0 else { unlink(tmp); return false }
        return true
    }

    // MARK: Reading

    /// The graph from a valid image for `dump`, or nil. The columns are
    /// mapped, not read: a command pays only for the pages it reads. They
    /// are checked first through `pread`, which leaves the mapping untouched.
    ///
    /// A mapping shows later writes to the file, so only an image that
    /// nobody else can write is mapped (ours, a regular file with one link,
    /// no group or other write permission); any other is read into memory
    /// and checked there.
    public static func read(for dump: String) -> HeapGraph? {
        guard let key = key(of: dump) else { return nil }
        guard let file = OpenFile.at(path(for: dump)) else { return nil }
        let fd = file.fd
        defer { close(fd) }
        let st = file.status
        guard file.kind == .regular, st.st_size > magic.count else { return nil }
        let private_ = (st.st_mode & S_IFMT) == S_IFREG && st.st_uid == geteuid() && st.st_nlink == 1
            && st.st_mode & 0o022 == 0
        let mapping = private_ ? MappedFile(fd: fd, size: Int(st.st_size)) : nil
        var r = Reader(fd: fd, size: Int(st.st_size), mapping: mapping, offset: 0)
        guard let m: [UInt8] = r.bytes(magic.count), m == magic, r.array(UInt64.self) == key else { return nil }
        // The sections in the writer's order: the schema's columns, the
        // strings, the schema's side tables, then the rest.
        var sections = SectionReader(reader: r)
        HeapGraph.forEachColumn(&sections)  // the columns
        guard sections.ok, let sbytes = sections.reader.array(UInt8.self), let soffsets = sections.reader.array(UInt32.self) else { return nil }
        sections.sideTables = true
        HeapGraph.forEachColumn(&sections)
        r = sections.reader
        var g = sections.graph
        guard sections.ok,
              let weakPairs = r.array(UInt64.self),
              let special = r.array(UInt64.self), special.count == 2,
              let info = r.array(UInt8.self),
              let sums = r.array(UInt64.self), r.verify(sums),
              let strings = StringTable(bytes: sbytes, offsets: soffsets)
        else { return nil }
        g.strings = strings
        // Everything an index is taken from must be in range, or a damaged
        // image would crash a query instead of being ignored. The weak-edge
        // bits are made from the labels as they are checked.
        let weakLabel = UInt32(truncatingIfNeeded: special[0])
        var weakBits = [UInt64](repeating: 0, count: (g.edgeCount + 63) / 64)
        var anyWeak = false
        guard g.checkInvariants(scanner: r, labels: { chunk in
            if HeapGraph.markWeak(chunk.values, from: chunk.index, weak: weakLabel, into: &weakBits) { anyWeak = true }
        }) == nil else { return nil }
        g.weakEdges = anyWeak ? Column(weakBits) : []
        g.weakPairs = Set(weakPairs)
        g.weakLabel = weakLabel
        g.dictLabel = UInt32(truncatingIfNeeded: special[1])
        g.info = parseInfo(String(decoding: info, as: UTF8.self))
        g.info.path = dump
        return g
    }

    /// Writes the schema's cached columns, or once `sideTables` is set its
    /// side tables (as sorted key, value pairs of 64-bit words), each as a section.
    private struct SectionWriter: ColumnVisitor {
        let graph: HeapGraph
        let put: (UnsafeRawBufferPointer) -> Void
        var sideTables = false

        mutating func visit<T: BitwiseCopyable>(_ path: WritableKeyPath<HeapGraph, Column<T>>, _ spec: ColumnSpec) {
            guard !sideTables, spec.isCached else { return }
            graph[keyPath: path].withUnsafeBufferPointer { put(UnsafeRawBufferPointer($0)) }
        }

        mutating func visit<V: FixedWidthInteger>(sideTable path: WritableKeyPath<HeapGraph, [HeapGraph.Node: V]>) {
            guard sideTables else { return }
            let pairs = graph[keyPath: path].sorted { $0.key < $1.key }.flatMap { [UInt64($0.key), UInt64(truncatingIfNeeded: $0.value)] }
            pairs.withUnsafeBytes { put($0) }
        }
    }

    /// Reads what `SectionWriter` wrote into `graph`, the columns, then once
    /// `sideTables` is set the side tables; `ok` turns false at the
    /// first section that is missing or of a wrong size. Side-table entries
    /// of nodes beyond the columns are dropped (harmless, as a damaged value is).
    private struct SectionReader: ColumnVisitor {
        var reader: Reader
        /// Whether to read the side tables (after the strings) rather than the columns.
        var sideTables = false
        var graph = HeapGraph()
        var ok = true

        mutating func visit<T: BitwiseCopyable>(_ path: WritableKeyPath<HeapGraph, Column<T>>, _ spec: ColumnSpec) {
            guard ok, !sideTables, spec.isCached else { return }
            guard let c = reader.column(T.self) else { ok = false; return }
            graph[keyPath: path] = c
        }

        mutating func visit<V: FixedWidthInteger>(sideTable path: WritableKeyPath<HeapGraph, [HeapGraph.Node: V]>) {
            guard ok, sideTables else { return }
            guard let pairs = reader.array(UInt64.self) else { ok = false; return }
            var table: [HeapGraph.Node: V] = [:]
            for i in stride(from: 0, to: pairs.count - 1, by: 2) where pairs[i] < UInt64(graph.nodeCount) {
                table[HeapGraph.Node(pairs[i])] = V(truncatingIfNeeded: pairs[i + 1])
            }
            graph[keyPath: path] = table
        }
    }

    private struct Reader: ColumnScanner {
        let fd: Int32
        let size: Int
        /// Nil when the image is read into memory instead of mapped.
        let mapping: MappedFile?
        var offset: Int
        /// Every section read so far: where it starts, its length.
        private var sections: [(start: Int, count: Int)] = []

        init(fd: Int32, size: Int, mapping: MappedFile?, offset: Int) {
            self.fd = fd; self.size = size; self.mapping = mapping; self.offset = offset
        }

        /// Whether every section read so far has the checksum the writer
        /// gave it (the last section read, `sums`, holds them). The chunks
        /// are read with `pread` (a mapping is not faulted in) and hashed on
        /// all cores: 780 MB in 0.15 s on 2 cores.
        func verify(_ sums: [UInt64]) -> Bool {
            guard sums.count == sections.count - 1 else { return false }
            let chunk = ContentHash.chunk
            let tasks = sections.dropLast().enumerated().flatMap { k, s in
                stride(from: 0, to: s.count, by: chunk).map { (section: k, start: s.start + $0, count: min(chunk, s.count - $0)) }
            }
            let results = ChunkHashes(count: tasks.count)
            let fd = self.fd
            DispatchQueue.concurrentPerform(iterations: min(tasks.count, 64)) { worker in
                let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunk, alignment: 16)
                defer { buffer.deallocate() }
                for t in stride(from: worker, to: tasks.count, by: min(tasks.count, 64)) {
                    let part = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<tasks[t].count])
                    guard Self.pread(fd, into: part, at: tasks[t].start) else { results.fail(); return }
                    var h = ContentHash()
                    h.add(UnsafeRawBufferPointer(part))
                    results.set(t, h.value)
                }
            }
            guard let hashes = results.values else { return false }
            var t = 0
            for k in 0..<sums.count {
                let first = t
                while t < tasks.count && tasks[t].section == k { t += 1 }
                if ContentHash.section(chunkHashes: hashes[first..<t]) != sums[k] { return false }
            }
            return true
        }

        /// The next section's bytes as a column: mapped, or else read.
        mutating func column<T: BitwiseCopyable>(_: T.Type) -> Column<T>? {
            guard let (start, n) = section(), n % MemoryLayout<T>.stride == 0 else { return nil }
            guard n > 0 else { return Column() }
            let count = n / MemoryLayout<T>.stride
            if let mapping { return Column(mapping, offset: start, count: count) }
            return read(count, at: start).map(Column.init)
        }

        /// The next section's bytes copied into an array (small tables).
        mutating func array<T: BitwiseCopyable>(_: T.Type) -> [T]? {
            guard let (start, n) = section(), n % MemoryLayout<T>.stride == 0 else { return nil }
            return read(n / MemoryLayout<T>.stride, at: start)
        }

        /// The start and byte count of the next section, which then becomes current.
        private mutating func section() -> (Int, Int)? {
            guard let header = bytes(8) else { return nil }
            let n = Int(clamping: header.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) })
            let start = (offset + IndexCache.alignment - 1) / IndexCache.alignment * IndexCache.alignment
            guard n >= 0, start <= size, n <= size - start else { return nil }
            offset = start + n
            sections.append((start, n))
            return (start, n)
        }

        /// The next `n` bytes, outside any section (the magic and the headers).
        mutating func bytes(_ n: Int) -> [UInt8]? {
            guard n >= 0, n <= size - offset else { return nil }
            defer { offset += n }
            return read(n, at: offset)
        }

        private func read<T: BitwiseCopyable>(_ count: Int, at start: Int) -> [T]? {
            var ok = true
            let out = [T](unsafeUninitializedCapacity: count) { buf, c in
                ok = Self.pread(fd, into: UnsafeMutableRawBufferPointer(buf), at: start)
                c = ok ? count : 0
            }
            return ok ? out : nil
        }

        /// Whether every chunk of a column passes `test`. A mapped column is
        /// read through `pread`, so the check does not fault the mapping in;
        /// one in memory is checked in place, as one chunk.
        func chunks<T: BitwiseCopyable, R: BitwiseCopyable>(_ c: Column<T>, as: R.Type, _ test: (ColumnChunk<R>) -> Bool) -> Bool {
            precondition(MemoryLayout<T>.stride == MemoryLayout<R>.stride)
            guard let mapping, c.isMapped else { return InPlaceScanner().chunks(c, as: R.self, test) }
            return c.withUnsafeBufferPointer { values in
                guard let base = values.baseAddress, values.count > 0 else { return true }
                let start = UnsafeRawPointer(base) - mapping.base
                let total = values.count
                let chunkSize = 1 << 18
                let buffer = UnsafeMutableBufferPointer<R>.allocate(capacity: chunkSize)
                defer { buffer.deallocate() }
                var done = 0
                var previous: R? = nil
                while done < total {
                    let k = min(chunkSize, total - done)
                    let part = UnsafeMutableBufferPointer(rebasing: buffer[0..<k])
                    guard Self.pread(fd, into: UnsafeMutableRawBufferPointer(part), at: start + done * MemoryLayout<R>.stride) else { return false }
                    let chunk = UnsafeBufferPointer(part)
                    if !test(ColumnChunk(values: chunk, index: done, isLast: done + k == total, previous: previous ?? chunk[0])) { return false }
                    previous = chunk[k - 1]
                    done += k
                }
                return true
            }
        }

        static func pread(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, at offset: Int) -> Bool {
            var done = 0
            while done < buffer.count, let base = buffer.baseAddress {
                let got = Glibc.pread(fd, base + done, buffer.count - done, off_t(offset + done))
                if got <= 0 { return false }
                done += got
            }
            return true
        }
    }

    /// Chunk hashes written by many threads, each to its own slot.
    private final class ChunkHashes: Sendable {
        private let state: Mutex<(storage: [UInt64], failed: Bool)>
        init(count: Int) { state = Mutex(([UInt64](repeating: 0, count: count), false)) }
        func set(_ i: Int, _ v: UInt64) { state.withLock { $0.storage[i] = v } }
        func fail() { state.withLock { $0.failed = true } }
        var values: [UInt64]? { state.withLock { $0.failed ? nil : $0.storage } }
    }

    // MARK: DumpInfo as text lines

    static func infoText(_ i: DumpInfo) -> String {
        var lines: [String] = ["format\t\(i.format.rawValue)", "version\t\(i.formatVersion)", "truncated\t\(i.truncated)", "duplicates\t\(i.duplicates)"]
        if i.decimalIDs { lines.append("decimal_ids\ttrue") }
        if let v = i.python { lines.append("python\t\(v)") }
        if let v = i.implementation { lines.append("implementation\t\(v)") }
        if let v = i.pid { lines.append("pid\t\(v)") }
        if let v = i.time { lines.append("time\t\(v)") }
        if let v = i.rss { lines.append("rss\t\(v)") }
        if let v = i.peakRSS { lines.append("peak_rss\t\(v)") }
        if let v = i.gcEnabled { lines.append("gc\t\(v)") }
        if let v = i.valuesWritten { lines.append("values\t\(v)") }
        if let v = i.tracemallocTracing { lines.append("tracemalloc\t\(v)") }
        if let v = i.tracemallocCurrent { lines.append("tracemalloc_current\t\(v)") }
        for w in i.warnings { lines.append("warning\t" + w.replacing("\n", with: " ")) }
        return lines.joined(separator: "\n")
    }

    static func parseInfo(_ text: String) -> DumpInfo {
        var i = DumpInfo()
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: "\t", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { continue }
            let v = parts[1]
            switch parts[0] {
            case "format": i.format = DumpFormat(rawValue: v) ?? .native
            case "version": i.formatVersion = Int(v) ?? 0
            case "truncated": i.truncated = v == "true"
            case "duplicates": i.duplicates = Int(v) ?? 0
            case "decimal_ids": i.decimalIDs = v == "true"
            case "python": i.python = v
            case "implementation": i.implementation = v
            case "pid": i.pid = Int(v)
            case "time": i.time = Double(v)
            case "rss": i.rss = UInt64(v)
            case "peak_rss": i.peakRSS = UInt64(v)
            case "gc": i.gcEnabled = v == "true"
            case "values": i.valuesWritten = v == "true"
            case "tracemalloc": i.tracemallocTracing = v == "true"
            case "tracemalloc_current": i.tracemallocCurrent = UInt64(v)
            case "warning": i.warnings.append(v)
            default: break
            }
        }
        return i
    }
}

import Dispatch
import Synchronization
