#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads the two JSON-lines formats: the native dump (header, objects,
/// trailer) and meliae dumps (objects only, optionally wrapped in `[` `]`).
/// One record per line; each line is scanned straight from the mapped bytes.
struct JSONLinesLoader {
    let path: String
    let bytes: DumpBytes
    let options: LoadOptions
    private var builder: GraphBuilder
    private var record = NodeRecord()
    /// Site records read so far: site number → interned frames.
    private var sites: [UInt64: UInt32] = [:]
    private var scratch: [UInt8] = []
    /// A key written with escapes (`"r\u0065fs"`), decoded.
    private var keyScratch: [UInt8] = []
    private var lineNumber = 0
    private var isNative = false
    private var sawTrailer = false
    private var trailerObjects: UInt64?
    private var trailerReferences: UInt64?
    private var recordsRead = 0
    private var referencesRead = 0
    private var invalidUTF8 = 0
    private var firstInvalidUTF8Line = 0
    private var firstDuplicateLine = 0
    private var negativeRefcounts = 0
    private var firstNegativeRefcountLine = 0
    /// Running total of the sizes, which must stay below 2^63 bytes.
    private var totalSize: UInt64 = 0
    /// Two-pass loading: lines whose record repeats an earlier address.
    private var twoPassDuplicates = Set<Int>()

    init(path: String, bytes: DumpBytes, options: LoadOptions, format: DumpFormat) {
        self.path = path
        self.bytes = bytes
        self.options = options
        self.builder = GraphBuilder(format: format, path: path)
        self.isNative = format == .native
    }

    private func fail(_ reason: String) -> LoadError {
        LoadError(file: path, line: max(lineNumber, 1), reason: reason)
    }

    mutating func load() throws(LoadError) -> HeapGraph {
        let base = bytes.base
        let n = bytes.count
        // One record a line: the lines of the first 4 MiB estimate the number of
        // records, so the columns are sized once instead of growing by doubling.
        // (Counting every line would touch the whole mapping and make it resident.)
        var duplicateLines = Set<Int>()
        if n > (16 << 20) {
            // Sample eight windows spread over the file: heaps put their hubs
            // (module dicts, big lists) anywhere, often at the start.
            var lines = 0, refs = 0, sampled = 0
            let window = 512 << 10
            for k in 0..<8 {
                var start = (n - window) / 8 * k
                if start > 0 { start = lineEnd(base, from: start, count: n) + 1 }
                let stop = lineEnd(base, from: min(n, start + window), count: n)
                guard start < stop else { continue }
                let (l, r) = sampleRecords(base + start, stop - start)
                lines += l; refs += r; sampled += stop - start
            }
            bytes.release(before: n)
            let scale = Double(n) / Double(max(sampled, 1)) * 1.05
            let objects = min(Int(Double(lines) * scale), n / 24)
            let references = min(Int(Double(refs) * scale), n / 6)
            func sized(twoPass: Bool) -> GraphBuilder {
                var b = GraphBuilder(format: isNative ? .native : .meliae, path: path)
                b.reserve(objects: objects, references: references, twoPass: twoPass)
                return b
            }
            builder = sized(twoPass: options.twoPass)
            PhaseTrace.mark("after reserve")
            if options.twoPass {
                defer { PhaseTrace.mark("after pass 1") }
                if let dups = indexAddresses() {
                    duplicateLines = dups
                } else {
                    builder = sized(twoPass: false)  // a line the quick pass could not read: one pass
                }
            }
        }
        twoPassDuplicates = duplicateLines
        let progress = Progress(label: path, total: n, enabled: options.progress)
        var lines = LineWalk(bytes)
        while let (p, end) = lines.next() {
            lineNumber = lines.number
            if lines.released { progress.update(p) }
            let complete = end < n
            do {
                try readLine(start: p, end: end)
            } catch let e {
                if !complete && end > p {
                    // The last line has no newline and does not parse: a record cut off.
                    if options.allowTruncated {
                        markTruncated("the last record is cut off mid-line (\(e.reason)); it was dropped")
                        break
                    }
                    throw fail("dump is truncated: the last record is cut off mid-line (\(e.reason)); the file ends at byte \(n). Use --allow-truncated to load the records before it")
                }
                throw fail(e.reason + at(e.offset, lineStart: p))
            }
        }
        progress.finish()
        bytes.release(before: n)  // the mapped pages are not needed any more
        if !isNative, let warning = try MeliaeFormat.checkEnd(base, count: n, records: recordsRead, line: lineNumber, path: path,
                                                              allowTruncated: options.allowTruncated) {
            markTruncated(warning)
        }
        if isNative && !sawTrailer {
            if options.allowTruncated {
                markTruncated("no trailer record: the export did not finish; \(recordsRead) objects loaded")
            } else {
                throw LoadError(file: path, line: lineNumber, reason: "dump is truncated: no trailer record after \(recordsRead) objects (the export did not finish, or the file was cut). Use --allow-truncated to load what is there")
            }
        }
        if builder.info.duplicates > 0 {
            builder.info.warnings.append("\(path):\(firstDuplicateLine): \(builder.info.duplicates) duplicate records ignored; the first record of an address wins")
        }
        if negativeRefcounts > 0 {
            builder.info.warnings.append("\(path):\(firstNegativeRefcountLine): \(negativeRefcounts) records have a refcount read while another thread changed the heap (raced, or negative); their refcounts are treated as unknown")
        }
        if invalidUTF8 > 0 {
            builder.info.warnings.append("\(path):\(firstInvalidUTF8Line): \(invalidUTF8) strings are not valid UTF-8; invalid bytes are shown as U+FFFD")
        }
        let (records, line, allowTruncated) = (recordsRead, lineNumber, options.allowTruncated)
        var graph = try builder.sealed { (g: inout HeapGraph) throws(LoadError) in
            if !isNative { try MeliaeFormat.finish(&g, records: records, line: line, path: path, allowTruncated: allowTruncated) }
        }
        if isNative { graph.classifyCRoots() }
        return graph
    }

