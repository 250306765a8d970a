#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads the `digits SEP digits` lines of an edge list on a second thread
/// while the caller numbers the pairs on its own: the two halves of an
/// edge-list load take about the same time, so a big list loads in a little
/// over half the time on two cores (docs/DECISIONS.md, "Two cores for edge
/// lists").
///
/// The reader hands over chunks of up to `pairsPerChunk` pairs in file order.
/// A line it cannot read (a label, a symbolic id, a comment, a bad line)
/// travels in its chunk with its place among the pairs, so the caller takes
/// it through the general path in that place: the numbering and every error
/// message are those of the one-thread load. A chunk holds as many such
/// lines as pairs at most, so a file of symbolic ids also moves in big
/// chunks, not a handover per line. Memory: `slots` chunks of 16 bytes a
/// pair and 32 an other line (1.5 MiB), whatever the input's size.
final class NumericLinePipeline: @unchecked Sendable {
    static let pairsPerChunk = 8192
    static let slots = 4

    /// A line the reader could not take: its number, its bytes (newline
    /// excluded), and how many of the chunk's pairs come before it.
    struct OtherLine {
        var line = 0, start = 0, end = 0, after = 0
    }

    /// One chunk: `pairCount` pairs and `otherCount` other lines, in file order.
    struct Chunk {
        /// a0, b0, a1, b1, ...
        let pairs: UnsafeMutablePointer<UInt64>
        var pairCount = 0
        /// The lines for the general path, each placed among the pairs by `after`.
        let others: UnsafeMutablePointer<OtherLine>
        var otherCount = 0
        /// Where the reader stopped: everything before is in this chunk or an earlier one.
        var position = 0
        /// Whether the bytes end with this chunk.
        var isLast = false
    }

    /// Whether a load of `bytes` more bytes should use a second thread:
    /// at least 1 MiB of them, and a second processor online.
    static func pays(for bytes: Int) -> Bool {
        bytes >= (1 << 20) && sysconf(Int32(_SC_NPROCESSORS_ONLN)) >= 2
    }

    private let base: UnsafePointer<UInt8>
    private let count: Int
    private let separator: UInt8
    private let start: Int, firstLine: Int
    private let chunks: UnsafeMutablePointer<Chunk>
    private let lock = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let changed = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    // Guarded by `lock`: chunks handed over and given back, and the caller's stop.
    private var produced = 0, consumed = 0, cancelled = false
    /// The caller's own: whether `next()` has handed out the last chunk (its
    /// slot may be the reader's again by now, so it is not read twice).
    private var tookLast = false
    private var thread = pthread_t()
    private var running = false

    /// Starts reading at `position` of `bytes`; `line` is the number of the
    /// line before it. `bytes` must outlive `finish()`. Nil when no thread
    /// can be started (the caller reads on its own then).
    init?(_ bytes: DumpBytes, from position: Int, line: Int, separator: UInt8) {
        base = bytes.base
        count = bytes.count
        self.separator = separator
        start = position
        firstLine = line
        chunks = .allocate(capacity: Self.slots)
        for i in 0..<Self.slots {
            (chunks + i).initialize(to: Chunk(pairs: .allocate(capacity: 2 * Self.pairsPerChunk),
                                              others: .allocate(capacity: Self.pairsPerChunk)))
        }
        pthread_mutex_init(lock, nil)
        pthread_cond_init(changed, nil)
        let me = Unmanaged.passUnretained(self).toOpaque()
        running = pthread_create(&thread, nil, { context in
            Unmanaged<NumericLinePipeline>.fromOpaque(context!).takeUnretainedValue().read()
            return nil
        }, me) == 0
        if !running { return nil }
    }

    deinit {
        finish()
        for i in 0..<Self.slots { chunks[i].pairs.deallocate(); chunks[i].others.deallocate() }
        chunks.deinitialize(count: Self.slots)
        chunks.deallocate()
        pthread_cond_destroy(changed); changed.deallocate()
        pthread_mutex_destroy(lock); lock.deallocate()
    }

    /// The next chunk in file order, waiting for it; nil after the last.
    /// Call `done()` when finished with it.
    func next() -> Chunk? {
        pthread_mutex_lock(lock)
        defer { pthread_mutex_unlock(lock) }
        if tookLast { return nil }
        while produced == consumed { pthread_cond_wait(changed, lock) }
        let chunk = chunks[consumed % Self.slots]
        tookLast = chunk.isLast
        return chunk
    }

    /// Gives the chunk from `next()` back to the reader.
    func done() {
        pthread_mutex_lock(lock)
        consumed += 1
        pthread_cond_broadcast(changed)
        pthread_mutex_unlock(lock)
    }

    /// Stops the reader and waits for its thread; safe to call more than once.
    func finish() {
        pthread_mutex_lock(lock)
        cancelled = true
        pthread_cond_broadcast(changed)
        pthread_mutex_unlock(lock)
        if running {
            pthread_join(thread, nil)
            running = false
        }
    }

    /// The reader: fills free slots in order until the bytes end or the caller stops.
    private func read() {
        var position = start, line = firstLine
        while true {
            pthread_mutex_lock(lock)
            while produced - consumed == Self.slots && !cancelled { pthread_cond_wait(changed, lock) }
            let stop = cancelled
            pthread_mutex_unlock(lock)
            if stop { return }
            let chunk = chunks + produced % Self.slots
            fill(chunk, &position, &line)
            pthread_mutex_lock(lock)
            produced += 1
            pthread_cond_broadcast(changed)
            pthread_mutex_unlock(lock)
            if chunk.pointee.isLast { return }
        }
    }

    /// Reads lines into `chunk` until its pairs or its other lines are full, or the bytes end.
    private func fill(_ chunk: UnsafeMutablePointer<Chunk>, _ position: inout Int, _ line: inout Int) {
        let pairs = chunk.pointee.pairs, others = chunk.pointee.others
        var n = 0, o = 0, at = position, number = line
        while n < Self.pairsPerChunk && o < Self.pairsPerChunk && at < count {
            number += 1
            if let (a, b, end) = EdgeListLoader.numericLine(base, at, count, separator: separator) {
                pairs[2 * n] = a
                pairs[2 * n + 1] = b
                n += 1
                at = end + 1
                continue
            }
            let end = lineEnd(base, from: at, count: count)
            others[o] = OtherLine(line: number, start: at, end: end, after: n)
            o += 1
            at = end + 1
        }
        position = at
        line = number
        chunk.pointee.pairCount = n
        chunk.pointee.otherCount = o
        chunk.pointee.position = min(at, count)
        chunk.pointee.isLast = at >= count
    }
}
