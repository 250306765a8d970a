import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest
@testable import RefGraph

final class DetectionTests: XCTestCase {
    func testEmptyAndBinaryFiles() {
        XCTAssertEqual(loadError(temporaryFile(""))?.reason, "the file is empty")
        XCTAssertEqual(loadError(temporaryFile(bytes: [0x00, 0xff, 0x13, 0x37, 0x00], name: "b.bin"))?.reason,
                       "binary data: not a refgraph dump, a meliae dump or an edge list")
        let e = loadError("/nonexistent/dump.jsonl")
        XCTAssertEqual(e?.line, 0)
        XCTAssertEqual(e?.reason, "cannot open: No such file or directory")
    }

    func testCorruptAndTruncatedGzip() {
        let e = loadError(temporaryFile(bytes: [0x1f, 0x8b, 0x08, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77], name: "c.gz"))
        XCTAssertTrue(e?.reason.hasPrefix("gzip data is") ?? false, e?.reason ?? "")
    }
}