    /// The first pass of two-pass loading: every record line must start with
    /// `{"address": N` (as the exporter and meliae write it). Indexes the
    /// addresses and returns the lines of duplicates, or nil when a line does
    /// not fit, and the caller falls back to one pass.
    private mutating func indexAddresses() -> Set<Int>? {
        let base = bytes.base
        let key = Array("{\"address\": ".utf8)
        var dups = Set<Int>()
        var lines = LineWalk(bytes)
        // Addresses are indexed 256 at a time (GraphBuilder.preindex).
        var batch: [UInt64] = [], batchLines: [Int] = []
        batch.reserveCapacity(256); batchLines.reserveCapacity(256)
        func flush() {
            for i in batch.withUnsafeBufferPointer({ builder.preindex($0) }) { dups.insert(batchLines[i]) }
            batch.removeAll(keepingCapacity: true)
            batchLines.removeAll(keepingCapacity: true)
        }
        while let (p, end) = lines.next() {
            var s = p
            while s < end && (base[s] == 0x20 || base[s] == 0x09) { s += 1 }
            if s + key.count < end && memcmp(base + s, key, key.count) == 0 {
                let (v, q, overflow) = scanDecimal(base, from: s + key.count, to: end)
                guard !overflow, q > s + key.count, q < end, base[q] == UInt8(ascii: ",") || base[q] == UInt8(ascii: "}") else { return nil }
                batch.append(v)
                batchLines.append(lines.number)
                if batch.count == 256 { flush() }
            } else if s < end && !(base[s] == UInt8(ascii: "[") || base[s] == UInt8(ascii: "]") || base[s] == 0x0d
                                   || (base[s] == UInt8(ascii: "{") && end - s > 9 && memcmp(base + s, "{\"record\"", 9) == 0)) {
                return nil
            }
        }
        flush()
        return dups
    }

