/// A regular expression that is searched for in time linear in the text:
/// Thompson's construction run as Pike's VM, as RE2 and Go's `regexp` do.
///
/// Why not Swift's `Regex`: it backtracks, so `(.*)*x` or `a*b` on a long
/// name takes exponential or polynomial time, and it cannot be interrupted.
/// The patterns come from a user (or a shared `refgraph serve` URL) and the
/// names from an untrusted dump; a selector must never hang. Cost: O(text
/// length × program size) per search; the program is at most
/// `RegexSyntax.maxTokens` steps.
public struct LinearRegex: Sendable {
    enum Step: Sendable {
        case scalar(Unicode.Scalar)
        case set(Int)
        case any
        case assert(RegexSyntax.Assertion)
        case split(Int, Int)
        case jump(Int)
        case match
    }

    let steps: [Step]
    let sets: [SendableSet]
    let start: Int
    let ignoreCase: Bool
    let dotAll: Bool

    /// Why a pattern cannot be used: the message and the character offset.
    public struct SyntaxError: Error, Sendable {
        public var message: String
        public var offset: Int
    }

    /// Compiles `pattern` (RegexSyntax's language).
    public init(_ pattern: String) throws(SyntaxError) {
        let syntax: RegexSyntax
        do { syntax = try RegexSyntax(pattern) } catch { throw SyntaxError(message: error.message, offset: error.offset) }
        ignoreCase = syntax.flags.ignoreCase
        dotAll = syntax.flags.dotAll
        // Thompson's construction over the postfix tokens: each fragment is
        // its entry step and the steps whose exits still dangle (`holes`:
        // step index, and 0 for a split's first exit, 1 for its second).
        var steps: [Step] = []
        var sets: [SendableSet] = []
        struct Fragment { var entry: Int; var holes: [(Int, Int)] }
        var stack: [Fragment] = []
        func single(_ s: Step) -> Fragment {
            steps.append(s)
            return Fragment(entry: steps.count - 1, holes: [(steps.count - 1, 0)])
        }
        func patch(_ holes: [(Int, Int)], to target: Int) {
            for (at, which) in holes {
                switch steps[at] {
                case .split(let a, let b): steps[at] = which == 0 ? .split(target, b) : .split(a, target)
                default: steps[at] = .jump(target)  // a placeholder exit: single steps continue to at + 1 via a jump
                }
            }
        }
        // A single step's exit is a following jump, so that its target can be patched.
        func unit(_ s: Step) -> Fragment {
            steps.append(s)
            steps.append(.jump(-1))
            return Fragment(entry: steps.count - 2, holes: [(steps.count - 1, 0)])
        }
        for t in syntax.tokens {
            switch t {
            case .scalar(let c): stack.append(unit(.scalar(c)))
            case .set(let s): sets.append(SendableSet(s)); stack.append(unit(.set(sets.count - 1)))
            case .any: stack.append(unit(.any))
            case .assert(let a): stack.append(unit(.assert(a)))
            case .empty: stack.append(single(.jump(-1)))
            case .concat:
                let b = stack.removeLast(), a = stack.removeLast()
                patch(a.holes, to: b.entry)
                stack.append(Fragment(entry: a.entry, holes: b.holes))
            case .alternate:
                let b = stack.removeLast(), a = stack.removeLast()
                steps.append(.split(a.entry, b.entry))
                stack.append(Fragment(entry: steps.count - 1, holes: a.holes + b.holes))
            case .star:
                let a = stack.removeLast()
                steps.append(.split(a.entry, -1))
                let s = steps.count - 1
                patch(a.holes, to: s)
                stack.append(Fragment(entry: s, holes: [(s, 1)]))
            case .plus:
                let a = stack.removeLast()
                steps.append(.split(a.entry, -1))
                let s = steps.count - 1
                patch(a.holes, to: s)
                stack.append(Fragment(entry: a.entry, holes: [(s, 1)]))
            case .quest:
                let a = stack.removeLast()
                steps.append(.split(a.entry, -1))
                let s = steps.count - 1
                stack.append(Fragment(entry: s, holes: a.holes + [(s, 1)]))
            }
        }
        let whole = stack.removeLast()
        steps.append(.match)
        patch(whole.holes, to: steps.count - 1)
        self.steps = steps
        self.sets = sets
        start = whole.entry
    }

