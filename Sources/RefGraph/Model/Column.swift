/// One column of the graph: a read-only array of fixed-size values, held
/// either in memory or in a memory-mapped index cache.
///
/// A mapped column costs no memory until it is read, and then only for the
/// pages read: a command that never looks at edge labels or addresses does
/// not pay for them. Loaders build columns in memory, with `append`.
public struct Column<Element: BitwiseCopyable>: RandomAccessCollection {
    @usableFromInline var array: [Element]
    /// The mapped values; nil when the column lives in `array`.
    @usableFromInline let mapped: UnsafeBufferPointer<Element>?
    /// Keeps the mapping alive as long as any column points into it.
    private let file: MappedFile?

    /// An empty in-memory column.
    public init() { self.init([]) }

    /// An in-memory column holding `array`.
    public init(_ array: [Element]) {
        self.array = array
        mapped = nil
        file = nil
    }

    /// `count` values at byte `offset` of `file`, which must be aligned for `Element`.
    init(_ file: MappedFile, offset: Int, count: Int) {
        precondition(offset % MemoryLayout<Element>.alignment == 0 && offset + count * MemoryLayout<Element>.stride <= file.size)
        array = []
        mapped = UnsafeBufferPointer(start: (file.base + offset).assumingMemoryBound(to: Element.self), count: count)
        self.file = file
    }

    /// Always 0.
    public var startIndex: Int { 0 }
    /// The number of values.
    @inlinable public var endIndex: Int { mapped?.count ?? array.count }

    /// The value at `i`, checked against the bounds, mapped or not; setting one
    /// traps for a mapped column, which is read-only.
    @inlinable public subscript(i: Int) -> Element {
        get {
            if let m = mapped {
                precondition(UInt(bitPattern: i) < UInt(m.count), "Column index out of range")
                return m[i]
            }
            return array[i]
        }
        set {
            if mapped != nil { Self.readOnly() }
            array[i] = newValue
        }
    }

    /// Calls `body` with the values as one buffer, without copying a mapped column.
    @inlinable public func withUnsafeBufferPointer<R, E: Error>(_ body: (UnsafeBufferPointer<Element>) throws(E) -> R) throws(E) -> R {
        if let m = mapped { return try body(m) }
        return try array.withUnsafeBufferPointer { (b) throws(E) -> R in try body(b) }
    }

    /// Bytes the column holds (mapped or not).
    public var byteCount: Int { (mapped == nil ? array.capacity : count) * MemoryLayout<Element>.stride }

    /// Whether the values are read from a mapped file.
    public var isMapped: Bool { mapped != nil }

    /// Hands the pages of a mapped column back to the kernel: a hint that the
    /// caller is done with them for a while. They are read again from the
    /// file if needed. Does nothing for a column in memory.
    public func evict() { evict(indices) }

    /// Hands back the pages holding `range` only: a sequential scan calls it
    /// for what it has passed, so the column never becomes resident as a whole.
    public func evict(_ range: Range<Int>) {
        guard let m = mapped, let file, !range.isEmpty else { return }
        file.evict(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: m[range.clamped(to: m.indices)])))
    }

    // MARK: Building (in-memory columns only)

    mutating func append(_ value: Element) {
        if mapped != nil { Self.readOnly() }
        array.append(value)
    }

    mutating func append<S: Sequence>(contentsOf values: S) where S.Element == Element {
        if mapped != nil { Self.readOnly() }
        array.append(contentsOf: values)
    }

    /// Room for `n` values; a fresh large column gets it on huge pages
    /// (`HugePages`), so filling it takes one page fault per 2 MiB, not per 4 KiB.
    mutating func reserveCapacity(_ n: Int) {
        if mapped != nil { Self.readOnly() }
        array.reserveOnHugePages(n)
    }
}

extension Column {
    /// The value whose bytes are all zero: 0, an empty option set, an enum's raw 0.
    static var zero: Element {
        withUnsafeTemporaryAllocation(byteCount: MemoryLayout<Element>.size, alignment: MemoryLayout<Element>.alignment) {
            $0.initializeMemory(as: UInt8.self, repeating: 0)
            return $0.load(as: Element.self)
        }
    }

    /// Checked in release builds too (`-Ounchecked` drops preconditions).
    @usableFromInline static func readOnly() -> Never { fatalError("a mapped column is read-only") }
}

/// The mapping is read-only and the array is a value: safe to share.
extension Column: @unchecked Sendable where Element: Sendable {}

extension Column: Equatable where Element: Equatable {
    /// Element-wise equality, whether mapped or not. Cost: one pass over the values.
    public static func == (a: Column, b: Column) -> Bool { a.elementsEqual(b) }
}

extension Column: ExpressibleByArrayLiteral {
    /// An in-memory column of the literal's values.
    public init(arrayLiteral elements: Element...) { self.init(elements) }
}
