#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Everything meliae's dump format needs beyond reading its JSON lines,
/// in one place: `JSONLinesLoader` reads the records and asks this adapter
/// what the format allows and how to finish the graph.
///
/// A meliae dump has no header, trailer, root flags or edge labels. So the
/// records may be wrapped in `[` `]` with trailing commas; its end is judged
/// by the final newline and by how many referenced objects have no record;
/// roots are inferred (`inferRoots`); and labels are recovered from the fixed
/// orders meliae writes refs in (`labelMeliaeEdges`), before `GraphBuilder`
/// computes the weak pairs once.
enum MeliaeFormat {
    /// Checks the end of the file after the last line: meliae ends every
    /// record with a newline, so a last record without one (and no closing
    /// `]`) means the dumping process died mid-write, e.g. meliae on an int
    /// >= 2**63. Returns the truncation warning to record when `allowTruncated`.
    static func checkEnd(_ base: UnsafePointer<UInt8>, count n: Int, records: Int, line: Int, path: String,
                         allowTruncated: Bool) throws(LoadError) -> String? {
        var warning: String?
        if n > 0 && base[n - 1] != 0x0a && !endsWithClosingBracket(base, n) {
            if !allowTruncated {
                throw LoadError(file: path, line: line, reason: "dump is truncated: the file ends without a final newline, so the dumping process stopped part-way (meliae dies like this on ints >= 2**63). Use --allow-truncated to load what is there")
            }
            warning = "the file does not end with a newline: the dumping process stopped part-way"
        }
        if records == 0 { throw LoadError(file: path, line: 1, reason: "no object records found") }
        return warning
    }

    /// The wrapped form may end with `]` and no newline.
    private static func endsWithClosingBracket(_ base: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        var i = n - 1
        while i >= 0 && (base[i] == 0x20 || base[i] == 0x0d || base[i] == 0x09) { i -= 1 }
        return i >= 0 && base[i] == UInt8(ascii: "]")
    }

    /// The last step of sealing a meliae graph (`GraphBuilder.sealed`'s
    /// `adapt`, before the weak pairs): inferred roots, recovered labels and
    /// the completeness check. Cost: a few passes over nodes and edges.
    static func finish(_ graph: inout HeapGraph, records: Int, line: Int, path: String, allowTruncated: Bool) throws(LoadError) {
        graph.inferRoots()
        graph.labelMeliaeEdges()
        try checkCompleteness(&graph, records: records, line: line, path: path, allowTruncated: allowTruncated)
    }

    /// meliae has no trailer. A complete meliae dump refers to at most a
    /// handful of objects it did not write (its own pending list); one that
    /// died part-way, as meliae does on ints >= 2**63, leaves many.
    private static func checkCompleteness(_ graph: inout HeapGraph, records: Int, line: Int, path: String, allowTruncated: Bool) throws(LoadError) {
        let missing = graph.flags.reduce(0) { $0 + ($1.contains(.placeholder) ? 1 : 0) }
        guard missing > max(10, records / 1000) else { return }
        let why = "\(missing) referenced objects have no record, so meliae stopped part-way (it dies like this on ints >= 2**63, and dump_gc_objects writes only gc-tracked objects)"
        if allowTruncated {
            graph.info.truncated = true
            graph.info.warnings.append("\(path):\(line): dump looks truncated: \(why)")
        } else {
            throw LoadError(file: path, line: line, reason: "dump looks truncated: \(why). Use --allow-truncated to load what is there")
        }
    }
}

