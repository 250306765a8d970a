/// A small streaming JSON writer for reports; strings are always escaped.
public struct JSONWriter {
    public private(set) var text = ""
    private var needComma: [Bool] = [false]
    private var afterKey = false

    public init() {}

    private mutating func separator() {
        if afterKey { afterKey = false; return }
        if needComma[needComma.count - 1] { text += ", " }
        needComma[needComma.count - 1] = true
    }

    public mutating func key(_ k: String) {
        separator()
        text += Escape.json(k) + ": "
        afterKey = true
    }

    public mutating func beginObject() { separator(); text += "{"; needComma.append(false) }
    public mutating func endObject() { needComma.removeLast(); text += "}" }
    public mutating func beginArray() { separator(); text += "["; needComma.append(false) }
    public mutating func endArray() { needComma.removeLast(); text += "]" }
    /// Raw JSON produced by another writer.
    public mutating func raw(_ json: String) { separator(); text += json }

    public mutating func value(_ s: String) { separator(); text += Escape.json(s) }
    public mutating func value<T: BinaryInteger>(_ v: T) { separator(); text += String(v) }
    public mutating func value(_ b: Bool) { separator(); text += b ? "true" : "false" }
    public mutating func value(_ d: Double) { separator(); text += d.isFinite ? String(d) : "null" }
    public mutating func null() { separator(); text += "null" }

    public mutating func field(_ k: String, _ v: String) { key(k); value(v) }
    public mutating func field<T: BinaryInteger>(_ k: String, _ v: T) { key(k); value(v) }
    public mutating func field(_ k: String, _ v: Bool) { key(k); value(v) }
    public mutating func field(_ k: String, _ v: Double) { key(k); value(v) }
    /// `"k": [v, ...]`.
    public mutating func field<S: Sequence>(_ k: String, _ vs: S) where S.Element: BinaryInteger { key(k); beginArray(); for v in vs { value(v) }; endArray() }
    public mutating func field<S: Sequence>(_ k: String, _ vs: S) where S.Element == String { key(k); beginArray(); for v in vs { value(v) }; endArray() }
}
