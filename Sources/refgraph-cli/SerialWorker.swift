import Glibc

/// One thread that runs jobs in the order they come: `refgraph serve` has
/// one for the explorer (which answers one request at a time anyway) and
/// one for Graphviz layouts (not thread-safe). A job waits in this queue,
/// never on a thread of the cooperative pool, which stays free to read
/// sockets and answer refusals however long a job takes.
final class SerialWorker: @unchecked Sendable {
    private let lock = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let wake = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var jobs: [() -> Void] = []
    private var thread = pthread_t()

    /// Starts the thread; it lives as long as the process.
    init() {
        pthread_mutex_init(lock, nil)
        pthread_cond_init(wake, nil)
        let me = Unmanaged.passRetained(self).toOpaque()
        guard pthread_create(&thread, nil, { context in
            Unmanaged<SerialWorker>.fromOpaque(context!).takeUnretainedValue().loop()
            return nil
        }, me) == 0 else { fatalError("refgraph serve: cannot start a worker thread") }
    }

    /// Runs `work` on the worker thread, after the jobs before it, and returns its result.
    func run<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { done in
            pthread_mutex_lock(lock)
            jobs.append { done.resume(returning: work()) }
            pthread_cond_signal(wake)
            pthread_mutex_unlock(lock)
        }
    }

    private func loop() {
        while true {
            pthread_mutex_lock(lock)
            while jobs.isEmpty { pthread_cond_wait(wake, lock) }
            let job = jobs.removeFirst()
            pthread_mutex_unlock(lock)
            job()
        }
    }
}