    /// Whether the pattern matches anywhere in `text` (Python's `re.search`).
    public func search(_ text: String) -> Bool {
        let s = Array(text.unicodeScalars)
        var current = ThreadList(capacity: steps.count)
        var next = ThreadList(capacity: steps.count)
        var stack: [Int] = []
        for i in 0...s.count {
            // Unanchored: a new thread starts at every position.
            if add(start, at: i, in: s, to: &current, stack: &stack) { return true }
            if i == s.count { break }
            let c = s[i]
            next.clear()
            for k in 0..<current.count {
                let pc = current.dense[k]
                let ok: Bool
                switch steps[pc] {
                case .scalar(let x): ok = x == c || (ignoreCase && Self.fold(x) == Self.fold(c))
                case .set(let n): ok = ignoreCase ? sets[n].containsIgnoringCase(c) : sets[n].set.contains(c)
                case .any: ok = dotAll || c != "\n"
                default: ok = false
                }
                if ok && add(pc + 1, at: i + 1, in: s, to: &next, stack: &stack) { return true }
            }
            swap(&current, &next)
        }
        return false
    }

    /// Adds `pc` and everything reachable from it without reading a scalar;
    /// true when that reaches the match. An explicit stack, no recursion.
    private func add(_ pc: Int, at i: Int, in s: [Unicode.Scalar], to list: inout ThreadList, stack: inout [Int]) -> Bool {
        stack.removeAll(keepingCapacity: true)
        stack.append(pc)
        while let p = stack.popLast() {
            if list.contains(p) { continue }
            list.insert(p)
            switch steps[p] {
            case .match: return true
            case .jump(let t): stack.append(t)
            case .split(let a, let b): stack.append(b); stack.append(a)
            case .assert(let a): if holds(a, at: i, in: s) { stack.append(p + 1) }
            default: break
            }
        }
        return false
    }

    private func holds(_ a: RegexSyntax.Assertion, at i: Int, in s: [Unicode.Scalar]) -> Bool {
        switch a {
        case .textStart: return i == 0
        case .textEnd: return i == s.count
        case .textEndOrFinalNewline: return i == s.count || (i == s.count - 1 && s[i] == "\n")
        case .lineStart: return i == 0 || s[i - 1] == "\n"
        case .lineEnd: return i == s.count || s[i] == "\n"
        case .wordBoundary, .notWordBoundary:
            let before = i > 0 && ScalarSet.isWord(s[i - 1])
            let after = i < s.count && ScalarSet.isWord(s[i])
            return (before != after) == (a == .wordBoundary)
        }
    }

    /// The scalar `c` compares as under `(?i)`: its lowercase of its
    /// uppercase, where each is one scalar (ſ and s, ς and σ, the Kelvin sign
    /// and k agree; ß, whose uppercase is SS, stays itself), as Python's
    /// simple case folding.
    static func fold(_ c: Unicode.Scalar) -> Unicode.Scalar {
        if c.isASCII { return c.value >= 65 && c.value <= 90 ? Unicode.Scalar(c.value + 32)! : c }
        var x = c
        if let u = simple(c.properties.uppercaseMapping) { x = u }
        if let l = simple(x.properties.lowercaseMapping) { x = l }
        return x
    }

    /// The simple (one-scalar) case mapping within a full one: the mapping
    /// itself when it is one scalar, its first when the rest are combining
    /// marks (İ lowercases to i and a dot above: simply i); else none (ß's
    /// uppercase SS).
    private static func simple(_ s: String) -> Unicode.Scalar? {
        var it = s.unicodeScalars.makeIterator()
        guard let first = it.next() else { return nil }
        while let more = it.next() { if more.properties.generalCategory != .nonspacingMark { return nil } }
        return first
    }
}

/// A ScalarSet the compiled program can share across threads, with the
/// folded forms of its small ranges for `(?i)`.
struct SendableSet: @unchecked Sendable {
    let set: ScalarSet
    /// `LinearRegex.fold` of every member of the ranges up to 4096 wide.
    let folded: Set<UInt32>

    init(_ set: ScalarSet) {
        self.set = set
        var folded = Set<UInt32>()
        for (lo, hi) in set.ranges where hi - lo < 4096 {
            for v in lo...hi { if let s = Unicode.Scalar(v) { folded.insert(LinearRegex.fold(s).value) } }
        }
        self.folded = folded
    }

    /// `(?i)` membership: `c` or its folded form is in the set before
    /// negation (so `(?i)[^a]` refuses `A`).
    func containsIgnoringCase(_ c: Unicode.Scalar) -> Bool {
        let f = LinearRegex.fold(c)
        let raw = set.rawContains(c) || set.rawContains(f) || folded.contains(f.value)
        return raw != set.negated
    }
}

/// The threads of one step of the VM: a sparse set of program counters
/// (constant-time insert, test and clear).
struct ThreadList {
    var dense: [Int]
    var sparse: [Int]
    var count = 0

    init(capacity: Int) {
        dense = [Int](repeating: 0, count: capacity)
        sparse = [Int](repeating: 0, count: capacity)
    }

    func contains(_ pc: Int) -> Bool { let k = sparse[pc]; return k < count && dense[k] == pc }
    mutating func insert(_ pc: Int) { sparse[pc] = count; dense[count] = pc; count += 1 }
    mutating func clear() { count = 0 }
}
