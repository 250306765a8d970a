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
/// requests queue for the explorer's own thread, one at a time, and a
/// picture's Graphviz layout then queues for the layout thread, so a long
/// layout holds up only other pictures. No request waits on a thread of the
/// cooperative pool, which keeps reading sockets whatever the queues hold.
/// At most `maxConnections` are served at once (each may hold a response
/// of a few MB until its client reads it); more are closed at once.
final class ExplorerServer: Sendable {
    private let explorer: Mutex<Explorer>
    private let explorerThread = SerialWorker()
    private let layoutThread = SerialWorker()
    private let open = Atomic<Int>(0)
    private let token: String
    /// Connections served at once.
    static let maxConnections = 64
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
                    guard self.open.add(1, ordering: .relaxed).newValue <= Self.maxConnections else {
                        self.open.subtract(1, ordering: .relaxed)
                        try? client.close()
                        continue
                    }
                    Task {
                        await self.serve(client)
                        self.open.subtract(1, ordering: .relaxed)
                    }
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
        case .closed?:
            return
        case nil:
            response = .error(408, "no complete request head within \(Self.headTimeout)")
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
        var response = await explorerThread.run { self.explorer.withLock { $0.respondDeferred(head) } }
        if let layout = response.deferred {
            response = await layoutThread.run(layout)
        }
        return response
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
