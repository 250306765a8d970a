/// The web explorer of `refgraph serve`: answers one HTTP request at a time
/// from the dumps named on the command line. It holds no socket and reads no
/// file: a request can only reach these dumps, through the routes below.
///
/// Every request must carry the token, as `?token=` or the `refgraph_token`
/// cookie the page sets; anything else gets 403. Not thread-safe: the server
/// serializes calls to `respond`.
public final class Explorer {
    /// The secret every request must carry.
    public let token: String
    let dumps: [ExplorerDump]
    /// The files as named on the command line, for `/api/meta`.
    let files: [String]
    /// The comparison of all dumps, built once (by `warmer` or the first Compare).
    private let diffSlot = OnceValue<Result<SnapshotDiff, SiteFailure>>()

    /// An explorer over `graphs` (oldest first when there are two or three),
    /// named `files`, guarded by `token`.
    public init(_ graphs: [HeapGraph], files: [String], token: String) {
        dumps = graphs.map(ExplorerDump.init)
        self.files = files
        self.token = token
    }

    /// A fresh token: 128 bits from the system's random source, in hex.
    public static func newToken() -> String {
        var g = SystemRandomNumberGenerator()
        return (0..<2).map { _ in
            let s = String(g.next() as UInt64, radix: 16)
            return String(repeating: "0", count: 16 - s.count) + s
        }.joined()
    }

    /// Computes what the first views need (summary of each dump) so the
    /// first answer is quick.
    public func prepare() { for d in dumps { _ = d.summary } }

    /// Builds each dump's dominator index and suspects report; meant for a
    /// background thread while requests are answered (the returned closure
    /// holds only Sendable state). A request that needs one before it is
    /// built waits for it rather than building it twice.
    public func warmer() -> @Sendable () -> Void {
        let work = dumps.map { ($0.graph, $0.indexSlot, $0.suspectsSlot) }
        let graphs = dumps.map(\.graph), diffSlot = diffSlot
        return {
            for (graph, indexSlot, suspectsSlot) in work {
                let index = indexSlot.get { DominatorIndex(graph, tree: DominatorTree(graph)) }
                _ = suspectsSlot.get { ExplorerDump.suspects(graph, index) }
            }
            if graphs.count > 1 { _ = diffSlot.get { Explorer.compare(graphs) } }
        }
    }

    /// The response to `head`, drawing pictures at once. Cost: that of the
    /// route; none reads a file.
    public func respond(_ head: HTTPRequestHead) -> SiteResponse {
        let r = respondDeferred(head)
        return r.deferred?() ?? r
    }

    /// The response to `head`; a picture's layout is left in `deferred`, for
    /// the server to run outside its lock.
    public func respondDeferred(_ head: HTTPRequestHead) -> SiteResponse {
        if let refused = Self.refusal(head, token: token) { return refused }
        let q = SiteQuery(head.target)!
        var r: SiteResponse
        do {
            r = try route(q)
        } catch {
            r = .error(error.status, error.message)
        }
        if q["token"].map({ Self.same($0, token) }) == true && q.path == "/" {
            r.extraHeaders.append(("Set-Cookie", "refgraph_token=\(token); Path=/; HttpOnly; SameSite=Strict"))
        }
        return r
    }

    /// The answer to a request that gets none from the dumps: 405 for a
    /// method other than GET and HEAD, 400 for a malformed target, 403
    /// without the token; nil for one to route. It reads no state but the
    /// token, so the server checks it before taking its lock: a refused
    /// request never waits behind a long one.
    public static func refusal(_ head: HTTPRequestHead, token: String) -> SiteResponse? {
        guard head.method == "GET" || head.method == "HEAD" else {
            return .error(405, "only GET and HEAD are served")
        }
        guard let q = SiteQuery(head.target) else { return .error(400, "malformed request target") }
        let viaQuery = q["token"].map { same($0, token) } ?? false
        guard viaQuery || cookieCarriesToken(head, token) else {
            var r = SiteResponse(status: 403, contentType: "text/plain; charset=utf-8",
                                 body: Array("403 Forbidden: this refgraph serve needs the token in the URL it printed (…/?token=…)\n".utf8))
            r.policy = SiteResponse.picturePolicy
            return r
        }
        return nil
    }

