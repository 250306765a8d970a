/// Loads a dump in any of the three formats, detected from its content.
public enum DumpLoader {
    /// Loads `path`. Malformed input throws `LoadError` (`FILE:LINE: reason`);
    /// a truncated native dump throws unless `options.allowTruncated`.
    public static func load(_ path: String, options: LoadOptions = LoadOptions()) throws(LoadError) -> HeapGraph {
        var graph = try loadModel(path, options: options)
        if options.cRoots == .all { graph.promoteHeldFromC() }
        return graph
    }

    private static func loadModel(_ path: String, options: LoadOptions) throws(LoadError) -> HeapGraph {
        // Node tables and truncated loads are not cached: the image must mean "this file, read whole".
        let cacheable = options.cache != .off && options.nodeTable == nil
        if cacheable, let cached = IndexCache.read(for: path), !cached.info.truncated { return cached }
        let bytes = try DumpBytes(path: path)
        let graph = try load(bytes, path: path, options: options)
        if cacheable && !graph.info.truncated && (options.cache == .on || bytes.fileSize >= LoadOptions.autoThreshold),
           IndexCache.write(graph, for: path), let mapped = IndexCache.read(for: path) {
            // The same graph, mapped: the command now pays only for the columns it reads.
            return mapped
        }
        return graph
    }

    /// Loads a dump held in memory; `name` stands for the file in messages.
    public static func load(bytes: UnsafeRawBufferPointer, name: String, options: LoadOptions = LoadOptions()) throws(LoadError) -> HeapGraph {
        var graph = try load(DumpBytes(copying: bytes, name: name), path: name, options: options)
        if options.cRoots == .all { graph.promoteHeldFromC() }
        return graph
    }

    static func load(_ bytes: DumpBytes, path: String, options: LoadOptions) throws(LoadError) -> HeapGraph {
        // A file that shrank under the mapping read as zero pages: whatever
        // the parse made of them, the answer is that the file changed.
        do {
            let graph = try parse(bytes, path: path, options: options)
            try bytes.checkUnchanged(path)
            return graph
        } catch {
            try bytes.checkUnchanged(path)
            throw error
        }
    }

    private static func parse(_ bytes: DumpBytes, path: String, options: LoadOptions) throws(LoadError) -> HeapGraph {
        let format = try detect(bytes, path: path)
        var graph: HeapGraph
        switch format {
        case .native, .meliae:
            var loader = JSONLinesLoader(path: path, bytes: bytes, options: options, format: format)
            graph = try loader.load()
        case .edgeList:
            graph = try EdgeListLoader(path: path, bytes: bytes, options: options).load()
        }
        if options.nodeTable != nil && format != .edgeList {
            graph.info.warnings.append("\(path):1: --nodes applies to edge lists only; ignored for a \(format.rawValue) dump")
        }
        return graph
    }

    /// The format of a dump, from its first bytes.
    public static func detectFormat(_ path: String) throws(LoadError) -> DumpFormat {
        try detect(DumpBytes(path: path), path: path)
    }

    static func detect(_ bytes: DumpBytes, path: String) throws(LoadError) -> DumpFormat {
        let p = bytes.base
        let n = bytes.count
        if n == 0 { throw LoadError(file: path, line: 1, reason: "the file is empty") }
        // Text may hold a stray invalid UTF-8 byte (a warning later); binary has
        // NULs or many control bytes.
        let probe = min(n, 4096)
        var nul = 0, control = 0, first = -1
        for i in 0..<probe {
            let b = p[i]
            if b == 0 { nul += 1 } else if b < 0x20 && b != 0x09 && b != 0x0a && b != 0x0d { control += 1 } else { continue }
            if first < 0 { first = i }
        }
        if nul > 0 || control * 50 > probe {
            // The line of the first such byte (a stray NUL in a text line is reported where it is).
            throw LoadError(file: path, line: countLines(p, first), reason: "binary data: not a refgraph dump, a meliae dump or an edge list" + (bytes.wasCompressed ? " (after gunzip)" : ""))
        }
        var i = bytes.dataStart
        while i < n && (p[i] == 0x20 || p[i] == 0x09 || p[i] == 0x0a || p[i] == 0x0d) { i += 1 }
        guard i < n else { throw LoadError(file: path, line: 1, reason: "the file holds only white space") }
        if p[i] == UInt8(ascii: "{") || p[i] == UInt8(ascii: "[") {
            // A native dump names itself on its first line.
            let lineEnd = min(n, i + 512)
            let head = String(decoding: UnsafeBufferPointer(start: p + i, count: lineEnd - i), as: UTF8.self)
            if head.hasPrefix("{") && head.contains("\"record\"") && head.contains("\"header\"") { return .native }
            return .meliae
        }
        return .edgeList
    }

}
