/// One response of `refgraph serve`: status, media type and body, with the
/// headers every response carries (no caching, no sniffing, no referrer, and
/// a Content-Security-Policy that allows scripts only from the server's own
/// `/app.js`, never inline and never from data).
public struct SiteResponse: Sendable {
    /// HTTP status code.
    public var status: Int
    /// `Content-Type`.
    public var contentType: String
    /// The body (left out of the bytes for a HEAD request).
    public var body: [UInt8]
    /// Further headers (`Set-Cookie`).
    public var extraHeaders: [(String, String)] = []
    /// The CSP; SVG pictures get a stricter one.
    public var policy = SiteResponse.pagePolicy
    /// Work left to do outside the explorer's lock (a Graphviz layout, which
    /// can take seconds): the server runs it and sends what it returns.
    /// `Explorer.respond` runs it itself.
    public var deferred: (@Sendable () -> SiteResponse)?

    /// The policy of the page and the API.
    public static let pagePolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    /// The policy of an SVG picture: nothing may run or load.
    public static let picturePolicy = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'self'"

    public init(status: Int, contentType: String, body: [UInt8]) {
        self.status = status
        self.contentType = contentType
        self.body = body
    }

    /// A JSON document (`application/json`).
    public static func json(_ text: String, status: Int = 200) -> SiteResponse {
        SiteResponse(status: status, contentType: "application/json; charset=utf-8", body: Array(text.utf8))
    }

    /// `{"error": message}` with `status`.
    public static func error(_ status: Int, _ message: String) -> SiteResponse {
        var j = JSONWriter()
        j.beginObject(); j.field("error", message); j.field("status", status); j.endObject()
        return json(j.text, status: status)
    }

    /// The reason phrase of `status`.
    public static func reason(_ status: Int) -> String {
        switch status {
        case 200: return "OK"
        case 400: return "Bad Request"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 408: return "Request Timeout"
        case 413: return "Content Too Large"
        case 422: return "Unprocessable Content"
        case 431: return "Request Header Fields Too Large"
        default: return status < 500 ? "Client Error" : "Server Error"
        }
    }

    /// The response as bytes on the wire (HTTP/1.1, `Connection: close`);
    /// `head`: headers only.
    public func bytes(head: Bool = false) -> [UInt8] {
        var h = "HTTP/1.1 \(status) \(Self.reason(status))\r\n"
        h += "Content-Type: \(contentType)\r\n"
        h += "Content-Length: \(body.count)\r\n"
        h += "Content-Security-Policy: \(policy)\r\n"
        h += "X-Content-Type-Options: nosniff\r\n"
        h += "Referrer-Policy: no-referrer\r\n"
        h += "Cache-Control: no-store\r\n"
        h += "Cross-Origin-Resource-Policy: same-origin\r\n"
        for (k, v) in extraHeaders { h += "\(k): \(v)\r\n" }
        h += "Connection: close\r\n\r\n"
        var out = Array(h.utf8)
        if !head { out += body }
        return out
    }
}
