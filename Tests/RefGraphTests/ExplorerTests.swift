import Foundation
import XCTest
@testable import RefGraph

/// `refgraph serve`'s request handling without a socket: the token, the
/// routes, the JSON field names shared with the CLI, the HTTP head parser
/// and the query decoder. The browser test (Tests/serve) drives the page.
final class ExplorerTests: XCTestCase {
    let token = "0123456789abcdef0123456789abcdef"

    func explorer(_ names: [String] = ["native/hotreload-py3.jsonl"]) -> Explorer {
        Explorer(names.map { load(fixture($0)) }, files: names, token: token)
    }

    func get(_ e: Explorer, _ target: String, cookie: String? = nil) -> SiteResponse {
        var head = HTTPRequestHead(method: "GET", target: target)
        if let cookie { head.headers.append(("cookie", cookie)) }
        return e.respond(head)
    }

    func json(_ r: SiteResponse, file: StaticString = #filePath, line: UInt = #line) -> [String: Any] {
        XCTAssertEqual(r.contentType, "application/json; charset=utf-8", file: file, line: line)
        return (try? JSONSerialization.jsonObject(with: Data(r.body))) as? [String: Any] ?? [:]
    }

    func testEveryRequestWithoutTheTokenIs403() {
        let e = explorer()
        for target in ["/", "/app.js", "/api/summary", "/api/object?id=0x67", "/../../etc/passwd", "/favicon.ico", "/?token=", "/?token=0123456789abcdef0123456789abcdee"] {
            XCTAssertEqual(get(e, target).status, 403, target)
        }
        XCTAssertEqual(get(e, "/api/summary", cookie: "refgraph_token=nope").status, 403)
        XCTAssertEqual(get(e, "/api/summary", cookie: "other=1; refgraph_token=\(token)").status, 200, "the cookie the page sets")
        XCTAssertEqual(get(e, "/api/summary", cookie: "refgraph_token= \(token) ;").status, 200, "spaces around a cookie value")
        XCTAssertEqual(get(e, "/api/summary?token=\(token)").status, 200)
    }

    func testThePageSetsAnHttpOnlyCookieAndAPolicyWithoutInlineScript() {
        let r = get(explorer(), "/?token=\(token)")
        XCTAssertEqual(r.status, 200)
        XCTAssertTrue(r.extraHeaders.contains { $0.0 == "Set-Cookie" && $0.1.hasPrefix("refgraph_token=\(token);") && $0.1.contains("HttpOnly") && $0.1.contains("SameSite=Strict") })
        let wire = String(decoding: r.bytes(), as: UTF8.self)
        XCTAssertTrue(wire.contains("Content-Security-Policy: default-src 'none'; script-src 'self';"))
        XCTAssertTrue(wire.contains("X-Content-Type-Options: nosniff"))
        XCTAssertTrue(wire.contains("Referrer-Policy: no-referrer"), "the token in the URL never leaves in a Referer")
        let page = String(decoding: r.body, as: UTF8.self)
        XCTAssertFalse(page.contains("<script>"), "no inline script")
        XCTAssertTrue(page.contains("<script src=\"app.js\""))
    }

    func testNoRouteReadsAFile() {
        let e = explorer()
        for path in ["/etc/passwd", "/../Package.swift", "/api/../../etc/passwd", "/api/summary/../../x", "/api/file"] {
            XCTAssertEqual(get(e, path + "?token=\(token)").status, 404, path)
        }
        XCTAssertEqual(get(e, "/api/summary?token=\(token)&dump=../../etc/passwd").status, 404)
        XCTAssertEqual(get(e, "/api/summary?token=\(token)&dump=2").status, 404, "only the dumps named")
    }

    func testOnlyGetAndHead() {
        let e = explorer()
        XCTAssertEqual(e.respond(HTTPRequestHead(method: "POST", target: "/api/summary?token=\(token)")).status, 405)
        let head = e.respond(HTTPRequestHead(method: "HEAD", target: "/api/summary?token=\(token)"))
        XCTAssertEqual(head.status, 200)
        XCTAssertFalse(head.bytes(head: true).isEmpty)
        XCTAssertTrue(String(decoding: head.bytes(head: true), as: UTF8.self).hasSuffix("\r\n\r\n"), "HEAD: headers only")
    }

    func testSummaryAndSuspectsAreTheCLIsJSON() {
        let g = load(fixture("native/hotreload-py3.jsonl"))
        let e = explorer()
        XCTAssertEqual(String(decoding: get(e, "/api/summary?token=\(token)").body, as: UTF8.self), Summary(g, top: 10).json())
        let index = DominatorIndex(g, tree: DominatorTree(g))
        XCTAssertEqual(String(decoding: get(e, "/api/suspects?token=\(token)").body, as: UTF8.self),
                       LeakSuspects(g, index: index, semantics: HeapSemantics(g)).json(g))
    }

