#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A whole file mapped read-only, shared by the columns that point into it
/// and unmapped when the last of them goes.
///
/// Its pages are the kernel's page cache: they count towards the process's
/// RSS only while mapped in and read, and can be dropped and read back at
/// any time, so a mapped graph costs what a command actually reads.
final class MappedFile: @unchecked Sendable {
    let base: UnsafeRawPointer
    let size: Int

    /// Maps the open file `fd` of `size` bytes; nil when mapping fails.
    init?(fd: Int32, size: Int) {
        guard size > 0 else { return nil }
        let p = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0)
        guard let p, p != MAP_FAILED else { return nil }
        base = UnsafeRawPointer(p)
        self.size = size
    }

    deinit { munmap(UnsafeMutableRawPointer(mutating: base), size) }

    /// Drops the whole pages inside `range` from this process's memory.
    func evict(_ range: UnsafeRawBufferPointer) {
        guard let start = range.baseAddress else { return }
        let page = Int(getpagesize())
        let lo = (Int(bitPattern: start) + page - 1) & ~(page - 1)
        let hi = (Int(bitPattern: start) + range.count) & ~(page - 1)
        guard hi > lo, let p = UnsafeMutableRawPointer(bitPattern: lo) else { return }
        _ = madvise(p, hi - lo, MADV_DONTNEED)
    }
}