    /// Lines and references in the first `n` bytes: the commas and the
    /// first item inside each line's `"refs": [...]`.
    private func sampleRecords(_ base: UnsafePointer<UInt8>, _ n: Int) -> (Int, Int) {
        var lines = 0, refs = 0, p = 0
        let key = Array("\"refs\": [".utf8)
        while p < n {
            let end = lineEnd(base, from: p, count: n)
            lines += 1
            if let hit = key.withUnsafeBufferPointer({ firstOccurrence(of: $0, in: base, from: p, to: end) }) {
                var q = hit + key.count
                if q < end && base[q] != UInt8(ascii: "]") { refs += 1 }
                while q < end && base[q] != UInt8(ascii: "]") { if base[q] == UInt8(ascii: ",") { refs += 1 }; q += 1 }
            }
            p = end + 1
        }
        return (lines, refs)
    }

    private mutating func markTruncated(_ why: String) {
        builder.info.truncated = true
        builder.info.warnings.append("\(path):\(lineNumber): dump is truncated: \(why)")
    }

    private func at(_ offset: Int, lineStart: Int) -> String {
        let column = offset - lineStart + 1
        return column > 0 ? " (column \(column))" : ""
    }

    /// A line holds one record; the meliae wrapped form adds `[`, `]` and trailing commas.
    private mutating func readLine(start: Int, end: Int) throws(ScanError) {
        var c = JSONCursor(base: bytes.base, start: start, end: end)
        while true {
            c.skipSpace()
            if c.atEnd { return }
            switch c.peek() {
            case UInt8(ascii: "{"):
                if sawTrailer { throw ScanError("data after the trailer record (two dumps concatenated?)", c.pos) }
                try readRecord(&c)
            case UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: ","):
                if isNative { throw ScanError("expected '{' to start a record, found \(describe(c.peek()))", c.pos) }
                c.pos += 1
            default:
                throw ScanError("expected '{' to start a record, found \(describe(c.peek()))", c.pos)
            }
        }
    }

    private mutating func readRecord(_ c: inout JSONCursor) throws(ScanError) {
        let recordStart = c.pos
        try c.expect(UInt8(ascii: "{"), "'{'")
        record.reset()
        var hasAddress = false
        var hasType = false
        var name: JSONCursor.RawString?
        var module: JSONCursor.RawString?
        var labelled = false
        var raced = false
        if c.take(UInt8(ascii: "}")) { throw ScanError("empty record", recordStart) }
        repeat {
            let key = try c.string()
            try c.expect(UInt8(ascii: ":"), "':' after a key")
            switch try Key(key, base: c.base, scratch: &keyScratch) {
            case .address:
                record.address = try c.unsigned("address")
                hasAddress = true
            case .type:
                record.typeID = try intern(try c.string())
                hasType = true
            case .size:
                record.size = try c.unsigned("size")
            case .refs:
                try readRefs(&c)
            case .labels:
                try readLabels(&c)
                labelled = true
            case .len:
                record.length = try c.unsigned("len")
            case .name:
                if c.take(UInt8(ascii: "n")) { c.pos -= 1; try c.literal("null") } else { name = try c.string() }
            case .module:
                if c.take(UInt8(ascii: "n")) { c.pos -= 1; try c.literal("null") } else { module = try c.string() }
            case .value:
                try readValue(&c)
            case .refcount:
                try readRefcount(&c)
            case .root:
                record.root = try kind(&c, "root", RootKind.init(name:))
            case .unexplained:
                record.unexplained = UInt32(min(try c.unsigned("unexplained"), UInt64(UInt32.max)))
            case .finalizer:
                record.finalizer = try kind(&c, "finalizer", FinalizerKind.init(name:))
            case .garbage:
                if try boolean(&c) { record.flags.insert(.garbage) }
            case .finalized:
                if try boolean(&c) { record.flags.insert(.finalized) }
            case .immortal:
                if try boolean(&c) { record.flags.insert(.immortal) }
            case .gen:
                if try c.unsigned("gen") < 2 { record.flags.insert(.young) }
            case .raced:
                if try boolean(&c) { raced = true }
            case .alloc:
                record.allocID = try readFrames(&c, "alloc")
            case .site:
                let at = c.pos
                let n = try c.unsigned("site")
                guard let id = sites[n] else { throw ScanError("allocation site \(n) has no site record before this line", at) }
                record.allocID = id
            case .record:
                let raw = try c.string()
                let kind = try decodeString(raw)
                c.pos = recordStart
                switch kind {
                case "header": try readHeader(&c)
                case "trailer": try readTrailer(&c)
                case "site": try readSite(&c)
                default: throw ScanError("unknown record kind \"\(kind)\"", raw.start)
                }
                return
            case .other:
                try c.skipValue()
            }
        } while c.take(UInt8(ascii: ","))
        try c.expect(UInt8(ascii: "}"), "',' or '}'")
        if recordsRead == 0 && lineNumber == 1 && isNative {
            throw ScanError("the native dump has no header record on line 1", recordStart)
        }
        guard hasAddress else { throw ScanError("record has no \"address\"", recordStart) }
        guard hasType else { throw ScanError("record has no \"type\"", recordStart) }
        if labelled && record.labels.count != record.refs.count {
            throw ScanError("\"labels\" has \(record.labels.count) entries but \"refs\" has \(record.refs.count)", recordStart)
        }
        if let name {
            record.textID = try intern(name)
            record.textIsValue = false
            if let module {
                record.modulePrefix = try modulePrefix(name: name, module: module, base: c.base, textID: record.textID)
            }
        }
        if raced {
            // The exporter's refcount 0 of a raced record says nothing: unknown.
            record.refcount = nil
            if negativeRefcounts == 0 { firstNegativeRefcountLine = lineNumber }
            negativeRefcounts += 1
        }
        let (total, overflow) = totalSize.addingReportingOverflow(record.size)
        guard !overflow, total <= UInt64(Int64.max) else {
            throw ScanError("the sizes of the records so far add up to more than 2^63 bytes, which no process holds (this record's size is \(record.size))", recordStart)
        }
        totalSize = total
        recordsRead += 1
        referencesRead += record.refs.count
        if builder.preindexed > 0 {
            if twoPassDuplicates.contains(lineNumber) {
                builder.info.duplicates += 1
                if firstDuplicateLine == 0 { firstDuplicateLine = lineNumber }
            } else if !builder.addIndexed(record) {
                throw ScanError("this record is not the one the first pass found on this line (more than one record on a line?)", recordStart)
            }
        } else if !builder.add(record) && firstDuplicateLine == 0 {
            firstDuplicateLine = lineNumber
        }
    }

    /// A refcount; a negative one (a dump taken while other threads changed
    /// the heap, by an exporter before the fix of issue 18) is unknown, counted.
    private mutating func readRefcount(_ c: inout JSONCursor) throws(ScanError) {
        c.skipSpace()
        guard c.peek() == UInt8(ascii: "-") else { record.refcount = try c.unsigned("refcount"); return }
        let num = try c.number()
        guard num.isInteger else { throw ScanError("refcount is not an integer", num.start) }
        if negativeRefcounts == 0 { firstNegativeRefcountLine = lineNumber }
        negativeRefcounts += 1
    }

    private mutating func readRefs(_ c: inout JSONCursor) throws(ScanError) {
        try c.expect(UInt8(ascii: "["), "'[' to start refs")
        if c.take(UInt8(ascii: "]")) { return }
        repeat {
            record.refs.append(try c.unsigned("reference"))
        } while c.take(UInt8(ascii: ","))
        try c.expect(UInt8(ascii: "]"), "',' or ']' in refs")
    }

    private mutating func readLabels(_ c: inout JSONCursor) throws(ScanError) {
        try c.expect(UInt8(ascii: "["), "'[' to start labels")
        if c.take(UInt8(ascii: "]")) { return }
        repeat {
            c.skipSpace()
            if c.peek() == UInt8(ascii: "n") {
                try c.literal("null")
                record.labels.append(0)
            } else {
                record.labels.append(try intern(try c.string()))
            }
        } while c.take(UInt8(ascii: ","))
        try c.expect(UInt8(ascii: "]"), "',' or ']' in labels")
    }

    /// `["file:line", ...]` (an object's `alloc`, a site's `frames`): the
    /// frames joined by newlines, interned; 0 for none.
    private mutating func readFrames(_ c: inout JSONCursor, _ what: StaticString) throws(ScanError) -> UInt32 {
        try c.expect(UInt8(ascii: "["), "'[' to start \(what)")
        if c.take(UInt8(ascii: "]")) { return 0 }
        var joined: [UInt8] = []
        repeat {
            let raw = try c.string()
            if !joined.isEmpty { joined.append(0x0a) }
            try JSONCursor.decode(raw, base: c.base, into: &scratch)
            joined.append(contentsOf: scratch)
        } while c.take(UInt8(ascii: ","))
        try c.expect(UInt8(ascii: "]"), "',' or ']' in \(what)")
        return joined.withUnsafeBufferPointer { builder.strings.intern(bytes: $0) }
    }

    /// `{"record": "site", "site": N, "frames": [...]}`: an allocation
    /// traceback written once, before the first object that names it with
    /// `"site": N`.
    private mutating func readSite(_ c: inout JSONCursor) throws(ScanError) {
        let start = c.pos
        guard isNative else { throw ScanError("a site record in a dump without a header", start) }
        var n: UInt64?
        var frames: UInt32?
        try readObject(&c) { (this: inout JSONLinesLoader, key: String, c: inout JSONCursor) throws(ScanError) in
            switch key {
            case "site": n = try c.unsigned("site")
            case "frames": frames = try this.readFrames(&c, "frames")
            default: try c.skipValue()
            }
        }
        guard let n, let frames else { throw ScanError("a site record needs \"site\" and \"frames\"", start) }
        guard sites[n] == nil else { throw ScanError("allocation site \(n) is defined twice", start) }
        sites[n] = frames
    }

    /// `value`: a string, a number, a boolean or null; kept as text.
    private mutating func readValue(_ c: inout JSONCursor) throws(ScanError) {
        c.skipSpace()
        let b = c.peek()
        if b == UInt8(ascii: "\"") {
            record.textID = try intern(try c.string())
        } else if b == UInt8(ascii: "t") {
            try c.literal("true"); record.textID = builder.strings.intern("True")
        } else if b == UInt8(ascii: "f") {
            try c.literal("false"); record.textID = builder.strings.intern("False")
        } else if b == UInt8(ascii: "n") {
            try c.literal("null"); return
        } else {
            let num = try c.number()
            record.textID = builder.strings.intern(bytes: UnsafeBufferPointer(start: c.base + num.start, count: num.end - num.start))
        }
        record.textIsValue = record.textID != 0
    }

    private func boolean(_ c: inout JSONCursor) throws(ScanError) -> Bool {
        c.skipSpace()
        if c.peek() == UInt8(ascii: "t") { try c.literal("true"); return true }
        if c.peek() == UInt8(ascii: "f") { try c.literal("false"); return false }
        if c.peek() == UInt8(ascii: "n") { try c.literal("null"); return false }
        let n = try c.number()
        return n.magnitude != 0
    }

    private mutating func intern(_ raw: JSONCursor.RawString) throws(ScanError) -> UInt32 {
        if raw.hasHighBit { noteUTF8(raw) }
        if !raw.hasEscape {
            return builder.strings.intern(bytes: UnsafeBufferPointer(start: bytes.base + raw.start, count: raw.end - raw.start))
        }
        try JSONCursor.decode(raw, base: bytes.base, into: &scratch)
        return scratch.withUnsafeBufferPointer { builder.strings.intern(bytes: $0) }
    }

    /// A string value naming a kind (`what`: "root", "finalizer"), looked up
    /// by `parse`; an unknown name is an error at the string.
    private mutating func kind<K>(_ c: inout JSONCursor, _ what: String, _ parse: (String) -> K?) throws(ScanError) -> K {
        let raw = try c.string()
        let text = try decodeString(raw)
        guard let kind = parse(text) else { throw ScanError("unknown \(what) kind \"\(text)\"", raw.start) }
        return kind
    }

    private mutating func decodeString(_ raw: JSONCursor.RawString) throws(ScanError) -> String {
        try JSONCursor.decode(raw, base: bytes.base, into: &scratch)
        return String(decoding: scratch, as: UTF8.self)
    }

    private mutating func noteUTF8(_ raw: JSONCursor.RawString) {
        let buf = UnsafeBufferPointer(start: bytes.base + raw.start, count: raw.end - raw.start)
        if !isValidUTF8(buf) {
            if invalidUTF8 == 0 { firstInvalidUTF8Line = lineNumber }
            invalidUTF8 += 1
        }
    }

    /// Length of the module prefix of a name (see `HeapGraph.modulePrefix`),
    /// from the raw bytes when the module name is plain ASCII, else from the
    /// decoded strings: escapes and non-ASCII bytes change the lengths.
    private mutating func modulePrefix(name: JSONCursor.RawString, module: JSONCursor.RawString,
                                       base: UnsafePointer<UInt8>, textID: UInt32) throws(ScanError) -> UInt8 {
        let raw = UnsafeBufferPointer(start: base + module.start, count: module.end - module.start)
        if !raw.contains(where: { $0 >= 0x80 || $0 == UInt8(ascii: "\\") }) {
            return Self.modulePrefix(name: UnsafeBufferPointer(start: base + name.start, count: name.end - name.start), module: raw)
        }
        var decodedName = builder.strings[textID], decodedModule = try decodeString(module)
        return decodedName.withUTF8 { n in decodedModule.withUTF8 { Self.modulePrefix(name: n, module: $0) } }
    }

    /// `module` when the name is `module` or starts with `module.`, as a length; else 0.
    static func modulePrefix(name: UnsafeBufferPointer<UInt8>, module: UnsafeBufferPointer<UInt8>) -> UInt8 {
        let m = module.count
        guard m > 0, m < 256, m <= name.count, name.prefix(m).elementsEqual(module),
              m == name.count || name[m] == UInt8(ascii: ".") else { return 0 }
        return UInt8(m)
    }

    // MARK: Header and trailer

    private mutating func readHeader(_ c: inout JSONCursor) throws(ScanError) {
        guard lineNumber == 1, recordsRead == 0 else { throw ScanError("a header record can only be the first line", c.pos) }
        var format: String?
        try readObject(&c) { (this: inout JSONLinesLoader, key: String, c: inout JSONCursor) throws(ScanError) in
            switch key {
            case "format": format = try this.decodeString(c.string())
            case "python": this.builder.info.python = try this.decodeString(c.string())
            case "implementation": this.builder.info.implementation = try this.decodeString(c.string())
            case "version": this.builder.info.formatVersion = Int(clamping: try c.unsigned("version"))
            case "pid": this.builder.info.pid = Int(clamping: try c.unsigned("pid"))
            case "rss": this.builder.info.rss = try c.unsigned("rss")
            case "peak_rss": this.builder.info.peakRSS = try c.unsigned("peak_rss")
            case "values": this.builder.info.valuesWritten = try this.boolean(&c)
            case "time":
                let n = try c.number()
                this.builder.info.time = Double(String(decoding: UnsafeBufferPointer(start: c.base + n.start, count: n.end - n.start), as: UTF8.self))
            case "gc":
                try this.readObject(&c) { (this: inout JSONLinesLoader, key: String, c: inout JSONCursor) throws(ScanError) in
                    if key == "enabled" { this.builder.info.gcEnabled = try this.boolean(&c) } else { try c.skipValue() }
                }
            case "tracemalloc":
                try this.readObject(&c) { (this: inout JSONLinesLoader, key: String, c: inout JSONCursor) throws(ScanError) in
                    switch key {
                    case "tracing": this.builder.info.tracemallocTracing = try this.boolean(&c)
                    case "current": this.builder.info.tracemallocCurrent = try c.unsigned("current")
                    default: try c.skipValue()
                    }
                }
            default: try c.skipValue()
            }
        }
        guard format == "refgraph" else {
            throw ScanError(format.map { "the header's format is \"\(Escape.terminal(String($0.prefix(40))))\", not \"refgraph\"" }
                            ?? "the header record has no \"format\": \"refgraph\"", 0)
        }
        if builder.info.formatVersion > 1 {
            throw ScanError("dump format version \(builder.info.formatVersion) is newer than this refgraph understands (1); upgrade refgraph", c.pos)
        }
    }

    private mutating func readTrailer(_ c: inout JSONCursor) throws(ScanError) {
        guard isNative else { throw ScanError("a trailer record in a dump without a header", c.pos) }
        try readObject(&c) { (this: inout JSONLinesLoader, key: String, c: inout JSONCursor) throws(ScanError) in
            switch key {
            case "objects": this.trailerObjects = try c.unsigned("objects")
            case "references": this.trailerReferences = try c.unsigned("references")
            default: try c.skipValue()
            }
        }
        sawTrailer = true
        guard trailerObjects != nil, trailerReferences != nil else {
            throw ScanError("the trailer record has no \"\(trailerObjects == nil ? "objects" : "references")\" count, so the dump cannot be checked for completeness", 0)
        }
        if let o = trailerObjects, o != UInt64(recordsRead) {
            throw ScanError("trailer says \(o) objects but \(recordsRead) were read: the dump is damaged or was edited", 0)
        }
        if let r = trailerReferences, r != UInt64(referencesRead) {
            throw ScanError("trailer says \(r) references but \(referencesRead) were read: the dump is damaged or was edited", 0)
        }
    }

    /// Reads `{ "key": value, ... }`, handing each key to `body`, which must consume the value.
    private mutating func readObject(_ c: inout JSONCursor, _ body: (inout JSONLinesLoader, String, inout JSONCursor) throws(ScanError) -> Void) throws(ScanError) {
        try c.expect(UInt8(ascii: "{"), "'{'")
        if c.take(UInt8(ascii: "}")) { return }
        repeat {
            let key = try decodeString(c.string())
            try c.expect(UInt8(ascii: ":"), "':' after a key")
            try body(&self, key, &c)
        } while c.take(UInt8(ascii: ","))
        try c.expect(UInt8(ascii: "}"), "',' or '}'")
    }
}