    func testObjectHasTheCLIsFieldsReferrersReferentsAndDominator() {
        let e = explorer()
        let o = json(get(e, "/api/object?token=\(token)&id=0x67"))
        let object = o["object"] as? [String: Any] ?? [:]
        XCTAssertEqual(object["id"] as? String, "0x67")
        XCTAssertEqual(object["type"] as? String, "dict")
        XCTAssertEqual(object["owner"] as? String, "module logging")
        XCTAssertNotNil(object["retained"])
        let referrers = o["referrers"] as? [[String: Any]] ?? []
        XCTAssertEqual(referrers.count, o["referrers_total"] as? Int)
        XCTAssertFalse(referrers.isEmpty)
        XCTAssertTrue(referrers.allSatisfy { $0["edge"] is String && $0["id"] is String })
        XCTAssertEqual(json(get(e, "/api/object?token=\(token)&id=103"))["object"].map { ($0 as? [String: Any])?["id"] as? String }, "0x67", "a decimal id finds the same object")
        XCTAssertEqual(get(e, "/api/object?token=\(token)&id=0x999999").status, 404)
        XCTAssertEqual(get(e, "/api/object?token=\(token)").status, 400)
    }

    func testPathsAreThoseOfPathAll() {
        let g = load(fixture("native/hotreload-py3.jsonl"))
        let d = Describer(g)
        let n = g.nodes.first { g.address($0) == 0x67 }!
        let cli = RetentionPaths(g, targets: [n], alternatives: 5, semantics: d.semantics).json(g, selector: "id == 0x67", describer: d)
        XCTAssertEqual(String(decoding: get(explorer(), "/api/paths?token=\(token)&id=0x67").body, as: UTF8.self), cli)
    }

    func testDominatorChildrenArePagedLargestFirst() {
        let e = explorer(["native/logging-small.jsonl"])
        let all = json(get(e, "/api/dominators?token=\(token)&limit=1000"))
        let kids = all["children"] as? [[String: Any]] ?? []
        XCTAssertEqual(kids.count, all["total"] as? Int)
        let sizes = kids.compactMap { $0["retained"] as? Int }
        XCTAssertEqual(sizes, sizes.sorted(by: >))
        let second = json(get(e, "/api/dominators?token=\(token)&limit=1&offset=1"))
        XCTAssertEqual((second["children"] as? [[String: Any]])?.first?["id"] as? String, kids.dropFirst().first?["id"] as? String)
        XCTAssertEqual(second["offset"] as? Int, 1)
        let top = kids.first { ($0["dominated"] as? Int ?? 0) > 0 }!
        let under = json(get(e, "/api/dominators?token=\(token)&id=\(top["id"] as! String)"))
        XCTAssertEqual(under["total"] as? Int, top["dominated"] as? Int, "a node's children are the objects it dominates")
    }

    func testHistogramMembersAddUpToTheRow() {
        let e = explorer(["native/logging-small.jsonl"])
        for group in ["type", "owner", "module"] {
            let top = json(get(e, "/api/top?token=\(token)&group=\(group)&by=count"))
            XCTAssertEqual(top["group"] as? String, group)
            for row in (top["rows"] as? [[String: Any]] ?? []).prefix(5) {
                let key = row["key"] as! String
                let m = json(get(e, "/api/members?token=\(token)&group=\(group)&key=\(SiteQuery.encode(key))&limit=0"))
                XCTAssertEqual(m["total"] as? Int, row["count"] as? Int, "\(group) \(key)")
            }
        }
        XCTAssertEqual(get(e, "/api/top?token=\(token)&group=colour").status, 400)
    }

    func testABadSelectorGets422WithTheCaret() {
        let r = get(explorer(), "/api/select?token=\(token)&selector=" + SiteQuery.encode("tpye == dict"))
        XCTAssertEqual(r.status, 422)
        let o = json(r)
        XCTAssertTrue((o["error"] as? String ?? "").contains("unknown field 'tpye'"))
        XCTAssertTrue((o["error"] as? String ?? "").contains("^^^^"))
        XCTAssertEqual(o["offset"] as? Int, 0)
        let ok = json(get(explorer(), "/api/select?token=\(token)&selector=dict"))
        XCTAssertEqual(ok["total"] as? Int, 4)
    }

    func testPictureIsSVGWithAStrictPolicy() {
        let r = get(explorer(), "/api/graph.svg?token=\(token)&id=0x67&mode=roots")
        XCTAssertEqual(r.status, 200)
        XCTAssertEqual(r.contentType, "image/svg+xml")
        XCTAssertEqual(r.policy, SiteResponse.picturePolicy)
        XCTAssertTrue(String(decoding: r.body, as: UTF8.self).contains("<svg"))
        XCTAssertEqual(get(explorer(), "/api/graph.svg?token=\(token)&id=0x67&mode=sideways").status, 400)
    }

    func testCompareNeedsTwoDumps() {
        XCTAssertEqual(get(explorer(), "/api/diff?token=\(token)").status, 404)
    }

