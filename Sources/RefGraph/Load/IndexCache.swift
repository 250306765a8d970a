#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A binary image of a loaded graph, kept next to the dump as `DUMP.rgidx`,
/// so a second query on the same dump reads arrays instead of parsing JSON.
///
/// The image is valid only for the dump it was made from: it records the
/// dump's size, modification time and a hash of its first and last 64 KiB,
/// and the loader ignores an image that does not match, or that is damaged.
/// Writing is best effort: a read-only directory just means no cache.
public enum IndexCache {
    static let magic: [UInt8] = Array("RGIDX\u{0}04".utf8)

    public static func path(for dump: String) -> String { dump + ".rgidx" }

    /// The validity key of a dump file, or nil if it cannot be read.
    static func key(of dump: String) -> [UInt64]? {
        let fd = open(dump, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { return nil }
        let size = Int(st.st_size)
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        var buffer = [UInt8](repeating: 0, count: 65536)
        for offset in [0, max(0, size - 65536)] {
            let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, 65536, off_t(offset)) }
            guard n >= 0 else { return nil }
            for i in 0..<n { h = (h ^ UInt64(buffer[i])) &* 0x100_0000_01b3 }
        }
        return [UInt64(size), UInt64(st.st_mtim.tv_sec), UInt64(st.st_mtim.tv_nsec), h]
    }

    // MARK: Writing

    /// Writes the image for `dump`; returns false when it could not.
    @discardableResult
    public static func write(_ g: HeapGraph, for dump: String) -> Bool {
        guard let key = key(of: dump) else { return false }
        let target = path(for: dump)
        let tmp = target + ".tmp-\(getpid())"
        guard let f = fopen(tmp, "wb") else { return false }
        var ok = true
        func put(_ p: UnsafeRawBufferPointer) {
            var n = UInt64(p.count)
            ok = ok && fwrite(&n, 8, 1, f) == 1
            if p.count > 0 { ok = ok && fwrite(p.baseAddress, 1, p.count, f) == p.count }
        }
        func put<T>(_ a: [T]) { a.withUnsafeBytes { put($0) } }
        magic.withUnsafeBytes { _ = fwrite($0.baseAddress, 1, $0.count, f) }
        put(key)
        put(g.addresses); put(g.typeIDs); put(g.sizes); put(g.textIDs); put(g.modulePrefix)
        put(g.lengths); put(g.refcounts); put(g.rootKinds.map(\.rawValue)); put(g.finalizers.map(\.rawValue))
        put(g.flags.map(\.rawValue)); put(g.allocIDs)
        put(g.forwardOffsets); put(g.forwardTargets); put(g.edgeLabels); put(g.reverseOffsets); put(g.reverseSources)
        let (bytes, offsets) = g.strings.storage
        put(bytes); put(offsets)
        put(g.bigLengths.sorted { $0.key < $1.key }.flatMap { [UInt64($0.key), $0.value] })
        put(g.bigSizes.sorted { $0.key < $1.key }.flatMap { [UInt64($0.key), $0.value] })
        put(g.bigRefcounts.sorted { $0.key < $1.key }.flatMap { [UInt64($0.key), UInt64($0.value)] })
        put(g.unexplained.sorted { $0.key < $1.key }.flatMap { [UInt64($0.key), UInt64($0.value)] })
        put([UInt64(g.weakLabel), UInt64(g.dictLabel)])
        put(Array(infoText(g.info).utf8))
        ok = fclose(f) == 0 && ok
        guard ok, rename(tmp, target) == 0 else { unlink(tmp); return false }
        return true
    }

    // MARK: Reading

    /// The graph from a valid image for `dump`, or nil. The arrays are read
    /// straight from the file into their final memory (no mapping, so the
    /// image's pages do not count twice in the process's RSS).
    public static func read(for dump: String) -> HeapGraph? {
        guard let key = key(of: dump) else { return nil }
        let fd = open(path(for: dump), O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, st.st_size > magic.count else { return nil }
        var r = Reader(fd: fd, size: Int(st.st_size))
        guard let m = r.raw(magic.count), m == magic, r.array(UInt64.self) == key else { return nil }
        var g = HeapGraph()
        guard let addresses = r.array(UInt64.self) else { return nil }
        let n = addresses.count
        g.addresses = addresses
        guard let types: [UInt32] = r.array(UInt32.self), types.count == n,
              let sizes: [UInt32] = r.array(UInt32.self), sizes.count == n,
              let texts: [UInt32] = r.array(UInt32.self), texts.count == n,
              let prefixes: [UInt8] = r.array(UInt8.self), prefixes.count == n,
              let lengths: [UInt16] = r.array(UInt16.self), lengths.count == n,
              let refcounts: [UInt16] = r.array(UInt16.self), refcounts.count == n,
              let roots: [UInt8] = r.array(UInt8.self), roots.count == n,
              let finalizers: [UInt8] = r.array(UInt8.self), finalizers.count == n,
              let flags: [UInt8] = r.array(UInt8.self), flags.count == n,
              let allocs: [UInt32] = r.array(UInt32.self), allocs.isEmpty || allocs.count == n,
              let fo: [UInt32] = r.array(UInt32.self), fo.count == n + 1,
              let ft: [UInt32] = r.array(UInt32.self), ft.count == Int(fo[n]),
              let labels: [UInt32] = r.array(UInt32.self), labels.count == ft.count,
              let ro: [UInt32] = r.array(UInt32.self), ro.count == n + 1,
              let rs: [UInt32] = r.array(UInt32.self), rs.count == ft.count,
              let sbytes: [UInt8] = r.array(UInt8.self), let soffsets: [UInt32] = r.array(UInt32.self),
              let big: [UInt64] = r.array(UInt64.self), let bigSizes: [UInt64] = r.array(UInt64.self),
              let bigRefcounts: [UInt64] = r.array(UInt64.self),
              let unexplained: [UInt64] = r.array(UInt64.self),
              let special: [UInt64] = r.array(UInt64.self), special.count == 2,
              let info: [UInt8] = r.array(UInt8.self),
              let strings = StringTable(bytes: sbytes, offsets: soffsets),
              ft.allSatisfy({ Int($0) < n }), rs.allSatisfy({ Int($0) < n }),
              types.allSatisfy({ Int($0) < strings.count }), labels.allSatisfy({ Int($0) < strings.count })
        else { return nil }
        g.typeIDs = types; g.sizes = sizes; g.textIDs = texts; g.modulePrefix = prefixes
        g.lengths = lengths; g.refcounts = refcounts
        g.rootKinds = roots.map { RootKind(rawValue: $0) ?? .none }
        g.finalizers = finalizers.map { FinalizerKind(rawValue: $0) ?? .none }
        g.flags = flags.map { NodeFlags(rawValue: $0) }
        g.allocIDs = allocs
        g.forwardOffsets = fo; g.forwardTargets = ft; g.edgeLabels = labels
        g.reverseOffsets = ro; g.reverseSources = rs
        g.strings = strings
        for i in stride(from: 0, to: big.count - 1, by: 2) { g.bigLengths[HeapGraph.Node(big[i])] = big[i + 1] }
        for i in stride(from: 0, to: bigSizes.count - 1, by: 2) where bigSizes[i] < UInt64(n) { g.bigSizes[HeapGraph.Node(bigSizes[i])] = bigSizes[i + 1] }
        for i in stride(from: 0, to: bigRefcounts.count - 1, by: 2) where bigRefcounts[i] < UInt64(n) {
            g.bigRefcounts[HeapGraph.Node(bigRefcounts[i])] = UInt32(truncatingIfNeeded: bigRefcounts[i + 1])
        }
        for i in stride(from: 0, to: unexplained.count - 1, by: 2) { g.unexplained[HeapGraph.Node(unexplained[i])] = UInt32(unexplained[i + 1]) }
        g.weakLabel = UInt32(truncatingIfNeeded: special[0])
        g.dictLabel = UInt32(truncatingIfNeeded: special[1])
        g.info = parseInfo(String(decoding: info, as: UTF8.self))
        g.info.path = dump
        g.computeWeakPairs()
        return g
    }

    private struct Reader {
        let fd: Int32
        let size: Int
        var offset = 0

        mutating func raw(_ n: Int) -> [UInt8]? { read(n, as: UInt8.self) }

        /// A length-prefixed array.
        mutating func array<T>(_: T.Type) -> [T]? {
            guard let header: [UInt64] = read(8, as: UInt64.self) else { return nil }
            let n = Int(clamping: header[0])
            guard n % MemoryLayout<T>.stride == 0 else { return nil }
            return read(n, as: T.self)
        }

        private mutating func read<T>(_ n: Int, as: T.Type) -> [T]? {
            guard n >= 0, n <= size - offset else { return nil }
            let count = n / MemoryLayout<T>.stride
            var ok = true
            let out = [T](unsafeUninitializedCapacity: count) { buf, c in
                var done = 0
                let raw = UnsafeMutableRawPointer(buf.baseAddress)
                if let raw { HugePages.advise(raw, bytes: n) }
                while done < n, let raw {
                    let got = pread(fd, raw + done, n - done, off_t(offset + done))
                    if got <= 0 { ok = false; break }
                    done += got
                }
                c = ok ? count : 0
            }
            offset += n
            return ok ? out : nil
        }
    }

    // MARK: DumpInfo as text lines

    static func infoText(_ i: DumpInfo) -> String {
        var lines: [String] = ["format\t\(i.format.rawValue)", "version\t\(i.formatVersion)", "truncated\t\(i.truncated)", "duplicates\t\(i.duplicates)"]
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
        for w in i.warnings { lines.append("warning\t" + w.replacingOccurrences(of: "\n", with: " ")) }
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

import Foundation