extension HeapGraph {
    /// meliae writes no edge labels, but its refs follow fixed orders that
    /// let us recover the useful ones: a dict's refs are key, value, key,
    /// value; a module's only ref is its `__dict__`.
    /// Called by `MeliaeFormat.finish`; `GraphBuilder` computes the weak pairs after it.
    mutating func labelMeliaeEdges() {
        let dict = strings.lookup("dict")
        let module = strings.lookup("module")
        let str = [strings.lookup("str"), strings.lookup("unicode")]
        let int = [strings.lookup("int"), strings.lookup("long")]
        let bytes = strings.lookup("bytes")
        let keyish = Set([strings.lookup("str"), strings.lookup("unicode"), strings.lookup("bytes"), strings.lookup("int")].compactMap { $0 })
        guard dict != nil || module != nil else { return }
        let keyLabel = strings.intern("<key>")
        let dictEdge = strings.intern("__dict__")

        // A dict whose refs number twice its len lists key/value pairs. meliae
        // writes key, value on Python 2 and value, key on Python 3; tell which
        // from where the str and int objects sit.
        func pairs(_ n: Int) -> Range<Int>? {
            let edges = Int(forwardOffsets[n])..<Int(forwardOffsets[n + 1])
            guard typeIDs[n] == dict, !edges.isEmpty else { return nil }
            // Without "len" (meliae's own refs_as_dict pairs them anyway): an even count.
            guard let len = length(Node(n)) else { return edges.count % 2 == 0 ? edges : nil }
            return edges.count == 2 * Int(len) ? edges : nil
        }
        var evenKeys = 0, oddKeys = 0
        for n in 0..<nodeCount {
            guard let edges = pairs(n) else { continue }
            for e in edges where keyish.contains(typeIDs[Int(forwardTargets[e])]) {
                if (e - edges.lowerBound) % 2 == 0 { evenKeys += 1 } else { oddKeys += 1 }
            }
        }
        let keyFirst = evenKeys >= oddKeys
        for n in 0..<nodeCount {
            if let edges = pairs(n) {
                var e = edges.lowerBound
                while e < edges.upperBound {
                    let (k, v) = keyFirst ? (e, e + 1) : (e + 1, e)
                    let key = Int(forwardTargets[k])
                    edgeLabels[k] = keyLabel
                    let kt = typeIDs[key]
                    let label: String
                    if str.contains(kt), flags[key].contains(.textIsValue) {
                        label = "[" + Escape.pythonRepr(strings[textIDs[key]]) + "]"
                    } else if kt == bytes, flags[key].contains(.textIsValue) {
                        label = "[b" + Escape.pythonRepr(strings[textIDs[key]]) + "]"
                    } else if int.contains(kt), flags[key].contains(.textIsValue) {
                        label = "[" + strings[textIDs[key]] + "]"
                    } else {
                        label = "[<" + strings[kt] + ">]"
                    }
                    edgeLabels[v] = strings.intern(String(label.prefix(64)))
                    e += 2
                }
            } else if typeIDs[n] == module {
                for e in Int(forwardOffsets[n])..<Int(forwardOffsets[n + 1]) where typeIDs[Int(forwardTargets[e])] == dict {
                    edgeLabels[e] = dictEdge
                }
            } else {
                labelByShape(n, dict: dict, dictEdge: dictEdge)
            }
        }
        dictLabel = dictEdge
    }

    /// Labels that follow from the shapes meliae writes (see
    /// Tests/Fixtures/meliae/README.md): lists and tuples are written in
    /// reverse, functions start with their code and globals, instances with
    /// their `__dict__` and class.
    private mutating func labelByShape(_ n: Int, dict: UInt32?, dictEdge: UInt32) {
        let edges = Int(forwardOffsets[n])..<Int(forwardOffsets[n + 1])
        guard !edges.isEmpty else { return }
        let type = strings[typeIDs[n]]
        func target(_ e: Int) -> Int { Int(forwardTargets[e]) }
        switch type {
        case "list", "tuple":
            if let len = length(Node(n)), Int(len) == edges.count {
                for (k, e) in edges.enumerated() { edgeLabels[e] = strings.intern("[\(edges.count - 1 - k)]") }
            }
        case "collections.deque":
            for (k, e) in edges.enumerated() { edgeLabels[e] = strings.intern("[\(k)]") }
        case "function":
            if strings[typeIDs[target(edges.lowerBound)]] == "code" { edgeLabels[edges.lowerBound] = strings.intern("__code__") }
            if edges.count > 1, typeIDs[target(edges.lowerBound + 1)] == dict {
                edgeLabels[edges.lowerBound + 1] = strings.intern("__globals__")
            }
        case "cell":
            if edges.count == 1 { edgeLabels[edges.lowerBound] = strings.intern("cell_contents") }
        case "instance":
            // Python 2's old-style instance: [its classobj, its __dict__]. Typed
            // by its class, as meliae's loader names it.
            let cls = target(edges.lowerBound)
            guard strings[typeIDs[cls]] == "classobj", !flags[cls].contains(.textIsValue), textIDs[cls] != 0 else { return }
            typeIDs[n] = textIDs[cls]
            edgeLabels[edges.lowerBound] = strings.intern("__class__")
            if edges.count > 1, typeIDs[target(edges.lowerBound + 1)] == dict { edgeLabels[edges.lowerBound + 1] = dictEdge }
        default:
            // An instance: [its __dict__, its class]; a class: [its dict, mro, bases, base].
            let first = target(edges.lowerBound)
            if typeIDs[first] == dict && edges.count >= 2 {
                let second = target(edges.lowerBound + 1)
                let isInstance = !flags[second].contains(.textIsValue) && textIDs[second] == typeIDs[n]
                let isClass = !flags[n].contains(.textIsValue) && textIDs[n] != 0 && strings[typeIDs[second]] == "tuple"
                if isInstance {
                    edgeLabels[edges.lowerBound] = dictEdge
                    edgeLabels[edges.lowerBound + 1] = strings.intern("__class__")
                } else if isClass {
                    edgeLabels[edges.lowerBound] = dictEdge
                    edgeLabels[edges.lowerBound + 1] = strings.intern("__mro__")
                    if edges.count >= 3 { edgeLabels[edges.lowerBound + 2] = strings.intern("__bases__") }
                    if edges.count >= 4 { edgeLabels[edges.lowerBound + 3] = strings.intern("__base__") }
                }
            }
        }
    }
}
