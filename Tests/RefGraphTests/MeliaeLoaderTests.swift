import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest
@testable import RefGraph

final class MeliaeLoaderTests: XCTestCase {
    func testRealMeliaeDumpsLoad() {
        for name in ["meliae/py27-small.json", "meliae/py38-small.json"] {
            let g = load(fixture(name))
            XCTAssertEqual(g.info.format, .meliae)
            XCTAssertGreaterThan(g.nodeCount, 5000)
            XCTAssertFalse(g.info.truncated)
            // The sys module is found and made a root, so modules are reachable.
            XCTAssertEqual(g.nodes.filter { g.rootKind($0) == .sysModules }.count, 1, name)
        }
    }

    func testWrappedFormLoadsTheSame() {
        let a = load(fixture("meliae/py38-small.json"))
        let b = load(fixture("meliae/py38-wrapped.json"))
        XCTAssertEqual(a.nodeCount, b.nodeCount)
        XCTAssertEqual(a.edgeCount, b.edgeCount)
    }

    func testDictEdgesAreLabelledFromKeyValueOrder() {
        let g = load(fixture("meliae/py38-small.json"))
        // Some module's dict holds '__name__'.
        let labels = Set(g.nodes.filter { g.typeName($0) == "dict" }.flatMap { g.outLabels($0) })
        XCTAssertTrue(labels.contains("[b'PATH']"), "3.8 writes value, key pairs for non-str keys")
        XCTAssertTrue(labels.contains("<key>"))
        let g27 = load(fixture("meliae/py27-small.json"))
        let labels27 = Set(g27.nodes.filter { g27.typeName($0) == "dict" }.flatMap { g27.outLabels($0) })
        XCTAssertTrue(labels27.contains("['__name__']"), "2.7 writes key, value pairs")
        // Functions: code then globals.
        let f = g.nodes.first { g.typeName($0) == "function" && g.outLabels($0).contains("__globals__") }
        XCTAssertNotNil(f)
        let moduleDictLabels = g.nodes.filter { g.typeName($0) == "module" }.flatMap { g.outLabels($0) }
        XCTAssertTrue(moduleDictLabels.contains("__dict__"))
    }

    func testTruncatedMeliaeDumpsAreDetected() {
        let e = loadError(fixture("meliae/py38-truncated-midrecord.json"))
        XCTAssertTrue(e?.reason.hasPrefix("dump is truncated: the last record is cut off mid-line") ?? false)
        let crash = loadError(fixture("meliae/py38-bigint-crash.json"))
        XCTAssertTrue(crash?.reason.hasPrefix("dump looks truncated: 203 referenced objects have no record") ?? false, crash?.reason ?? "")
        let abort = loadError(fixture("meliae/py38-ctypes-abort.json"))
        XCTAssertTrue(abort?.reason.hasPrefix("dump is truncated: the last record is cut off mid-line") ?? false, abort?.reason ?? "")
        let g = load(fixture("meliae/py38-bigint-crash.json"), LoadOptions(allowTruncated: true, progress: false))
        XCTAssertTrue(g.info.truncated)
        XCTAssertGreaterThan(g.nodeCount, 1000)
    }
}
