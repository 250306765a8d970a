/// Interned strings: every distinct type name, edge label, object name and
/// value is stored once, and nodes refer to it by a 32-bit id.
///
/// Id 0 is always the empty string, which stands for "absent".
public struct StringTable: Sendable {
    /// All strings' UTF-8 bytes, back to back.
    private var bytes: [UInt8] = []
    /// `offsets[i] ..< offsets[i + 1]` are the bytes of string `i`.
    private var offsets: [UInt32] = [0]
    private var cache: [String?] = []
    /// Open-addressing table of string ids + 1 (0 = empty slot).
    private var slots: [UInt32]
    private var mask: Int
    private let seed = HashSeed.process

    /// A table holding only the empty string, id 0.
    public init() {
        slots = [UInt32](repeating: 0, count: 1024)
        mask = 1023
        _ = intern(bytes: UnsafeBufferPointer(start: nil, count: 0))
    }

    /// Rebuilds a table from `storage`; nil when the parts do not fit together.
    init?(bytes: [UInt8], offsets: [UInt32]) {
        guard let first = offsets.first, first == 0, offsets.last.map({ Int($0) == bytes.count }) == true,
              zip(offsets, offsets.dropFirst()).allSatisfy({ $0 <= $1 }) else { return nil }
        self.bytes = bytes
        self.offsets = offsets
        cache = Array(repeating: nil, count: offsets.count - 1)
        var size = 1024
        while size < offsets.count * 2 { size *= 2 }
        slots = [UInt32](repeating: 0, count: size)
        mask = size - 1
        let table = bytes
        table.withUnsafeBufferPointer { buf in
            for id in 0..<(offsets.count - 1) {
                let key = UnsafeBufferPointer(rebasing: buf[Int(offsets[id])..<Int(offsets[id + 1])])
                var slot = hash(key) & mask
                while slots[slot] != 0 { slot = (slot + 1) & mask }
                slots[slot] = UInt32(id + 1)
            }
        }
    }

    /// The raw parts, for the index cache.
    var storage: ([UInt8], [UInt32]) { (bytes, offsets) }

    /// Number of distinct strings.
    public var count: Int { offsets.count - 1 }

    /// The id of `text`, adding it when new.
    @discardableResult
    public mutating func intern(_ text: String) -> UInt32 {
        var text = text
        return text.withUTF8 { intern(bytes: $0) }
    }

    /// The id of the string with these UTF-8 bytes, adding it when new.
    public mutating func intern(bytes key: UnsafeBufferPointer<UInt8>) -> UInt32 {
        let hash = hash(key)
        var slot = hash & mask
        while true {
            let entry = slots[slot]
            if entry == 0 { break }
            let id = Int(entry - 1)
            if equals(id, key) { return UInt32(id) }
            slot = (slot + 1) & mask
        }
        let id = UInt32(count)
        if let base = key.baseAddress, key.count > 0 {
            bytes.append(contentsOf: UnsafeBufferPointer(start: base, count: key.count))
        }
        precondition(bytes.count < Int(UInt32.max), "string table exceeds 4 GiB")
        offsets.append(UInt32(bytes.count))
        cache.append(nil)
        slots[slot] = id + 1
        if count * 2 > slots.count { grow() }
        return id
    }

    /// The id of `text` if it was interned, without adding it.
    public func lookup(_ text: String) -> UInt32? {
        var text = text
        return text.withUTF8 { key -> UInt32? in
            var slot = hash(key) & mask
            while true {
                let entry = slots[slot]
                if entry == 0 { return nil }
                if equals(Int(entry - 1), key) { return entry - 1 }
                slot = (slot + 1) & mask
            }
        }
    }

    /// The string with id `id`.
    public subscript(id: UInt32) -> String {
        if let s = cache[Int(id)] { return s }
        let lo = Int(offsets[Int(id)]), hi = Int(offsets[Int(id) + 1])
        return bytes.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[lo..<hi]), as: UTF8.self) }
    }

    /// Approximate heap bytes held.
    public var memoryFootprint: Int { bytes.capacity + offsets.capacity * 4 + slots.capacity * 4 + cache.capacity * 16 }

    private func equals(_ id: Int, _ key: UnsafeBufferPointer<UInt8>) -> Bool {
        let lo = Int(offsets[id]), hi = Int(offsets[id + 1])
        guard hi - lo == key.count else { return false }
        if key.count == 0 { return true }
        return bytes.withUnsafeBufferPointer { buf in
            memcmp(buf.baseAddress! + lo, key.baseAddress!, key.count) == 0
        }
    }

    private mutating func grow() {
        let newCount = slots.count * 2
        var newSlots = [UInt32](repeating: 0, count: newCount)
        let newMask = newCount - 1
        bytes.withUnsafeBufferPointer { buf in
            for id in 0..<count {
                let lo = Int(offsets[id]), hi = Int(offsets[id + 1])
                let key = UnsafeBufferPointer(rebasing: buf[lo..<hi])
                var slot = hash(key) & newMask
                while newSlots[slot] != 0 { slot = (slot + 1) & newMask }
                newSlots[slot] = UInt32(id + 1)
            }
        }
        slots = newSlots
        mask = newMask
    }

    /// FNV-1a over the bytes, from a basis seeded per process (HashSeed) so
    /// that a crafted dump cannot aim its strings at one slot; type names and
    /// labels are short.
    @inline(__always)
    func hash(_ key: UnsafeBufferPointer<UInt8>) -> Int {
        let h = HashSeed.fnv1a(key, seed: seed)
        return Int(truncatingIfNeeded: h ^ (h >> 29))
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
