import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest
@testable import RefGraph

/// Allocation sites in text reports (issue 19 item 2): the innermost frame
/// outside the standard library, under path, dominators and suspects.
final class AllocationSiteTests: XCTestCase {
    func testReportsNameTheUsersFrame() {
        let g = load(temporaryFile(nativeDump([
            "{\"address\": 1, \"type\": \"dict\", \"size\": 100, \"refs\": [2], \"labels\": [\"['cache']\"], \"root\": \"sys.modules\"}",
            "{\"address\": 2, \"type\": \"list\", \"size\": 4000000, \"len\": 1, \"refs\": [3], \"labels\": [\"[0]\"], \"alloc\": [\"/usr/lib/python3.11/json/decoder.py:353\", \"<frozen importlib._bootstrap>:241\", \"/srv/app/cache.py:42\", \"/srv/app/main.py:7\"]}",
            "{\"address\": 3, \"type\": \"app.Entry\", \"size\": 64, \"refs\": [], \"alloc\": [\"/usr/lib/python3.11/site-packages/lib/make.py:9\"]}",
        ])))
        let d = Describer(g)
        XCTAssertEqual(d.allocationSite(g.node(2)!), "/srv/app/cache.py:42")
        XCTAssertEqual(d.allocationSite(g.node(3)!), "/usr/lib/python3.11/site-packages/lib/make.py:9", "site-packages is the user's code")
        XCTAssertNil(d.allocationSite(g.node(1)!))
        let path = RetentionPaths(g, targets: [g.node(2)!]).text(g, selector: "id == 2")
        XCTAssertTrue(path.contains("\n    allocated at /srv/app/cache.py:42\n"), path)
        let tree = DominatorTree(g)
        let dom = DominatorChains(g, tree: tree, targets: [g.node(3)!], limit: 5).render(json: false)
        XCTAssertTrue(dom.contains("allocated at /usr/lib/python3.11/site-packages/lib/make.py:9"), dom)
    }

    /// Site records (the exporter writes each traceback once): objects that
    /// name a site carry its frames, exactly as an inline `alloc` would.
    func testSiteRecordsGiveTheirObjectsTheFrames() {
        let g = load(temporaryFile(nativeDump([
            "{\"record\": \"site\", \"site\": 1, \"frames\": [\"/usr/lib/python3.12/json/decoder.py:353\", \"/srv/app/cache.py:42\"]}",
            "{\"address\": 1, \"type\": \"dict\", \"size\": 100, \"refs\": [2, 3], \"labels\": [\"['a']\", \"['b']\"], \"root\": \"sys.modules\"}",
            "{\"address\": 2, \"type\": \"bytes\", \"size\": 4000, \"refs\": [], \"site\": 1}",
            "{\"record\": \"site\", \"site\": 2, \"frames\": [\"/srv/app/other.py:7\"]}",
            "{\"address\": 3, \"type\": \"bytes\", \"size\": 4000, \"refs\": [], \"site\": 2}",
        ])))
        XCTAssertEqual(g.nodeCount, 3)
        let d = Describer(g)
        XCTAssertEqual(d.allocationSite(g.node(2)!), "/srv/app/cache.py:42")
        XCTAssertEqual(d.allocationSite(g.node(3)!), "/srv/app/other.py:7")
        XCTAssertNil(d.allocationSite(g.node(1)!))
    }
}
