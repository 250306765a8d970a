/// A fast streaming 64-bit checksum (xxHash64's round on four lanes) for
/// telling a damaged or different file from the one an index image was made
/// from. Not a defence against a forger: the image is trusted only when it
/// is ours (see `IndexCache.read`). Cost: about a byte per cycle.
struct ContentHash {
    private static let p1: UInt64 = 0x9E37_79B1_85EB_CA87
    private static let p2: UInt64 = 0xC2B2_AE3D_27D4_EB4F
    private static let p3: UInt64 = 0x1656_67B1_9E37_79F9
    private var a = p1 &+ p2, b = p2, c: UInt64 = 0, d: UInt64 = 0 &- p1
    private var pending: [UInt8] = []
    private var total: UInt64 = 0

    @inline(__always)
    private static func round(_ acc: UInt64, _ w: UInt64) -> UInt64 {
        let x = acc &+ w &* p2
        return ((x << 31) | (x >> 33)) &* p1
    }

    private mutating func block(_ p: UnsafeRawPointer) {
        a = Self.round(a, p.loadUnaligned(as: UInt64.self))
        b = Self.round(b, p.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        c = Self.round(c, p.loadUnaligned(fromByteOffset: 16, as: UInt64.self))
        d = Self.round(d, p.loadUnaligned(fromByteOffset: 24, as: UInt64.self))
    }

    /// Adds bytes; any split of the same bytes into calls gives the same value.
    mutating func add(_ bytes: UnsafeRawBufferPointer) {
        guard var p = bytes.baseAddress, bytes.count > 0 else { return }
        var n = bytes.count
        total &+= UInt64(n)
        if !pending.isEmpty {
            let take = min(32 - pending.count, n)
            pending.append(contentsOf: UnsafeRawBufferPointer(start: p, count: take))
            p += take; n -= take
            if pending.count < 32 { return }
            pending.withUnsafeBytes { block($0.baseAddress!) }
            pending.removeAll(keepingCapacity: true)
        }
        while n >= 32 { block(p); p += 32; n -= 32 }
        if n > 0 { pending.append(contentsOf: UnsafeRawBufferPointer(start: p, count: n)) }
    }

    var value: UInt64 {
        var h = ((a << 1) | (a >> 63)) &+ ((b << 7) | (b >> 57)) &+ ((c << 12) | (c >> 52)) &+ ((d << 18) | (d >> 46))
        h ^= total
        for byte in pending { h = (h ^ UInt64(byte)) &* Self.p3 }
        h ^= h >> 33; h &*= Self.p2; h ^= h >> 29; h &*= Self.p3; h ^= h >> 32
        return h
    }
}

extension ContentHash {
    /// Bytes per independently hashed chunk of a section.
    static let chunk = 1 << 20

    /// The checksum of a section: the hash of its chunks' hashes, so the
    /// chunks can be checked on all cores (`IndexCache`).
    static func section(chunkHashes: some Sequence<UInt64>) -> UInt64 {
        var h = ContentHash()
        for v in chunkHashes { withUnsafeBytes(of: v) { h.add($0) } }
        return h.value
    }

    /// The checksum of a section in memory.
    static func section(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        section(chunkHashes: stride(from: 0, to: bytes.count, by: chunk).map { start in
            var h = ContentHash()
            h.add(UnsafeRawBufferPointer(rebasing: bytes[start..<min(start + chunk, bytes.count)]))
            return h.value
        })
    }
}
