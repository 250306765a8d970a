import FlyingSocks
import FoundationEssentials
import Glibc
import RefGraph
import Synchronization

/// `refgraph serve`'s HTTP transport: FlyingSocks' non-blocking sockets with
/// a task per connection. Each connection sends one request head (at most
/// `HTTPRequestHead.maxBytes`, within `timeout`), gets one response and is
/// closed. The explorer answers one request at a time, behind a lock, so a
/// slow or idle client holds only its own task.
final class ExplorerServer: Sendable {
    private let explorer: Mutex<Explorer>
    private let listener: Socket
    /// Where it listens, as bound (the port the system chose for `--port 0`).
    let host: String
    let port: UInt16
    /// Seconds a client has to send its request head.
    static let timeout: Duration = .seconds(15)

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

    /// One request on `client`, then close.
    private func serve(_ client: AsyncSocket) async {
        let closer = Closer(client)
        let watchdog = Task {
            try await Task.sleep(for: Self.timeout)
            closer.close()
        }
        defer { watchdog.cancel(); closer.close() }
        var buffer: [UInt8] = []
        var end: Int?
        do {
            while end == nil {
                if buffer.count > HTTPRequestHead.maxBytes {
                    try await client.write(Data(SiteResponse.error(431, "request head over \(HTTPRequestHead.maxBytes) bytes").bytes()))
                    return
                }
                buffer += try await client.read(atMost: 4096)
                end = HTTPRequestHead.end(in: buffer)
            }
        } catch {
            return  // the client went away, or the watchdog closed it
        }
        let response: SiteResponse
        var isHead = false
        if let head = HTTPRequestHead.parse(buffer[..<end!]) {
            isHead = head.method == "HEAD"
            response = explorer.withLock { $0.respond(head) }
        } else {
            response = .error(400, "malformed HTTP request")
        }
        try? await client.write(Data(response.bytes(head: isHead)))
    }
}

/// Closes a client socket once, whoever asks first (the handler or the watchdog).
private final class Closer: Sendable {
    private let client: AsyncSocket
    private let closed = Mutex(false)
    init(_ client: AsyncSocket) { self.client = client }
    func close() {
        let first = closed.withLock { done in
            defer { done = true }
            return !done
        }
        if first { try? client.close() }
    }
}
