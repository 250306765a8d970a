/// A random seed per process for the loaders' hash tables (addresses,
/// interned strings), so that a crafted dump cannot aim all its keys at one
/// slot and make loading quadratic. Tables copy it into a stored property:
/// reading a global on every probe would cost a lazy-initialisation check.
enum HashSeed {
    static let process = UInt64.random(in: .min ... .max)

    /// A strong 64-bit mixer (a bijection: every output bit depends on every
    /// input bit), applied after the seed.
    @inline(__always)
    static func mix(_ x: UInt64, seed: UInt64) -> UInt64 {
        var x = x ^ seed
        x ^= x >> 32
        x &*= 0xD6E8_FEB8_6659_FD93
        x ^= x >> 32
        x &*= 0xD6E8_FEB8_6659_FD93
        x ^= x >> 32
        return x
    }

    /// FNV-1a over `bytes` from the offset basis xor `seed`: with the
    /// process seed for hash tables keyed by dump text (StringTable), with 0
    /// for a hash that is the same in every process (snapshot matching).
    /// Cost: a multiply a byte; for short keys (type names, labels).
    @inline(__always)
    static func fnv1a(_ bytes: some Sequence<UInt8>, seed: UInt64 = 0) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325 ^ seed
        for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return h
    }
}
