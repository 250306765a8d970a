import Dispatch
import FlyingSocks
import FoundationEssentials
import Glibc
import RefGraph
import Synchronization

/// `refgraph serve`'s HTTP transport: FlyingSocks' non-blocking sockets with
/// a task per connection. Each connection sends one request head (at most
/// `HTTPRequestHead.maxBytes`, within `headTimeout`), gets one response and
/// is closed.
///
/// Refusals (403 without the token, 405, 400) are answered at once. Other
/// requests go to the explorer one at a time, behind a lock, and a picture's
/// Graphviz layout runs after it under a lock of its own, so a long layout
/// holds up only other pictures. The explorer's work runs on Dispatch's
/// threads, never on the cooperative pool that reads the sockets, so a slow
/// request blocks no reading.
final class ExplorerServer: Sendable {
    private let explorer: Mutex<Explorer>
    private let graphviz = Mutex(())
    private let token: String
    private let listener: Socket
    /// Where it listens, as bound (the port the system chose for `--port 0`).
    let host: String
    let port: UInt16
    /// Time a client has to send its request head, and to take the response.
    static let headTimeout: Duration = .seconds(15)
    static let writeTimeout: Duration = .seconds(60)

    /// Binds `host:port` (an IPv4 or IPv6 address, or `localhost`) and listens.
    init(_ explorer: consuming sending Explorer, host: String, port: UInt16) throws {
        let ip = host == "localhost" ? "127.0.0.1" : host
        let socket: Socket
        if ip.contains(":") {
            socket = try Socket(domain: AF_INET6, type: .stream)
            try socket.setValue(true, for: .localAddressReuse)
            try socket.bind(to: .inet6(ip6: ip, port: port))
        } else {
            socket = try Socket(domain: AF_INET, type: .stream)
            try socket.setValue(true, for: .localAddressReuse)
            try socket.bind(to: .inet(ip4: ip, port: port))
        }
        try socket.listen()
        listener = socket
        self.host = ip
        switch try socket.sockname() {
        case .ip4(_, let p), .ip6(_, let p): self.port = p
        case .unix: self.port = port
        }
        token = explorer.token
        self.explorer = Mutex(explorer)
    }

    /// Accepts connections until the process ends.
    func run() async throws {
        let pool = SocketPool.make()
        try await pool.prepare()
        let server = try AsyncSocket(socket: listener, pool: pool)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await pool.run() }
            group.addTask {
                for try await client in server.sockets {
                    Task { await self.serve(client) }
                }
            }
            try await group.next()
        }
    }

    /// One request on `client`, then close. A deadline cancels the read (which
    /// FlyingSocks' pool then forgets) rather than closing the socket under it.
    private func serve(_ client: AsyncSocket) async {
        defer { try? client.close() }
        let read = await Self.within(Self.headTimeout) { await Self.readHead(client) }
        let response: SiteResponse
        var isHead = false
        switch read {
        case nil, .closed?:
            return
        case .tooLarge?:
            response = .error(431, "request head over \(HTTPRequestHead.maxBytes) bytes")
        case .malformed?:
            response = .error(400, "malformed HTTP request")
        case .head(let head)?:
            isHead = head.method == "HEAD"
            response = await answer(head)
        }
        let bytes = Data(response.bytes(head: isHead))
        let sent = await Self.within(Self.writeTimeout) { (try? await client.write(bytes)) != nil }
        guard sent == true else { return }
        // Half-close and drain what the client still sends, briefly, so that
        // closing with unread bytes does not reset the connection before the
        // client has read the response.
        _ = shutdown(client.socket.file.rawValue, Int32(SHUT_WR))
        _ = await Self.within(.seconds(1)) {
            var drained = 0
            while drained < 1 << 16, let chunk = try? await client.read(atMost: 4096) { drained += chunk.count }
            return true
        }
    }

    /// The explorer's answer to `head`, computed off the cooperative pool.
    private func answer(_ head: HTTPRequestHead) async -> SiteResponse {
        if let refused = Explorer.refusal(head, token: token) { return refused }
        var response = await Self.offPool { self.explorer.withLock { $0.respondDeferred(head) } }
        if let layout = response.deferred {
            response = await Self.offPool { self.graphviz.withLock { _ in layout() } }
        }
        return response
    }

    /// Runs blocking `work` on a Dispatch thread and waits for it.
    private static func offPool<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { done in
            DispatchQueue.global().async { done.resume(returning: work()) }
        }
    }

    /// `body`'s result, or nil when `limit` passes first (`body` is then cancelled).
    private static func within<T: Sendable>(_ limit: Duration, _ body: @escaping @Sendable () async -> T) async -> T? {
        await withTaskGroup(of: T?.self) { group in
            group.addTask { await body() }
            group.addTask { try? await Task.sleep(for: limit); return nil }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }

    private enum HeadRead: Sendable {
        case head(HTTPRequestHead), malformed, tooLarge, closed
    }

    /// Reads up to the end of a request head; stops at `HTTPRequestHead.maxBytes`.
    private static func readHead(_ client: AsyncSocket) async -> HeadRead {
        var buffer: [UInt8] = []
        while true {
            if let end = HTTPRequestHead.end(in: buffer) {
                guard end <= HTTPRequestHead.maxBytes else { return .tooLarge }
                guard let head = HTTPRequestHead.parse(buffer[..<end]) else { return .malformed }
                return .head(head)
            }
            if buffer.count > HTTPRequestHead.maxBytes { return .tooLarge }
            guard let chunk = try? await client.read(atMost: 4096) else { return .closed }
            buffer += chunk
        }
    }
}
