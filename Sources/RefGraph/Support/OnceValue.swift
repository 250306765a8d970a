#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A value computed once, by whichever thread asks first; a thread that asks
/// while it is being computed waits for it instead of computing it again.
/// `refgraph serve` warms the dominator index on a background thread this
/// way while the first requests are answered.
public final class OnceValue<T: Sendable>: @unchecked Sendable {
    private let lock = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let ready = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var value: T?
    private var computing = false

    public init() {
        pthread_mutex_init(lock, nil)
        pthread_cond_init(ready, nil)
    }

    deinit {
        pthread_cond_destroy(ready); ready.deallocate()
        pthread_mutex_destroy(lock); lock.deallocate()
    }

    /// The value: computed by `compute` if nobody has started, else the one
    /// being (or already) computed.
    public func get(_ compute: () -> T) -> T {
        pthread_mutex_lock(lock)
        while true {
            if let v = value { pthread_mutex_unlock(lock); return v }
            if !computing { break }
            pthread_cond_wait(ready, lock)
        }
        computing = true
        pthread_mutex_unlock(lock)
        let v = compute()
        pthread_mutex_lock(lock)
        value = v
        computing = false
        pthread_cond_broadcast(ready)
        pthread_mutex_unlock(lock)
        return v
    }
}
