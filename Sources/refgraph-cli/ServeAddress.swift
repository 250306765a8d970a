import Glibc
import RefGraph
import Synchronization

/// Addresses and the browser for `refgraph serve`.
enum ServeAddress {
    /// Whether `host` is `localhost` or an IPv4 or IPv6 address in text form.
    static func isAddress(_ host: String) -> Bool {
        if host == "localhost" { return true }
        var buffer = [UInt8](repeating: 0, count: 16)
        return inet_pton(host.contains(":") ? AF_INET6 : AF_INET, host, &buffer) == 1
    }

    /// Whether `ip` is a loopback address (127.0.0.0/8 or ::1).
    static func isLoopback(_ ip: String) -> Bool { ip.hasPrefix("127.") || ip == "::1" }

    /// `ip` as a URL's host: IPv6 in brackets; the unspecified address as
    /// 127.0.0.1, which reaches it from this machine.
    static func urlHost(_ ip: String) -> String {
        if ip == "0.0.0.0" { return "127.0.0.1" }
        if ip == "::" { return "[::1]" }
        return ip.contains(":") ? "[\(ip)]" : ip
    }

    /// Starts `xdg-open URL` (no shell); a failure is only reported.
    static func openBrowser(_ url: String) {
        var pid: pid_t = 0
        let args = ["xdg-open", url]
        var argv: [UnsafeMutablePointer<CChar>?] = args.map { strdup($0) } + [nil]
        defer { for a in argv { free(a) } }
        if posix_spawnp(&pid, "xdg-open", nil, nil, &argv, environ) != 0 {
            StandardError.write("refgraph: could not start xdg-open; open the URL yourself\n")
        }
    }
}

/// Why the server task ended, handed to the main thread.
final class FailureBox: Sendable {
    private let message = Mutex<String?>(nil)
    func set(_ s: String) { message.withLock { $0 = s } }
    func get() -> String? { message.withLock { $0 } }
}
