import XCTest
@testable import RefGraph

/// The helpers that replaced Foundation (docs/WHEEL.md): number formatting,
/// path names, the atomic write and the directory walk behave as the
/// Foundation calls they replaced.
final class NoFoundationTests: XCTestCase {
    func testFixedPointIsPrintfsFixedNotation() {
        XCTAssertEqual(fixedPoint(1.25, digits: 1), "1.2", "round half to even, as %.1f")
        XCTAssertEqual(fixedPoint(99.96, digits: 1), "100.0")
        XCTAssertEqual(fixedPoint(0.0004, digits: 3), "0.000")
        XCTAssertEqual(fixedPoint(-3.5, digits: 0), "-4")
        XCTAssertEqual(fixedPoint(1e300, digits: 2).count, 304, "a value wider than the first buffer is whole")
        XCTAssertEqual(fixedPoint(.infinity, digits: 1), "inf")
        XCTAssertEqual(hexByte(0x0a), "0a")
        XCTAssertEqual(hexByte(0xff), "ff")
        XCTAssertEqual(Units.bytes(1_234_567), "1.2 MB")
        XCTAssertEqual(Units.percent(1, of: 3), "33%")
        XCTAssertEqual(Units.percent(1, of: 30), "3.3%")
    }

    func testPathNamesAsNSStringDid() {
        XCTAssertEqual(PathName.pathExtension("out/a.svg"), "svg")
        XCTAssertEqual(PathName.pathExtension("out.d/a"), "", "a dot in a directory name is not an extension")
        XCTAssertEqual(PathName.pathExtension(".profile"), "")
        XCTAssertEqual(PathName.pathExtension("a.tar.gz"), "gz")
        XCTAssertEqual(PathName.deletingExtension("snap/x.edges.tsv"), "snap/x.edges")
        XCTAssertEqual(PathName.deletingExtension("noext"), "noext")
        XCTAssertEqual(PathName.appending("dir/", "a"), "dir/a")
        XCTAssertEqual(PathName.appending("dir", "a"), "dir/a")
    }

    func testAtomicWriteReplacesWholeOrLeavesTheOldFile() throws {
        let dir = NSTemporaryDirectory() + "/rg-atomic-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        XCTAssertEqual(mkdir(dir, 0o700), 0)
        defer { _ = try? FileManager.default.removeItem(atPath: dir) }
        let target = dir + "/x.svg"
        try AtomicFile.write(Array("old".utf8), to: target)
        try AtomicFile.write(Array("new!".utf8), to: target)
        XCTAssertEqual(try String(contentsOfFile: target, encoding: .utf8), "new!")
        XCTAssertThrowsError(try AtomicFile.write([1], to: dir + "/missing/x.svg"))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), ["x.svg"], "no temporary file is left")
    }

    func testAtomicWriteFollowsLinksAndNeverReplacesADevice() throws {
        let dir = NSTemporaryDirectory() + "/rg-atomic2-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        XCTAssertEqual(mkdir(dir, 0o700), 0)
        defer { _ = try? FileManager.default.removeItem(atPath: dir) }
        // A link to a regular file: the file is replaced, the link stays.
        try AtomicFile.write(Array("old".utf8), to: dir + "/real.svg")
        XCTAssertEqual(symlink("real.svg", dir + "/link.svg"), 0)
        try AtomicFile.write(Array("new".utf8), to: dir + "/link.svg")
        var st = stat()
        XCTAssertEqual(lstat(dir + "/link.svg", &st), 0)
        XCTAssertEqual(st.st_mode & S_IFMT, S_IFLNK, "the link is kept")
        XCTAssertEqual(try String(contentsOfFile: dir + "/real.svg", encoding: .utf8), "new")
        // The permission bits of a replaced file are kept.
        XCTAssertEqual(chmod(dir + "/real.svg", 0o600), 0)
        try AtomicFile.write(Array("again".utf8), to: dir + "/real.svg")
        XCTAssertEqual(stat(dir + "/real.svg", &st), 0)
        XCTAssertEqual(st.st_mode & 0o777, 0o600)
        // A device is written in place, never replaced by a regular file.
        try AtomicFile.write(Array("x".utf8), to: "/dev/null")
        XCTAssertEqual(stat("/dev/null", &st), 0)
        XCTAssertEqual(st.st_mode & S_IFMT, S_IFCHR)
        // A name near NAME_MAX: the temporary name does not grow with it.
        let long = dir + "/" + String(repeating: "a", count: 250) + ".svg"
        try AtomicFile.write(Array("long".utf8), to: long)
        XCTAssertEqual(try String(contentsOfFile: long, encoding: .utf8), "long")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasPrefix(".refgraph-") }, [])
    }

    func testDirectoryWalkIsIterativeAndSkipsLinkedDirectories() throws {
        let dir = NSTemporaryDirectory() + "/rg-walk-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        defer { _ = try? FileManager.default.removeItem(atPath: dir) }
        var deep = dir
        for i in 0..<200 { deep += "/d\(i)" }  // deeper than a recursive walk would like
        try FileManager.default.createDirectory(atPath: deep, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: deep + "/a.jsonl", contents: Data("{}".utf8))
        XCTAssertEqual(symlink(dir, dir + "/loop"), 0)
        let found = DumpDiscovery.filesBelow(dir).names.filter { $0.hasSuffix(".jsonl") }
        XCTAssertEqual(found.count, 1, "the link back to the top is listed, not entered")
        XCTAssertEqual(DumpDiscovery.standardized(dir + "/./d0/../d0/"), DumpDiscovery.standardized(dir + "/d0"))
        XCTAssertTrue(DumpDiscovery.standardized("rel/x").hasPrefix("/"))
    }
}
