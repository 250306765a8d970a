import Foundation
import XCTest
@testable import RefGraph

/// The column declaration (`HeapGraph.forEachColumn`) and the invariants
/// the cache reader and these tests share (`checkInvariants`).
final class GraphSchemaTests: XCTestCase {
    func testEveryLoadedGraphKeepsTheInvariants() {
        for name in ["native/hotreload-py3.jsonl", "meliae/py38-small.json", "meliae/py27-small.json"] {
            let g = load(fixture(name), LoadOptions(progress: false, cache: .off))
            XCTAssertNil(g.checkInvariants(), name)
        }
        XCTAssertNil(graphOf(4, [(0, 1), (1, 2), (2, 0), (3, 3)], roots: [0], weak: [1]).checkInvariants())
        XCTAssertNil(HeapGraph().checkInvariants())
    }

    func testEachKindOfDamageIsNamed() {
        let good = load(fixture("native/hotreload-py3.jsonl"), LoadOptions(progress: false, cache: .off))
        func broken(_ change: (inout HeapGraph) -> Void) -> String? {
            var g = good
            change(&g)
            return g.checkInvariants()
        }
        let n = UInt32(good.nodeCount)
        XCTAssertNotNil(broken { $0.forwardTargets[0] = n })
        XCTAssertNotNil(broken { $0.reverseSources[0] = n })
        XCTAssertNotNil(broken { $0.typeIDs[0] = UInt32($0.strings.count) })
        XCTAssertNotNil(broken { $0.edgeLabels[0] = UInt32.max })
        XCTAssertNotNil(broken { $0.forwardOffsets[1] = $0.forwardOffsets[2] + 1 })
        XCTAssertNotNil(broken { $0.reverseOffsets[Int(n)] -= 1 })
        XCTAssertNotNil(broken { $0.rootKinds = Column($0.rootKinds.map { _ in RootKind(rawValue: 0)! }.dropLast()) })
        XCTAssertNotNil(broken { $0.bigLengths[n] = 1 })
        XCTAssertNotNil(broken { g in
            g.finalizers = Column(g.finalizers.indices.map { _ in FinalizerKind.allCases.last! })
            g.finalizers.withUnsafeBufferPointer { b in
                UnsafeMutableRawPointer(mutating: b.baseAddress!).storeBytes(of: UInt8(FinalizerKind.allCases.count), as: UInt8.self)
            }
        })
        // An allocation column is all or nothing.
        XCTAssertNotNil(broken { $0.allocIDs = [0] })
        XCTAssertNil(broken { $0.allocIDs = Column([UInt32](repeating: 0, count: Int(n))) })
    }

    /// An image whose checksums match but whose columns break an invariant
    /// (what a bug in a writer, or a forger, would leave) is refused, and a
    /// load with the cache on rebuilds it from the dump.
    func testAnImageThatBreaksAnInvariantIsRejectedAndRebuilt() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rgidx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let dump = dir.appendingPathComponent("d.jsonl").path
        try FileManager.default.copyItem(atPath: fixture("native/hotreload-py3.jsonl"), toPath: dump)
        let parsed = load(dump, LoadOptions(progress: false, cache: .off))
        var bad = parsed
        bad.forwardTargets[bad.edgeCount - 1] = UInt32(bad.nodeCount)
        XCTAssertNotNil(bad.checkInvariants())
        XCTAssertTrue(IndexCache.write(bad, for: dump))
        XCTAssertNil(IndexCache.read(for: dump))
        let reloaded = load(dump, LoadOptions(progress: false, cache: .on))
        XCTAssertEqual(reloaded.forwardTargets, parsed.forwardTargets)
        let rebuilt = try XCTUnwrap(IndexCache.read(for: dump))
        XCTAssertTrue(rebuilt.forwardTargets.isMapped)
        XCTAssertEqual(rebuilt.forwardTargets, parsed.forwardTargets)
        XCTAssertNil(rebuilt.checkInvariants())
    }

    /// The declaration is complete: every column the graph holds is visited
    /// once, so memory accounting and the cache see them all.
    func testTheDeclarationCoversEveryColumn() {
        struct Names: ColumnVisitor {
            var columns: [String] = [], tables: [String] = []
            mutating func visit<T: BitwiseCopyable>(_ column: WritableKeyPath<HeapGraph, Column<T>>, _ spec: ColumnSpec) {
                columns.append("\(column)")
            }
            mutating func visit<V: FixedWidthInteger>(sideTable: WritableKeyPath<HeapGraph, [HeapGraph.Node: V]>) {
                tables.append("\(sideTable)")
            }
        }
        var names = Names()
        HeapGraph.forEachColumn(&names)
        let stored = Mirror(reflecting: HeapGraph()).children.compactMap { child -> String? in
            guard let label = child.label else { return nil }
            let type = "\(Swift.type(of: child.value))"
            return type.hasPrefix("Column<") || type.hasPrefix("Dictionary<UInt32, ") ? label : nil
        }
        let declared = (names.columns + names.tables).map { String($0.split(separator: ".").last!) }
        XCTAssertEqual(Set(declared), Set(stored))
        XCTAssertEqual(declared.count, stored.count)
        let g = load(fixture("native/hotreload-py3.jsonl"), LoadOptions(progress: false, cache: .off))
        XCTAssertGreaterThan(g.memoryFootprint, g.addresses.byteCount + g.forwardTargets.byteCount + g.strings.memoryFootprint)
    }
}