    private static func cookieCarriesToken(_ head: HTTPRequestHead, _ token: String) -> Bool {
        for (name, value) in head.headers where name == "cookie" {
            for part in value.split(separator: ";") {
                let kv = part.split(separator: "=", maxSplits: 1)
                if kv.count == 2 && trimmingSpaces(kv[0]) == "refgraph_token" && same(trimmingSpaces(kv[1]), token) { return true }
            }
        }
        return false
    }

    /// Compares without stopping at the first difference.
    static func same(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var diff: UInt8 = 0
        for i in x.indices { diff |= x[i] ^ y[i] }
        return diff == 0
    }

    private func route(_ q: SiteQuery) throws(SiteFailure) -> SiteResponse {
        switch q.path {
        case "/", "/index.html": return SiteResponse(status: 200, contentType: "text/html; charset=utf-8", body: Array(PageAssets.html.utf8))
        case "/app.js": return SiteResponse(status: 200, contentType: "text/javascript; charset=utf-8", body: Array(PageAssets.script.utf8))
        case "/app.css": return SiteResponse(status: 200, contentType: "text/css; charset=utf-8", body: Array(PageAssets.style.utf8))
        case "/api/meta": return .json(meta())
        case "/api/summary": return .json(try dump(q).summary)
        case "/api/suspects": return .json(try suspects(q))
        case "/api/top": return .json(try top(q))
        case "/api/members": return .json(try members(q))
        case "/api/select": return try select(q)
        case "/api/dominators": return .json(try dominators(q))
        case "/api/object": return .json(try object(q))
        case "/api/paths": return .json(try paths(q))
        case "/api/graph.svg": return try picture(q)
        case "/api/diff": return .json(try diff().json(dumps.map(\.graph)))
        default: throw SiteFailure(404, "no such page or API: \(q.path)")
        }
    }

    private func meta() -> String {
        var j = JSONWriter()
        j.beginObject()
        j.field("version", RefGraphVersion.string)
        j.objects("dumps", dumps.indices) { j, i in
            let g = dumps[i].graph
            j.field("dump", i + 1)
            j.field("file", files[i])
            j.field("format", g.info.format.rawValue)
            j.field("objects", g.nodeCount)
            j.field("references", g.edgeCount)
            j.field("truncated", g.info.truncated)
        }
        j.field("compare", dumps.count > 1)
        j.endObject()
        return j.text
    }

    // MARK: Parameters

    /// The dump `?dump=N` names (1-based; the first by default).
    func dump(_ q: SiteQuery) throws(SiteFailure) -> ExplorerDump {
        guard let s = q["dump"] else { return dumps[0] }
        guard let i = Int(s), i >= 1, i <= dumps.count else { throw SiteFailure(404, "no dump \(s): this server has \(dumps.count)") }
        return dumps[i - 1]
    }

    /// The object `?id=` names in dump `d`.
    func node(_ q: SiteQuery, _ d: ExplorerDump) throws(SiteFailure) -> HeapGraph.Node {
        guard let id = q["id"], !id.isEmpty else { throw SiteFailure(400, "give the object's id: ?id=0x…") }
        guard let n = d.node(id) else { throw SiteFailure(404, "no object with id \(id) in this dump") }
        return n
    }

    func choice<T: RawRepresentable>(_ q: SiteQuery, _ name: String, _ fallback: T) throws(SiteFailure) -> T where T.RawValue == String {
        guard let s = q[name] else { return fallback }
        guard let v = T(rawValue: s) else { throw SiteFailure(400, "bad \(name): \(s)") }
        return v
    }

    // MARK: Snapshot comparison

    /// The diff of all dumps, computed once.
    func diff() throws(SiteFailure) -> SnapshotDiff {
        if dumps.count < 2 { throw SiteFailure(404, "compare needs a second dump: refgraph serve OLD NEW") }
        return try diffSlot.get { [graphs = dumps.map(\.graph)] in Self.compare(graphs) }.get()
    }

    /// `refgraph diff` of `graphs`, or why they cannot be compared.
    static func compare(_ graphs: [HeapGraph]) -> Result<SnapshotDiff, SiteFailure> {
        do { return .success(try SnapshotDiff(graphs, byTypeOnly: false)) }
        catch { return .failure(SiteFailure(422, error.description)) }
    }
}

/// Why a request got no answer: an HTTP status and a message for the page.
struct SiteFailure: Error, Sendable {
    var status: Int
    var message: String
    init(_ status: Int, _ message: String) {
        self.status = status
        self.message = message
    }
}