    func testRequestHeadParsing() {
        let raw = Array("GET /api/x?a=1 HTTP/1.1\r\nHost: 127.0.0.1:8765\r\nCookie:  a=b \r\n\r\nbody".utf8)
        let end = HTTPRequestHead.end(in: raw)
        XCTAssertEqual(end, raw.count - 4)
        let head = HTTPRequestHead.parse(raw[..<end!])
        XCTAssertEqual(head?.method, "GET")
        XCTAssertEqual(head?.target, "/api/x?a=1")
        XCTAssertEqual(head?.header("cookie"), "a=b")
        XCTAssertNil(HTTPRequestHead.end(in: Array("GET / HTTP/1.1\r\nHost: x\r\n".utf8)), "not all there yet")
        let bare = Array("GET /a HTTP/1.0\nHost: x\n\n".utf8)
        XCTAssertEqual(HTTPRequestHead.end(in: bare), bare.count, "lines ended with LF alone")
        XCTAssertEqual(HTTPRequestHead.parse(bare[...])?.header("host"), "x")
        for bad in ["GET / HTTP/2\r\n\r\n", "GET /\r\n\r\n", "GET x HTTP/1.1\r\n\r\n", "GET / HTTP/1.1\r\nno colon\r\n\r\n",
                    "GET /\u{1} HTTP/1.1\r\n\r\n", "\r\n\r\n", "GET / HTTP/1.1\r\nBad Name: x\r\n\r\n",
                    "GET / HTTP/1.zz\r\n\r\n", "GET / HTTP/1.1\r\nX-A: a\rb\r\n\r\n"] {
            XCTAssertNil(HTTPRequestHead.parse(ArraySlice(bad.utf8)), bad.debugDescription)
        }
        XCTAssertNil(HTTPRequestHead.parse(ArraySlice([0x47, 0x45, 0x54, 0x20, 0x2f, 0xff, 0x20] + Array(" HTTP/1.1\r\n\r\n".utf8))), "not UTF-8")
    }

    func testQueryDecoding() {
        let q = SiteQuery("/api/select?selector=len+%3E+10&x=%E2%86%92&empty=&flag")!
        XCTAssertEqual(q.path, "/api/select")
        XCTAssertEqual(q["selector"], "len > 10")
        XCTAssertEqual(q["x"], "→")
        XCTAssertEqual(q["empty"], "")
        XCTAssertEqual(q["flag"], "")
        XCTAssertNil(q["missing"])
        XCTAssertNil(SiteQuery("/a?b=%zz"))
        XCTAssertNil(SiteQuery("/a?b=%ff"), "not UTF-8")
        XCTAssertEqual(SiteQuery("/a%2Fb")?.path, "/a/b")
        XCTAssertEqual(try q.count("missing", fallback: 7, max: 10), 7)
        XCTAssertEqual(try SiteQuery("/?n=99999999999999999999")!.count("n", fallback: 3, max: 10), 10, "huge: the most")
        XCTAssertEqual(try SiteQuery("/?n=40")!.count("n", fallback: 3, max: 10), 10)
        for bad in ["-4", "+4", "x", "", "1e3"] {
            XCTAssertThrowsError(try SiteQuery("/?n=" + SiteQuery.encode(bad))!.count("n", fallback: 3, max: 10), bad)
        }
        XCTAssertEqual(get(explorer(), "/api/dominators?token=\(token)&offset=-5").status, 400)
        for id in ["0x+67", "+103", "0x", "0x67 ", "1_03"] {
            XCTAssertEqual(get(explorer(), "/api/object?token=\(token)&id=" + SiteQuery.encode(id)).status, 404, id)
        }
        XCTAssertEqual(SiteQuery.encode("a b&c=→"), "a%20b%26c%3D%E2%86%92")
    }

    func testTokensAreFreshAnd128Bits() {
        let a = Explorer.newToken(), b = Explorer.newToken()
        XCTAssertEqual(a.count, 32)
        XCTAssertTrue(a.allSatisfy(\.isHexDigit))
        XCTAssertNotEqual(a, b)
    }

    func testANodeWith100kChildrenPagesConsistently() {
        var text = ""
        for i in 2...100_001 { text += "1 \(i)\n" }
        let path = temporaryFile(text, name: "fan.edges")
        let e = Explorer([load(path)], files: [path], token: token)
        let first = json(get(e, "/api/dominators?token=\(token)&id=1&limit=100"))
        XCTAssertEqual(first["total"] as? Int, 100_000)
        XCTAssertEqual((first["children"] as? [[String: Any]])?.count, 100)
        let last = json(get(e, "/api/dominators?token=\(token)&id=1&offset=99950&limit=100"))
        XCTAssertEqual((last["children"] as? [[String: Any]])?.count, 50)
        // One pass with a buffer (offset + limit <= 2000) and the full sort beyond agree.
        let ids = { (o: [String: Any]) in (o["children"] as? [[String: Any]] ?? []).map { $0["id"] as? String ?? "" } }
        let selected = ids(json(get(e, "/api/dominators?token=\(token)&id=1&offset=1900&limit=100")))
        let sorted = ids(json(get(e, "/api/dominators?token=\(token)&id=1&offset=1900&limit=101")))
        XCTAssertEqual(selected.count, 100)
        XCTAssertEqual(selected, Array(sorted.prefix(100)))
    }
}
