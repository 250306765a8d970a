/// Why the collector (or the loader's reading of the dump) treats an object as a GC root.
public enum RootKind: UInt8, Sendable, CaseIterable, Comparable, BitwiseCopyable {
    /// Not a root.
    case none = 0
    /// Named roots (`isNamed`): the `sys.modules` dict, the builtins module, a
    /// live thread's frame, the `gc.garbage` list, the atexit registry.
    case sysModules, builtins, frame, gcGarbage, atexit
    /// Held from C, a C extension or a stack: refcount exceeds the references found.
    case external
    /// 3.12+ immortal object.
    case immortal
    /// Formats without root flags: an object that no other object refers to.
    case unreferenced
    /// A handler installed with `signal.signal` (read back with `signal.getsignal`).
    case signal

    /// The name used in dumps, selectors and reports.
    public var name: String {
        switch self {
        case .none: return ""
        case .sysModules: return "sys.modules"
        case .builtins: return "builtins"
        case .frame: return "frame"
        case .gcGarbage: return "gc.garbage"
        case .atexit: return "atexit"
        case .external: return "external"
        case .immortal: return "immortal"
        case .unreferenced: return "unreferenced"
        case .signal: return "signal"
        }
    }

    /// Named roots are preferred over external ones when paths tie.
    public var isNamed: Bool { self != .none && self != .external && self != .immortal && self != .unreferenced }

    /// The kind whose `name` is `name`; nil for an unknown or empty name.
    public init?(name: String) {
        guard let kind = RootKind.allCases.first(where: { $0.name == name && $0 != .none }) else { return nil }
        self = kind
    }

    /// Orders kinds by raw value, which is their declaration order.
    public static func < (a: RootKind, b: RootKind) -> Bool { a.rawValue < b.rawValue }
}

/// What finalizer an object's type defines.
public enum FinalizerKind: UInt8, Sendable, CaseIterable, BitwiseCopyable {
    /// The type defines no finalizer.
    case none = 0
    /// The type defines `__del__` (tp_finalize on 3.4+).
    case del
    /// A C type with a legacy tp_del: never collected in a cycle.
    case tpDel

    /// The name used in dumps and reports: "del", "tp_del"; empty for `.none`.
    public var name: String {
        switch self {
        case .none: return ""
        case .del: return "del"
        case .tpDel: return "tp_del"
        }
    }

    /// Reads a dump's `finalizer` value: "del", "__del__" and "tp_finalize" are
    /// `.del`; "" and "none" are `.none`; nil for any other name.
    public init?(name: String) {
        switch name {
        case "del", "__del__", "tp_finalize": self = .del
        case "tp_del": self = .tpDel
        case "", "none": self = .none
        default: return nil
        }
    }
}

/// Per-object boolean facts, packed in one byte.
public struct NodeFlags: OptionSet, Sendable, BitwiseCopyable {
    /// The flags' bits.
    public let rawValue: UInt8
    /// Flags from their bits.
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// The object is in `gc.garbage`.
    public static let garbage = NodeFlags(rawValue: 1 << 0)
    /// 3.9+: already finalized.
    public static let finalized = NodeFlags(rawValue: 1 << 1)
    /// 3.12+: immortal.
    public static let immortal = NodeFlags(rawValue: 1 << 2)
    /// No record in the dump: only referenced.
    public static let placeholder = NodeFlags(rawValue: 1 << 3)
    /// The text column holds a value (str/int contents), not a name.
    public static let textIsValue = NodeFlags(rawValue: 1 << 4)
    /// The id is a token from an edge list, not a number.
    public static let symbolicID = NodeFlags(rawValue: 1 << 5)
    /// 3.8+: a tracked object in GC generation 0 or 1 when the dump was taken
    /// (allocated recently: the heap is growing there now).
    public static let young = NodeFlags(rawValue: 1 << 6)
    /// Carries references that no object in the dump explains (from C), but a
    /// GC-visible root reaches it, so it is not a root (see docs/ROOTS.md);
    /// `HeapGraph.unexplained` says how many.
    public static let heldFromC = NodeFlags(rawValue: 1 << 7)
}

/// Which of the three formats a dump was read from.
public enum DumpFormat: String, Sendable {
    /// refgraph's own JSON Lines dump, meliae's dump, or a TSV/CSV edge list
    /// (raw values as JSON output's `format` writes them).
    case native, meliae, edgeList = "edge-list"
}
