import CZlib

/// Survives a mapped file that shrinks while it is read (log rotation, `cp`
/// over a dump): reads past the new end would raise SIGBUS and kill the
/// process. A guarded range gets zero pages instead, and `faults` counts
/// them so that the reader can report the file as changed. A SIGBUS outside
/// every guarded range still kills the process as before.
///
/// The C side (CZlib/mapguard.h) is static: this file is its only user.
/// Cost: one `sigaction` per process, two atomic stores per mapping.
final class MapGuard: Sendable {
    private let slot: Int32

    /// Guards `length` bytes at `base` until the guard is released; release
    /// it before unmapping the range.
    init(_ base: UnsafeRawPointer, length: Int) {
        slot = rg_guard_add(base, length)
    }

    /// Zero pages handed out so far: nonzero means the file shrank.
    var faults: Int { Int(rg_guard_faults(slot)) }

    deinit { rg_guard_remove(slot) }
}
