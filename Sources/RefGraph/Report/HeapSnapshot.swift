/// Chrome's heap snapshot format (V8's `.heapsnapshot`), so that Chrome
/// DevTools' Memory panel and memlab can open a Python heap: one node per
/// object (kind, name, self size), one edge per reference (a property named
/// by its label, an element for `[N]`, weak for weak references), and a
/// synthetic root whose elements are the GC roots.
///
/// Names: an object's is its Python type (DevTools groups the Summary view
/// by it); a function's is its name (a V8 closure); a str with a known value
/// shows the value. Ids are odd and small (node `i` is `2i + 3`, the root 1)
/// because JavaScript numbers hold 53 bits and addresses need 64; the
/// address stays in the refgraph dump. Cost: one pass over nodes and
/// edges, output in memory (about 40 bytes a node and 12 an edge).
public enum HeapSnapshot {
    /// V8's node kinds, in the order of `meta.node_types[0]`.
    static let nodeTypes = ["hidden", "array", "string", "object", "code", "closure", "regexp", "number",
                            "native", "synthetic", "concatenated string", "sliced string", "symbol", "bigint",
                            "object shape"]
    /// V8's edge kinds, in the order of `meta.edge_types[0]`.
    static let edgeTypes = ["context", "element", "property", "internal", "hidden", "shortcut", "weak"]
    static let nodeFields = ["type", "name", "id", "self_size", "edge_count", "trace_node_id", "detachedness"]
    static let edgeFields = ["type", "name_or_index", "to_node"]

    /// The snapshot of `graph` as JSON bytes.
    public static func json(_ graph: HeapGraph) -> [UInt8] {
        var out = JSONBytes()
        let strings = graph.strings.count  // string 0 is "", the root's name
        let kinds = Kinds(graph)
        let roots = graph.roots
        out.text("{\"snapshot\":{\"meta\":{\"node_fields\":")
        out.strings(nodeFields)
        out.text(",\"node_types\":[")
        out.strings(nodeTypes)
        out.text(",\"string\",\"number\",\"number\",\"number\",\"number\",\"number\"],\"edge_fields\":")
        out.strings(edgeFields)
        out.text(",\"edge_types\":[")
        out.strings(edgeTypes)
        out.text(",\"string_or_number\",\"node\"],\"trace_function_info_fields\":[],\"trace_node_fields\":[],"
                 + "\"sample_fields\":[],\"location_fields\":[]},\"node_count\":")
        out.number(UInt64(graph.nodeCount + 1))
        out.text(",\"edge_count\":")
        out.number(UInt64(graph.edgeCount + roots.count))
        out.text(",\"trace_function_count\":0},\n\"nodes\":[")
        // The synthetic root, then every object.
        out.item(9, first: true); out.item(0); out.item(1); out.item(0); out.item(UInt64(roots.count)); out.item(0); out.item(0)
        for i in 0..<graph.nodeCount {
            let n = HeapGraph.Node(i)
            let (kind, name) = kinds.of(n)
            out.text("\n")
            out.item(UInt64(kind)); out.item(UInt64(name)); out.item(UInt64(2 * i + 3))
            out.item(min(graph.size(n), 1 << 53)); out.item(UInt64(graph.outEdges(n).count)); out.item(0); out.item(0)
        }
        out.text("],\n\"edges\":[")
        let fields = UInt64(nodeFields.count)
        var first = true
        for (k, r) in roots.enumerated() {
            out.item(1, first: first); out.item(UInt64(k)); out.item((UInt64(r) + 1) * fields)
            first = false
        }
        let weak = graph.weakLabel
        for i in 0..<graph.nodeCount {
            var position: UInt64 = 0
            for e in graph.outEdges(HeapGraph.Node(i)) {
                let label = graph.edgeLabels[e]
                let to = (UInt64(graph.forwardTargets[e]) + 1) * fields
                let (kind, nameOrIndex): (UInt64, UInt64)
                if label == weak {
                    (kind, nameOrIndex) = (6, UInt64(label))
                } else if let index = kinds.elementIndex(label) {
                    (kind, nameOrIndex) = (1, index)
                } else if label == 0 {  // unlabelled: an element by position
                    (kind, nameOrIndex) = (1, position)
                } else {
                    (kind, nameOrIndex) = (2, UInt64(label))
                }
                position += 1
                out.text("\n")
                out.item(kind, first: first); out.item(nameOrIndex); out.item(to)
                first = false
            }
        }
        out.text("],\n\"trace_function_infos\":[],\"trace_tree\":[],\"samples\":[],\"locations\":[],\n\"strings\":[")
        for s in 0..<strings {
            if s > 0 { out.text(",\n") }
            out.text(Escape.json(graph.strings[UInt32(s)]))
        }
        out.text("]}\n")
        return out.bytes
    }

