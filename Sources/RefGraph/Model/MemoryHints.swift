#if canImport(Glibc)
import Glibc
#endif

/// Asks the kernel for transparent huge pages over a large, not yet touched
/// buffer. Filling 100 MB one 4 KiB page fault at a time costs more than the
/// copy itself (most of a cached load's time); with 2 MiB pages the faults
/// all but vanish, and random reads over the array miss the TLB less.
/// Harmless where THP is off: madvise just fails.
enum HugePages {
    static let size = 2 << 20

    static func advise(_ base: UnsafeMutableRawPointer, bytes: Int) {
        guard bytes >= 2 * size else { return }
        let start = (Int(bitPattern: base) + size - 1) & ~(size - 1)
        let end = (Int(bitPattern: base) + bytes) & ~(size - 1)
        guard end > start, let p = UnsafeMutableRawPointer(bitPattern: start) else { return }
        _ = madvise(p, end - start, MADV_HUGEPAGE)
    }
}

extension Array where Element: BitwiseCopyable {
    /// A large array on huge pages (see `HugePages`), every element `value`.
    static func onHugePages(repeating value: Element, count: Int) -> [Element] {
        [Element](unsafeUninitializedCapacity: count) { b, c in
            if let base = b.baseAddress { HugePages.advise(base, bytes: count * MemoryLayout<Element>.stride) }
            b.initialize(repeating: value)
            c = count
        }
    }
}

extension Array where Element: BitwiseCopyable {
    /// Reserves room for `n` elements; an empty array that will be large gets
    /// it on huge pages (see `HugePages`), so filling it faults once per 2 MiB.
    mutating func reserveOnHugePages(_ n: Int) {
        guard isEmpty && n * MemoryLayout<Element>.stride >= 2 * HugePages.size else {
            reserveCapacity(n)
            return
        }
        self = [Element](unsafeUninitializedCapacity: n) { b, count in
            if let base = b.baseAddress { HugePages.advise(base, bytes: n * MemoryLayout<Element>.stride) }
            count = 0
        }
    }
}

/// Consumes a value the optimizer must not drop: the result of loads issued
/// early only to start their cache misses (Swift has no prefetch intrinsic).
@_optimize(none) @inline(never) func keepAlive(_ value: UInt32) {}
