/// Which objects with references from C are GC roots (docs/ROOTS.md).
///
/// The exporter marks every object whose refcount exceeds the references it
/// found as `external`. That is right for objects only C holds (the atexit
/// registry, at-fork hooks, the codec search cache), and wrong for objects a
/// GC-visible root already reaches: an `io.BytesIO` holding its buffer, a C
/// extension that increfs a module global. Making those roots cuts them out
/// of their holder's retained size and points paths at a C root that explains
/// nothing. So, in the default model:
///
/// - an `external` object that no named root reaches stays a root ("held from C");
/// - one that a named root reaches is not a root: it keeps its count in
///   `unexplained` and gets `NodeFlags.heldFromC` ("+N references from C");
/// - immortal and interpreter-cached singletons are roots only where nothing
///   else reaches them, and never suspects.
public enum CRoots: String, Sendable, CaseIterable {
    /// Only objects that no GC-visible root reaches are roots (default).
    case unreached
    /// Every object with unexplained references is a root: the view before
    /// the roots model, for those who want every C reference as a holder.
    case all
}

extension HeapGraph {
    /// Roots for a format without root flags (meliae dumps, edge lists with
    /// no root column): objects no other object refers to become
    /// `unreferenced` roots, and the `sys` and `builtins` modules, when
    /// named, roots of their kind. Cost: one pass over the nodes.
    mutating func inferRoots() {
        let sys = strings.lookup("sys")
        let builtins = [strings.lookup("builtins"), strings.lookup("__builtin__")]
        let module = strings.lookup("module")
        for n in 0..<nodeCount where rootKinds[n] == .none {
            if reverseOffsets[n] == reverseOffsets[n + 1] && !flags[n].contains(.placeholder) {
                rootKinds[n] = .unreferenced
            } else if module != nil && typeIDs[n] == module && !flags[n].contains(.textIsValue) {
                let t = textIDs[n]
                if t == sys { rootKinds[n] = .sysModules } else if builtins.contains(t) { rootKinds[n] = .builtins }
            }
        }
    }

    /// Applies the default roots model to a freshly loaded native dump: one
    /// search from the named roots over retaining edges (a sweep in node
    /// order, then depth-first), then every reached `external` or `immortal`
    /// root is demoted. O(nodes + edges), 1 bit per node.
    mutating func classifyCRoots() {
        var candidates = false
        for n in 0..<nodeCount where rootKinds[n] == .external || rootKinds[n] == .immortal || flags[n].contains(.immortal) {
            candidates = true
            break
        }
        guard candidates else { return }
        // One bit per node: 1.25 MB at 10M objects, so the random accesses
        // to it mostly hit the cache (a Bool array would take 10 MB).
        var reached = [UInt64](repeating: 0, count: (nodeCount + 63) >> 6)
        // One linear sweep in node order, then a depth-first search for the
        // rest. The exporter writes objects roughly in the order it reaches
        // them, so most edges point forward and the sweep, which reads the
        // edge arrays front to back, marks most of the heap without the cache
        // misses of a graph-order search. A node marked after the sweep passed
        // it (an edge pointing back) goes on the stack, and the search that
        // follows expands it and whatever it reaches. Every marked node is
        // expanded exactly once, by the sweep or by the search.
        for n in nodes where rootKind(n).isNamed {
            reached[Int(n) >> 6] |= 1 << (UInt64(n) & 63)
        }
        var stack: [Node] = []
        forwardOffsets.withUnsafeBufferPointer { off in
            forwardTargets.withUnsafeBufferPointer { tgt in
                weakEdges.withUnsafeBufferPointer { weak in
                    reached.withUnsafeMutableBufferPointer { seen in
                        // Marks v's unmarked strong referents; those `pushed` says go on the stack.
                        @inline(__always) func expand(_ v: Int, pushed: (Int) -> Bool) {
                            for e in Int(off[v])..<Int(off[v + 1]) where !Self.isWeak(weak, e) {
                                let w = tgt[e]
                                let word = Int(w) >> 6, bit = UInt64(1) << (UInt64(w) & 63)
                                if seen[word] & bit != 0 { continue }
                                seen[word] |= bit
                                if pushed(Int(w)) { stack.append(w) }
                            }
                        }
                        var v = 0
                        while v < nodeCount {
                            if seen[v >> 6] == 0 { v = (v | 63) + 1; continue }  // 64 unreached nodes
                            if seen[v >> 6] & (1 << (UInt64(v) & 63)) != 0 { expand(v) { $0 < v } }
                            v += 1
                        }
                        while let node = stack.popLast() { expand(Int(node)) { _ in true } }
                    }
                }
            }
        }
        for n in 0..<nodeCount {
            let kind = rootKinds[n], flag = flags[n]
            guard kind == .external || kind == .immortal || flag.contains(.immortal) else { continue }
            if reached[n >> 6] & (1 << (UInt64(n) & 63)) == 0 {
                // Nothing visible reaches an immortal object: it is its own (last-resort) root.
                if kind == .none { rootKinds[n] = .immortal }
                continue
            }
            switch kind {
            case .external:
                rootKinds[n] = .none
                if !flag.contains(.immortal) { flags[n] = flag.union(.heldFromC) }
            case .immortal:
                rootKinds[n] = .none
            default: break
            }
        }
    }

    /// The conservative view (`CRoots.all`): objects demoted by
    /// `classifyCRoots` become `external` roots again. Copies the root column.
    mutating func promoteHeldFromC() {
        var kinds: [RootKind]?
        for n in 0..<nodeCount where flags[n].contains(.heldFromC) && rootKinds[n] == .none {
            if kinds == nil { kinds = Array(rootKinds) }
            kinds![n] = .external
        }
        if let kinds { rootKinds = Column(kinds) }
    }

    /// Objects that carry references from C while a visible root reaches them.
    public func isHeldFromC(_ n: Node) -> Bool { flags[Int(n)].contains(.heldFromC) }
}
