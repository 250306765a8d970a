import Foundation
import XCTest
@testable import RefGraph

final class IndexCacheTests: XCTestCase {
    func testRoundTripGivesTheSameGraph() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rgidx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let dump = dir.appendingPathComponent("d.jsonl").path
        try FileManager.default.copyItem(atPath: fixture("native/hotreload-py3.jsonl"), toPath: dump)
        let parsed = load(dump, LoadOptions(progress: false, cache: .on))
        XCTAssertTrue(FileManager.default.fileExists(atPath: IndexCache.path(for: dump)))
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
}
