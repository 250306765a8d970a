/// A small streaming JSON writer for reports; strings are always escaped.
public struct JSONWriter {
    /// The JSON written so far.
    public private(set) var text = ""
    private var needComma: [Bool] = [false]
    private var afterKey = false

    /// An empty writer.
    public init() {}

    private mutating func separator() {
        if afterKey { afterKey = false; return }
        if needComma[needComma.count - 1] { text += ", " }
        needComma[needComma.count - 1] = true
    }

    /// Writes `"k": `; the next value written is its value.
    public mutating func key(_ k: String) {
        separator()
        text += Escape.json(k) + ": "
        afterKey = true
    }

    /// Opens an object (`{`), as a value.
    public mutating func beginObject() { separator(); text += "{"; needComma.append(false) }
    /// Closes the innermost object.
    public mutating func endObject() { needComma.removeLast(); text += "}" }
    /// Opens an array (`[`), as a value.
    public mutating func beginArray() { separator(); text += "["; needComma.append(false) }
    /// Closes the innermost array.
    public mutating func endArray() { needComma.removeLast(); text += "]" }
    /// Raw JSON produced by another writer.
    public mutating func raw(_ json: String) { separator(); text += json }

    /// A string, escaped.
    public mutating func value(_ s: String) { separator(); text += Escape.json(s) }
    /// An integer.
    public mutating func value<T: BinaryInteger>(_ v: T) { separator(); text += String(v) }
    /// `true` or `false`.
    public mutating func value(_ b: Bool) { separator(); text += b ? "true" : "false" }
    /// A number; `null` when not finite (JSON has no NaN or infinity).
    public mutating func value(_ d: Double) { separator(); text += d.isFinite ? String(d) : "null" }
    /// `null`.
    public mutating func null() { separator(); text += "null" }

    /// `"k": v`, the string escaped.
    public mutating func field(_ k: String, _ v: String) { key(k); value(v) }
    /// `"k": v`.
    public mutating func field<T: BinaryInteger>(_ k: String, _ v: T) { key(k); value(v) }
    /// `"k": v`.
    public mutating func field(_ k: String, _ v: Bool) { key(k); value(v) }
    /// `"k": v`; `null` when not finite.
    public mutating func field(_ k: String, _ v: Double) { key(k); value(v) }
    /// `"k": [v, ...]`.
    public mutating func field<S: Sequence>(_ k: String, _ vs: S) where S.Element: BinaryInteger { key(k); beginArray(); for v in vs { value(v) }; endArray() }
    /// `"k": [v, ...]`, each string escaped.
    public mutating func field<S: Sequence>(_ k: String, _ vs: S) where S.Element == String { key(k); beginArray(); for v in vs { value(v) }; endArray() }
    /// An array of objects, as a value: `[{...}, ...]`, `body` writing the
    /// fields of each item's object.
    public mutating func objects<S: Sequence>(_ items: S, _ body: (inout JSONWriter, S.Element) -> Void) {
        beginArray()
        for x in items { beginObject(); body(&self, x); endObject() }
        endArray()
    }
    /// `"k": [{...}, ...]`, `body` writing the fields of each item's object.
    public mutating func objects<S: Sequence>(_ k: String, _ items: S, _ body: (inout JSONWriter, S.Element) -> Void) {
        key(k)
        objects(items, body)
    }
}
