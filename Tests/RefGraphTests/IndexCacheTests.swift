import Foundation
import XCTest
@testable import RefGraph

final class IndexCacheTests: XCTestCase {
    func testRoundTripGivesTheSameGraph() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rgidx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let dump = dir.appendingPathComponent("d.jsonl").path
        try FileManager.default.copyItem(atPath: fixture("native/hotreload-py3.jsonl"), toPath: dump)
        let parsed = load(dump, LoadOptions(progress: false, cache: .off))
        XCTAssertFalse(FileManager.default.fileExists(atPath: IndexCache.path(for: dump)))
        // The first load writes the image and goes on with the mapped copy.
        let first = load(dump, LoadOptions(progress: false, cache: .on))
        XCTAssertTrue(FileManager.default.fileExists(atPath: IndexCache.path(for: dump)))
        XCTAssertTrue(first.addresses.isMapped && first.reverseSources.isMapped)
        XCTAssertEqual(Summary(first).text(), Summary(parsed).text())
        let cached = try XCTUnwrap(IndexCache.read(for: dump))
        XCTAssertEqual(cached.addresses, parsed.addresses)
        XCTAssertEqual(cached.typeIDs, parsed.typeIDs)
        XCTAssertEqual(cached.sizes, parsed.sizes)
        XCTAssertEqual(cached.forwardTargets, parsed.forwardTargets)
        XCTAssertEqual(cached.edgeLabels, parsed.edgeLabels)
        XCTAssertEqual(cached.reverseSources, parsed.reverseSources)
        XCTAssertEqual(cached.rootKinds, parsed.rootKinds)
        XCTAssertEqual(cached.unexplained, parsed.unexplained)
        XCTAssertEqual(cached.info.python, "3.11.7")
        XCTAssertEqual(cached.info.rss, parsed.info.rss)
        XCTAssertEqual(cached.weakPairs, parsed.weakPairs)
        XCTAssertEqual(Summary(cached).text(), Summary(parsed).text())
        XCTAssertEqual(cached.strings.lookup("logging.shutdown"), parsed.strings.lookup("logging.shutdown"))
    }

    /// Sizes are a 32-bit column, lengths and refcounts 16-bit ones; larger
    /// values go to side tables, exact, through parsing, retained sizes and the cache.
    func testHugeSizesLengthsAndRefcountsStayExact() throws {
        let huge: UInt64 = 5_000_000_000, edge = UInt64(UInt32.max)
        let dump = temporaryFile(nativeDump([
            "{\"address\": 1, \"type\": \"dict\", \"size\": 100, \"refs\": [2, 3], \"root\": \"sys.modules\"}",
            "{\"address\": 2, \"type\": \"bytearray\", \"size\": \(huge), \"refs\": []}",
            "{\"address\": 3, \"type\": \"bytes\", \"size\": \(edge), \"refs\": [], \"len\": 70000, \"refcount\": 4294967295}",
            "{\"address\": 4, \"type\": \"list\", \"size\": 56, \"refs\": [], \"len\": 65534, \"refcount\": 65535}",
            "{\"address\": 5, \"type\": \"list\", \"size\": 56, \"refs\": [4], \"len\": 0, \"refcount\": 0, \"root\": \"frame\"}",
        ]))
        let parsed = load(dump, LoadOptions(progress: false, cache: .on))
        XCTAssertEqual(parsed.size(parsed.node(2)!), huge)
        XCTAssertEqual(parsed.size(parsed.node(3)!), edge)
        XCTAssertEqual(parsed.totalSize, 100 + huge + edge + 112)
        func facts(_ g: HeapGraph) -> [String] {
            g.nodes.map { "\(g.length($0).map(String.init) ?? "-") \(g.refcount($0).map(String.init) ?? "-")" }
        }
        XCTAssertEqual(facts(parsed), ["- -", "- -", "70000 4294967295", "65534 65535", "0 0"])
        XCTAssertEqual(DominatorTree(parsed).retained[Int(parsed.node(1)!)], 100 + huge + edge)
        let cached = try XCTUnwrap(IndexCache.read(for: dump))
        XCTAssertEqual(cached.size(cached.node(2)!), huge)
        XCTAssertEqual(cached.size(cached.node(3)!), edge)
        XCTAssertEqual(cached.bigSizes, parsed.bigSizes)
        XCTAssertEqual(facts(cached), facts(parsed))
    }

    func testAStaleOrDamagedCacheIsIgnored() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rgidx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let dump = dir.appendingPathComponent("d.jsonl").path
        try FileManager.default.copyItem(atPath: fixture("native/hotreload-py3.jsonl"), toPath: dump)
        _ = load(dump, LoadOptions(progress: false, cache: .on))
        // The dump changes: the image no longer matches it.
        let text = try String(contentsOfFile: dump, encoding: .utf8).replacingOccurrences(of: "\"pid\": 77", with: "\"pid\": 78")
        try text.write(toFile: dump, atomically: true, encoding: .utf8)
        XCTAssertNil(IndexCache.read(for: dump))
        XCTAssertEqual(load(dump, LoadOptions(progress: false, cache: .on)).info.pid, 78)
        // A damaged image is ignored too.
        let image = IndexCache.path(for: dump)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: image))
        bytes = bytes.prefix(bytes.count / 2)
        try bytes.write(to: URL(fileURLWithPath: image))
        XCTAssertNil(IndexCache.read(for: dump))
        XCTAssertEqual(load(dump, LoadOptions(progress: false, cache: .auto)).nodeCount, 11)
    }

    /// A random graph with weak edges, through the cache: the columns are
    /// mapped, the weak-edge bits survive, and the dominator tree is the same.
    func testMappedColumnsGiveTheSameAnalyses() throws {
        var rng = SystemRandomNumberGenerator()
        let n = 300
        var edges: [(Int, Int)] = []
        for _ in 0..<900 { edges.append((Int.random(in: 1...n, using: &rng), Int.random(in: 1...n, using: &rng))) }
        let weak = Set((0..<edges.count).filter { $0 % 7 == 0 })
        let parsed = graphOf(n, edges, roots: [1, 2, 3], weak: weak)
        let dump = try XCTUnwrap(parsed.info.path)
        XCTAssertTrue(IndexCache.write(parsed, for: dump))
        let cached = try XCTUnwrap(IndexCache.read(for: dump))
        XCTAssertTrue(cached.forwardTargets.isMapped && cached.edgeLabels.isMapped && cached.weakEdges.isMapped)
        XCTAssertFalse(parsed.forwardTargets.isMapped)
        XCTAssertEqual(cached.weakEdges, parsed.weakEdges)
        XCTAssertFalse(parsed.weakEdges.isEmpty)
        XCTAssertEqual((0..<parsed.edgeCount).map(cached.isWeak(edge:)), (0..<parsed.edgeCount).map(parsed.isWeak(edge:)))
        XCTAssertEqual((0..<parsed.edgeCount).filter(parsed.isWeak(edge:)).count, weak.count)
        XCTAssertEqual(cached.weakPairs, parsed.weakPairs)
        XCTAssertEqual(DominatorTree(cached).idom, DominatorTree(parsed).idom)
        XCTAssertEqual(DominatorTree(cached).retained, naiveRetained(parsed))
        // Evicting pages is only a hint: the values read back the same.
        cached.forwardTargets.evict()
        cached.reverseSources.evict(0..<10)
        XCTAssertEqual(cached.forwardTargets, parsed.forwardTargets)
        XCTAssertEqual(cached.reverseSources, parsed.reverseSources)
    }

    /// Damage to any column of an image, one page at a time: the image is
    /// refused, or what it gives can still be analysed without a crash.
    func testADamagedColumnIsRefusedOrHarmless() throws {
        let parsed = graphOf(40, (1..<40).map { ($0, $0 + 1) } + [(40, 1), (5, 30)], roots: [1], weak: [3])
        let dump = try XCTUnwrap(parsed.info.path)
        XCTAssertTrue(IndexCache.write(parsed, for: dump))
        let image = IndexCache.path(for: dump)
        let good = try Data(contentsOf: URL(fileURLWithPath: image))
        var refused = 0
        for page in stride(from: IndexCache.alignment, to: good.count, by: IndexCache.alignment) {
            var bad = good
            for i in page..<min(page + 8, bad.count) { bad[i] = 0xff }
            try bad.write(to: URL(fileURLWithPath: image))
            guard let g = IndexCache.read(for: dump) else { refused += 1; continue }
            _ = DominatorTree(g)
            _ = Summary(g).text()
            _ = StronglyConnected(g)
        }
        // Offsets, targets, sources, type, label and text ids, root and finalizer kinds are checked.
        XCTAssertGreaterThanOrEqual(refused, 10)
    }
}
