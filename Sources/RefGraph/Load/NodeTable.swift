/// The optional node table of an edge list: one row per object, with a
/// header naming columns among id, type, size, name, root, finalizer,
/// refcount, len and value. Other columns are ignored.
struct NodeTable {
    struct Row {
        var typeID: UInt32 = 0
        var size: UInt64 = 0
        var nameID: UInt32 = 0
        var valueID: UInt32 = 0
        var root: RootKind = .none
        var finalizer: FinalizerKind = .none
        var refcount: UInt64?
        var length: UInt64?

        func apply(to r: inout NodeRecord) {
            if typeID != 0 { r.typeID = typeID }
            r.size = size
            if nameID != 0 { r.textID = nameID; r.textIsValue = false }
            else if valueID != 0 { r.textID = valueID; r.textIsValue = true }
            r.root = root
            r.finalizer = finalizer
            r.refcount = refcount
            r.length = length
        }
    }

    var rows: [NodeKey: Row] = [:]
    var order: [NodeKey] = []
    var isEmpty: Bool { rows.isEmpty }
    /// Repeated ids: the first row of an id wins, the others are counted here.
    var warnings: [String] = []

    static let columns = ["id", "type", "size", "name", "root", "finalizer", "refcount", "len", "value"]

    static func load(_ path: String, ids: inout TokenIDs, strings: inout StringTable) throws(LoadError) -> NodeTable {
        let bytes = try DumpBytes(path: path)
        do {
            let table = try parse(bytes, path, ids: &ids, strings: &strings)
            try bytes.checkUnchanged(path)
            return table
        } catch {
            try bytes.checkUnchanged(path)
            throw error
        }
    }

    private static func parse(_ bytes: DumpBytes, _ path: String, ids: inout TokenIDs, strings: inout StringTable) throws(LoadError) -> NodeTable {
        var table = NodeTable()
        var splitter = FieldSplitter(.tab)
        var column: [String: Int] = [:]
        var width = 0
        var duplicates = 0, firstDuplicateLine = 0
        var totalSize: UInt64 = 0
        let base = bytes.base
        try forEachDataLine(bytes) { (line: Int, s: Int, e: Int) throws(LoadError) in
            func split(_ splitter: inout FieldSplitter, _ line: Int) throws(LoadError) {
                do throws(ScanError) { try splitter.split(base, s, e) } catch { throw LoadError(file: path, line: line, reason: error.reason) }
            }
            if column.isEmpty {
                splitter = FieldSplitter(Delimiter.detect(base, s, e))
                try split(&splitter, line)
                width = splitter.fields.count
                for (i, r) in splitter.fields.enumerated() {
                    let word = splitter.text(base, r).lowercased()
                    if columns.contains(word) && column[word] == nil { column[word] = i }
                }
                guard column["id"] != nil else {
                    throw LoadError(file: path, line: line, reason: "a node table needs a header line naming an 'id' column (and any of: \(columns.dropFirst().joined(separator: ", ")))")
                }
                return
            }
            try split(&splitter, line)
            let f = splitter.fields
            guard f.count == width else {
                throw LoadError(file: path, line: line, reason: "expected \(width) fields as in the header, found \(f.count)")
            }
            func text(_ name: String) -> String? {
                guard let i = column[name] else { return nil }
                let t = splitter.text(base, f[i])
                return t.isEmpty ? nil : t
            }
            func number(_ name: String) throws(LoadError) -> UInt64? {
                guard let t = text(name) else { return nil }
                guard let v = UInt64(t) else {
                    throw LoadError(file: path, line: line, reason: "\(name) '\(Escape.terminal(String(t.prefix(40))))' is not a non-negative integer")
                }
                return v
            }
            let (id, sym) = ids.key(base, f[column["id"]!], strings: &strings)
            guard table.rows[id] == nil else {
                if duplicates == 0 { firstDuplicateLine = line }
                duplicates += 1
                return
            }
            var row = Row()
            if let t = text("type") { row.typeID = strings.intern(t) }
            row.size = try number("size") ?? 0
            let (total, overflow) = totalSize.addingReportingOverflow(row.size)
            guard !overflow, total <= UInt64(Int64.max) else {
                throw LoadError(file: path, line: line, reason: "the sizes of the rows so far add up to more than 2^63 bytes, which no process holds (this row's size is \(row.size))")
            }
            totalSize = total
            if let t = text("name") { row.nameID = strings.intern(t) } else if let sym { row.nameID = sym }
            if let t = text("value") { row.valueID = strings.intern(t) }
            if let t = text("root"), !["0", "false", "no", "none"].contains(t.lowercased()) {
                if let kind = RootKind(name: t) { row.root = kind }
                else if ["1", "true", "yes", "root"].contains(t.lowercased()) { row.root = .external }
                else { throw LoadError(file: path, line: line, reason: "unknown root kind '\(Escape.terminal(String(t.prefix(40))))'") }
            }
            if let t = text("finalizer") {
                guard let kind = FinalizerKind(name: t) else {
                    throw LoadError(file: path, line: line, reason: "unknown finalizer kind '\(Escape.terminal(String(t.prefix(40))))' (expected del or tp_del)")
                }
                row.finalizer = kind
            }
            row.refcount = try number("refcount")
            row.length = try number("len")
            table.order.append(id)
            table.rows[id] = row
        }
        if duplicates > 0 {
            table.warnings.append("\(path):\(firstDuplicateLine): \(duplicates) rows repeat an id of an earlier row and were ignored; the first row of an id wins")
        }
        if column.isEmpty {
            throw LoadError(file: path, line: 1, reason: "the node table is empty: it needs a header line naming an 'id' column")
        }
        return table
    }
}
