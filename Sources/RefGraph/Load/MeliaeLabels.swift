extension HeapGraph {
    /// meliae writes no edge labels, but its refs follow fixed orders that
    /// let us recover the useful ones: a dict's refs are key, value, key,
    /// value; a module's only ref is its `__dict__`.
    mutating func labelMeliaeEdges() {
        let dict = strings.lookup("dict")
        let module = strings.lookup("module")
        let str = [strings.lookup("str"), strings.lookup("unicode")]
        let int = [strings.lookup("int"), strings.lookup("long")]
        guard dict != nil || module != nil else { return }
        let keyLabel = strings.intern("<key>")
        let dictEdge = strings.intern("__dict__")
        for n in 0..<nodeCount {
            let t = typeIDs[n]
            let edges = Int(forwardOffsets[n])..<Int(forwardOffsets[n + 1])
            if t == dict && edges.count % 2 == 0 {
                var e = edges.lowerBound
                while e < edges.upperBound {
                    let key = Int(forwardTargets[e])
                    edgeLabels[e] = keyLabel
                    let kt = typeIDs[key]
                    let label: String
                    if str.contains(kt), flags[key].contains(.textIsValue) {
                        label = "[" + pythonRepr(strings[textIDs[key]]) + "]"
                    } else if int.contains(kt), flags[key].contains(.textIsValue) {
                        label = "[" + strings[textIDs[key]] + "]"
                    } else {
                        label = "[<" + strings[kt] + ">]"
                    }
                    edgeLabels[e + 1] = strings.intern(String(label.prefix(64)))
                    e += 2
                }
            } else if t == module && edges.count == 1 && typeIDs[Int(forwardTargets[edges.lowerBound])] == dict {
                edgeLabels[edges.lowerBound] = dictEdge
            }
        }
        dictLabel = dictEdge
    }
}

/// Python's repr of a str, as the exporter writes dict-key labels: single quotes.
func pythonRepr(_ s: String) -> String {
    var out = "'"
    for ch in s.unicodeScalars {
        switch ch {
        case "'": out += "\\'"
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        default:
            if ch.value < 0x20 || ch.value == 0x7f { out += String(format: "\\x%02x", ch.value) } else { out.unicodeScalars.append(ch) }
        }
    }
    return out + "'"
}

import Foundation