/// The keys of an object record, matched on raw bytes.
private enum Key {
    case address, type, size, refs, labels, len, name, module, value, refcount, root, unexplained
    case finalizer, finalized, garbage, immortal, alloc, site, record, gen, raced, other

    /// The key of a raw JSON string; one written with escapes is decoded first.
    @inline(__always)
    init(_ raw: JSONCursor.RawString, base: UnsafePointer<UInt8>, scratch: inout [UInt8]) throws(ScanError) {
        guard raw.hasEscape else { self.init(base + raw.start, raw.end - raw.start); return }
        try JSONCursor.decode(raw, base: base, into: &scratch)
        self = scratch.withUnsafeBufferPointer { $0.isEmpty ? .other : Key($0.baseAddress!, $0.count) }
    }

    @inline(__always)
    init(_ p: UnsafePointer<UInt8>, _ n: Int) {
        @inline(__always) func eq(_ s: StaticString) -> Bool { s.utf8CodeUnitCount == n && memcmp(p, s.utf8Start, n) == 0 }
        switch n {
        case 3: self = eq("len") ? .len : eq("gen") ? .gen : .other
        case 4:
            if eq("type") { self = .type } else if eq("size") { self = .size } else if eq("refs") { self = .refs }
            else if eq("name") { self = .name } else if eq("root") { self = .root } else if eq("site") { self = .site }
            else { self = .other }
        case 5: self = eq("value") ? .value : eq("alloc") ? .alloc : eq("raced") ? .raced : .other
        case 6: self = eq("labels") ? .labels : eq("module") ? .module : eq("record") ? .record : .other
        case 7: self = eq("address") ? .address : eq("garbage") ? .garbage : .other
        case 8: self = eq("refcount") ? .refcount : eq("immortal") ? .immortal : .other
        case 9: self = eq("finalizer") ? .finalizer : eq("finalized") ? .finalized : .other
        case 11: self = eq("unexplained") ? .unexplained : .other
        default: self = .other
        }
    }
}

/// True when the bytes are well-formed UTF-8.
func isValidUTF8(_ buf: UnsafeBufferPointer<UInt8>) -> Bool {
    var it = buf.makeIterator()
    var decoder = UTF8()
    while true {
        switch decoder.decode(&it) {
        case .scalarValue: continue
        case .emptyInput: return true
        case .error: return false
        }
    }
}
