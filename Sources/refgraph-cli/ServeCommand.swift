import ArgumentParser
import Dispatch
import FlyingSocks
import RefGraph

struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Explore a heap in the browser: overview, histogram, dominator tree, objects, graphs, and a comparison with a second dump.",
        discussion: """
        Listens on 127.0.0.1 and prints a URL with a random token; requests without it get 403. Only the dumps named here can be read. See docs/SERVE.md.
        Example: refgraph serve before.jsonl after.jsonl --open
        """
    )

    @Argument(help: "One dump, or two (or three) of one process, oldest first, for Compare.")
    var dumps: [String]

    @Option(help: "Port to listen on (default 8765; 0: any free port).", transform: Numbers.port)
    var port: UInt16 = 8765

    @Option(help: "Address to listen on. Anything but a loopback address exposes the heap (names, values) to the network.")
    var host = "127.0.0.1"

    @Flag(help: "Open the URL in a browser (xdg-open).")
    var open = false

    @Option(name: .customLong("nodes"), help: nodeTableHelp("Give it once for all dumps or once per dump, in the same order."))
    var nodes: [String] = []

    @OptionGroup var loading: LoadFlags

    func validate() throws {
        guard ServeAddress.isAddress(host) else {
            throw ValidationError("--host takes an IP address (127.0.0.1, ::1, 0.0.0.0) or localhost, not '\(Escape.terminal(host))'")
        }
        guard (1...3).contains(dumps.count) else { throw ValidationError("serve takes one dump, or two or three of one process (oldest first)") }
        if nodes.count > 1 && nodes.count != dumps.count {
            throw ValidationError("give --nodes once for all dumps or once per dump (\(dumps.count)), not \(nodes.count) times")
        }
    }

    func run() throws {
        var graphs: [HeapGraph] = []
        for (i, d) in dumps.enumerated() {
            graphs.append(loading.load(d, nodes: nodes.isEmpty ? nil : nodes[nodes.count == 1 ? 0 : i]))
        }
        let explorer = Explorer(graphs, files: dumps, token: Explorer.newToken())
        explorer.prepare()
        let token = explorer.token
        let warm = explorer.warmer()
        let server: ExplorerServer
        do {
            server = try ExplorerServer(explorer, host: host, port: port)
        } catch let SocketError.failed(type, _, message) {
            fail("cannot listen on \(host):\(port): \(type): \(message)")
        } catch {
            fail("cannot listen on \(host):\(port): \(error)")
        }
        if !ServeAddress.isLoopback(server.host) {
            StandardError.write("refgraph: " + TextStyle.errors.warning("warning:") + " listening on \(Escape.terminal(server.host)), not a loopback address: anyone who can reach this port and learns the URL can read every name and value in the dump\n")
        }
        let url = "http://\(ServeAddress.urlHost(server.host)):\(server.port)/?token=\(token)"
        emit("refgraph serve: \(url)")
        StandardError.write("serving \(dumps.map(Escape.terminal).joined(separator: ", ")); Ctrl-C stops\n")
        if open { ServeAddress.openBrowser(url) }
        // The dominator tree (suspects, histogram, tree, objects) while the
        // user opens the page; the summary answers meanwhile.
        DispatchQueue.global(qos: .utility).async(execute: warm)
        let done = DispatchSemaphore(value: 0)
        let failure = FailureBox()
        Task.detached {
            do { try await server.run() } catch { failure.set("\(error)") }
            done.signal()
        }
        done.wait()
        fail("the server stopped: \(failure.get() ?? "unknown reason")")
    }
}
