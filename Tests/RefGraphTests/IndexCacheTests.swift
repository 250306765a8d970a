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
        let parsed = load(dump, LoadOptions(progress: false, cache: .off))
        XCTAssertFalse(parsed.sizes.isMapped)
        XCTAssertTrue(IndexCache.write(parsed, for: dump))
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
        var rng = SeededGenerator(seed: 6)
        let n = 300
        var edges: [(Int, Int)] = []
        for _ in 0..<900 { edges.append((Int.random(in: 1...n, using: &rng), Int.random(in: 1...n, using: &rng))) }
        let weak = Set((0..<edges.count).filter { $0 % 7 == 0 })
        let parsed = graphOf(n, edges, roots: [1, 2, 3], weak: weak)
        let dump = try XCTUnwrap(parsed.info.path)
        XCTAssertTrue(IndexCache.write(parsed, for: dump))
        let cached = try XCTUnwrap(IndexCache.read(for: dump))
        XCTAssertTrue(cached.forwardTargets.isMapped && cached.edgeLabels.isMapped)
        XCTAssertFalse(cached.weakEdges.isMapped, "the weak bits are rebuilt from the labels while they are checked")
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

    /// Damage to each section of an image in turn, at its start and at its
    /// end: every section whose values are used as indices must make the
    /// image refused; any other damage must leave a graph that analyses and
    /// descriptions still handle.
    func testADamagedSectionIsRefusedOrHarmless() throws {
        let lines = (1...40).map { v -> String in
            let refs = v < 40 ? "[\(v + 1)]" : "[1]"
            let named = v % 5 == 0 ? ", \"name\": \"caf\\u00e9.na\\u00efve\(v)\", \"module\": \"caf\\u00e9\"" : ""
            let labels = v == 3 ? "[\"<weakref>\"]" : "[\"__dict__\"]"
            return "{\"address\": \(v), \"type\": \"t\(v % 3)\", \"size\": 10, \"refs\": \(refs), \"labels\": \(labels)\(named)" + (v == 1 ? ", \"root\": \"frame\"" : "") + "}"
        }
        let dump = temporaryFile(nativeDump(lines))
        let parsed = load(dump, LoadOptions(progress: false, cache: .off))
        XCTAssertEqual(parsed.moduleOfName(parsed.node(5)!), "caf\u{e9}")
        XCTAssertTrue(IndexCache.write(parsed, for: dump))
        let image = IndexCache.path(for: dump)
        let good = try Data(contentsOf: URL(fileURLWithPath: image))
        // The layout: magic, then per section a byte count and the bytes on the next page.
        var sections: [Range<Int>] = []
        var offset = IndexCache.magic.count
        while offset + 8 <= good.count {
            let n = good[offset..<offset + 8].withUnsafeBytes { Int($0.loadUnaligned(as: UInt64.self)) }
            let start = (offset + 8 + IndexCache.alignment - 1) / IndexCache.alignment * IndexCache.alignment
            sections.append(start..<start + n)
            offset = start + n
        }
        let names = ["key", "addresses", "types", "sizes", "texts", "modulePrefix", "lengths", "refcounts", "roots",
                     "finalizers", "flags", "allocs", "forwardOffsets", "forwardTargets", "labels", "reverseOffsets",
                     "reverseSources", "stringBytes", "stringOffsets", "bigLengths", "bigSizes", "bigRefcounts",
                     "unexplained", "weakPairs", "special", "info", "checksums"]
        XCTAssertEqual(sections.count, names.count)
        // A forger's image: damage with the checksums made to match it.
        func resummed(_ data: Data) -> Data {
            var out = data
            var at = sections.last!.lowerBound
            for section in sections.dropLast() {
                let sum = data[section].withUnsafeBytes { ContentHash.section($0) }
                withUnsafeBytes(of: sum) { out.replaceSubrange(at..<at + 8, with: $0) }
                at += 8
            }
            return out
        }
        XCTAssertNotNil(IndexCache.read(for: dump))
        let mustRefuse: Set = ["key", "types", "texts", "roots", "finalizers", "forwardOffsets", "forwardTargets",
                               "labels", "reverseOffsets", "reverseSources", "stringOffsets"]
        for (section, name) in zip(sections, names) where !section.isEmpty {
            for at in [section.lowerBound, max(section.lowerBound, section.upperBound - 8)] {
                // Accidental damage anywhere: the checksums refuse the image.
                var flipped = good
                for i in at..<min(at + 8, section.upperBound) { flipped[i] ^= 0xa5 }
                try flipped.write(to: URL(fileURLWithPath: image))
                XCTAssertTrue(IndexCache.read(for: dump) == nil, "damage to \(name) at \(at - section.lowerBound) was not noticed")
                guard name != "checksums" else { continue }
                var bad = good
                for i in at..<min(at + 8, section.upperBound) { bad[i] = 0xff }
                try resummed(bad).write(to: URL(fileURLWithPath: image))
                guard let g = IndexCache.read(for: dump) else {
                    XCTAssertTrue(mustRefuse.contains(name), "damage to \(name) refused the image")
                    continue
                }
                XCTAssertFalse(mustRefuse.contains(name), "damage to \(name) at \(at - section.lowerBound) was not noticed")
                _ = DominatorTree(g)
                _ = StronglyConnected(g)
                _ = Summary(g).text()
                let d = Describer(g, bulk: true)
                for v in g.nodes { _ = d.line(v); _ = d.semantics.module(v); _ = g.allocationFrames(v) }
            }
        }
    }

    /// The checksum does not depend on how the bytes are split into calls,
    /// and tells one flipped bit.
    func testContentHashIsStreamingAndSensitive() {
        var rng = SeededGenerator(seed: 9)
        let bytes = (0..<10_000).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let whole = bytes.withUnsafeBytes { b -> UInt64 in var h = ContentHash(); h.add(b); return h.value }
        for split in [1, 7, 31, 32, 33, 4096] {
            var h = ContentHash()
            bytes.withUnsafeBytes { b in
                for start in stride(from: 0, to: b.count, by: split) { h.add(UnsafeRawBufferPointer(rebasing: b[start..<min(start + split, b.count)])) }
            }
            XCTAssertEqual(h.value, whole, "split \(split)")
        }
        var flipped = bytes
        flipped[5000] ^= 1
        XCTAssertNotEqual(flipped.withUnsafeBytes { b -> UInt64 in var h = ContentHash(); h.add(b); return h.value }, whole)
        XCTAssertNotEqual(bytes.dropLast().withUnsafeBytes { b -> UInt64 in var h = ContentHash(); h.add(b); return h.value }, whole)
    }

    /// Issue 18 item 12: an edit in the middle of a dump, same size, with its
    /// mtime set back, and one flipped bit in the cached sizes.
    func testAnEditWithItsMtimeRestoredAndAFlippedBitAreNoticed() throws {
        let lines = (1...3000).map { "{\"address\": \($0), \"type\": \"list\", \"size\": 100, \"refs\": [\($0 % 3000 + 1)]}" }
        let dump = temporaryFile(nativeDump(lines))
        XCTAssertEqual(load(dump, LoadOptions(progress: false, cache: .on)).totalSize, 300_000)
        var st = stat()
        XCTAssertEqual(stat(dump, &st), 0)
        var text = try Data(contentsOf: URL(fileURLWithPath: dump))
        let middle = try XCTUnwrap(text.range(of: Data("{\"address\": 1500, \"type\": \"list\", \"size\": 100,".utf8)))
        text.replaceSubrange(middle, with: Data("{\"address\": 1500, \"type\": \"list\", \"size\": 900,".utf8))
        let fd = open(dump, O_WRONLY)
        XCTAssertEqual(text.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }, text.count)
        close(fd)
        var times = [st.st_atim, st.st_mtim]
        XCTAssertEqual(utimensat(AT_FDCWD, dump, &times, 0), 0)
        var now = stat()
        XCTAssertEqual(stat(dump, &now), 0)
        XCTAssertEqual([now.st_size, now.st_mtim.tv_sec, now.st_mtim.tv_nsec], [st.st_size, st.st_mtim.tv_sec, st.st_mtim.tv_nsec])
        XCTAssertEqual(load(dump, LoadOptions(progress: false, cache: .on)).totalSize, 300_800, "not the old cached answer")
        // One bit of the cached sizes column flipped: the image is ignored.
        let image = IndexCache.path(for: dump)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: image))
        let sizes = try XCTUnwrap(bytes.range(of: Data(repeating: 0, count: 4) + withUnsafeBytes(of: UInt32(100).littleEndian) { Data($0) } + withUnsafeBytes(of: UInt32(100).littleEndian) { Data($0) }))
        bytes[sizes.upperBound - 2] ^= 0x10  // 100 -> 1,048,676
        try bytes.write(to: URL(fileURLWithPath: image))
        XCTAssertNil(IndexCache.read(for: dump))
        XCTAssertEqual(load(dump, LoadOptions(progress: false, cache: .on)).totalSize, 300_800)
    }

    /// An image others could write is not mapped (a mapping would show their
    /// later writes after the checks): it is read into memory instead.
    func testAnImageOthersCanWriteIsReadNotMapped() throws {
        let parsed = graphOf(30, (1..<30).map { ($0, $0 + 1) }, roots: [1], weak: [4])
        let dump = try XCTUnwrap(parsed.info.path)
        XCTAssertTrue(IndexCache.write(parsed, for: dump))
        let image = IndexCache.path(for: dump)
        XCTAssertTrue(try XCTUnwrap(IndexCache.read(for: dump)).forwardTargets.isMapped)
        XCTAssertEqual(chmod(image, 0o666), 0)
        let copied = try XCTUnwrap(IndexCache.read(for: dump))
        XCTAssertFalse(copied.forwardTargets.isMapped)
        XCTAssertEqual(copied.forwardTargets, parsed.forwardTargets)
        XCTAssertEqual(copied.weakEdges, parsed.weakEdges)
        XCTAssertEqual(DominatorTree(copied).idom, DominatorTree(parsed).idom)
    }
}