    /// Node kinds and names, and element indices of labels, from the graph's strings.
    struct Kinds {
        let graph: HeapGraph
        /// The V8 kind of each type-name string id that is not a plain object.
        private var kindOfType: [UInt32: Int] = [:]
        /// For each label string id of the form `[N]` with at most 15 digits
        /// (a JavaScript number holds it exactly), N + 1 (0: not an index).
        private var index: [UInt64]

        init(_ graph: HeapGraph) {
            self.graph = graph
            let special: [(Int, [String])] = [
                (2, ["str", "bytes", "unicode", "bytearray"]),
                (7, ["int", "float", "bool", "complex", "long", "NoneType"]),
                (5, ["function", "builtin_function_or_method", "method", "classmethod", "staticmethod"]),
                (4, ["code"]),
                (0, ["unknown"]),
            ]
            for (kind, names) in special {
                for name in names { if let id = graph.strings.lookup(name) { kindOfType[id] = kind } }
            }
            index = [UInt64](repeating: 0, count: graph.strings.count)
            for s in 0..<graph.strings.count {
                let text = graph.strings[UInt32(s)].utf8
                guard text.count >= 3, text.count <= 17, text.first == UInt8(ascii: "["), text.last == UInt8(ascii: "]") else { continue }
                let digits = text.dropFirst().dropLast()
                guard digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let v = UInt64(String(decoding: digits, as: UTF8.self)) else { continue }
                index[s] = v + 1
            }
        }

        /// The kind (index into `nodeTypes`) and name (string id) of `n`.
        func of(_ n: HeapGraph.Node) -> (Int, Int) {
            if graph.flags(n).contains(.placeholder) { return (0, Int(graph.typeIDs[Int(n)])) }
            let type = graph.typeIDs[Int(n)]
            let kind = kindOfType[type] ?? 3
            let text = graph.textIDs[Int(n)]
            if text != 0 && (kind == 5 || (kind == 2 && graph.flags(n).contains(.textIsValue))) { return (kind, Int(text)) }
            return (kind, Int(type))
        }

        /// N for a label `[N]`, else nil.
        func elementIndex(_ label: UInt32) -> UInt64? {
            let v = index[Int(label)]
            return v == 0 ? nil : v - 1
        }
    }
}

/// A growing JSON text as bytes: numbers written digit by digit.
struct JSONBytes {
    var bytes: [UInt8] = []

    mutating func text(_ s: String) { bytes.append(contentsOf: s.utf8) }

    mutating func number(_ v: UInt64) {
        if v < 10 { bytes.append(0x30 + UInt8(v)); return }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var x = v, k = 20
            while x > 0 { k -= 1; digits[k] = 0x30 + UInt8(x % 10); x /= 10 }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: digits[k..<20]))
        }
    }

    /// One value of a flat number array, after a comma unless it is the `first`.
    mutating func item(_ v: UInt64, first: Bool = false) {
        if !first { bytes.append(0x2c) }
        number(v)
    }

    /// A JSON array of strings.
    mutating func strings(_ values: [String]) {
        text("[" + values.map(Escape.json).joined(separator: ",") + "]")
    }
}
