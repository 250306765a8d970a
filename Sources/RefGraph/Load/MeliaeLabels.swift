extension HeapGraph {
    /// meliae writes no edge labels, but its refs follow fixed orders that
    /// let us recover the useful ones: a dict's refs are key, value, key,
    /// value; a module's only ref is its `__dict__`.
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
        computeWeakPairs()
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

import Foundation
