import CGraphviz
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A Graphviz context, with the plugins shipped beside the binary when there
/// are any.
///
/// The wheel (docs/WHEEL.md) puts Graphviz's render plugins in a `graphviz`
/// directory next to the `refgraph` binary. A context made by `gvContext()`
/// would look for them in the system's plugin directory through its
/// `config6` file, which a host without Graphviz does not have, and which on a
/// host with Graphviz belongs to another copy of libgvc. So when that
/// directory exists, each plugin is opened by path, its
/// `gvplugin_NAME_LTX_library` structure looked up, and the context is made
/// with `gvContextPlugins(list, 0)`: those plugins and nothing else. Without
/// the directory (a source build), the context is the system's, as before.
/// Cost: a `stat` and, in the wheel, three `dlopen`s of already-mapped
/// libraries after the first render.
struct GraphvizContext: ~Copyable {
    /// The plugins the wheel ships: text formats (svg, dot, json, ...), the
    /// dot engine, and sfdp/neato.
    static let vendoredPlugins = ["core", "dot_layout", "neato_layout"]
    /// Plugins a render can do without (the engine asked for then fails).
    static let optionalPlugins: Set<String> = ["neato_layout"]

    let gvc: OpaquePointer
    /// True when the plugins are the ones beside the binary (the wheel).
    var vendored: Bool { builtins != nil }
    /// Optional plugins that could not be loaded, with the loader's reason.
    private(set) var unavailable: [String: String] = [:]
    private let builtins: UnsafeMutablePointer<lt_symlist_t>?
    private let builtinCount: Int

    init() throws(Graphviz.Failure) {
        guard let dir = Self.vendoredDirectory() else {
            guard let gvc = gvContext() else { throw Graphviz.Failure(description: "Graphviz: cannot create a context") }
            self.gvc = gvc
            builtins = nil
            builtinCount = 0
            return
        }
        let plugins = Self.vendoredPlugins
        let list = UnsafeMutablePointer<lt_symlist_t>.allocate(capacity: plugins.count + 1)
        var filled = 0
        func release() { Self.release(list, filled) }
        for name in plugins {
            let path = dir + "/libgvplugin_" + name + ".so.6"
            let symbol = "gvplugin_" + name + "_LTX_library"
            guard let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL), let address = dlsym(handle, symbol),
                  let cname = strdup(symbol) else {
                // sfdp and neato need glib, which a host may lack: the other
                // engines still work, and asking for those says what failed.
                let why = dlerror().map { String(cString: $0) } ?? "no \(symbol)"
                if Self.optionalPlugins.contains(name) {
                    unavailable[name] = why
                    continue
                }
                release()
                throw Graphviz.Failure(description: "Graphviz: cannot load the plugin \(path): \(why)")
            }
            list[filled] = lt_symlist_t(name: UnsafePointer(cname), address: address)
            filled += 1
        }
        list[filled] = lt_symlist_t(name: nil, address: nil)
        guard let gvc = gvContextPlugins(list, 0) else {
            release()
            throw Graphviz.Failure(description: "Graphviz: cannot create a context with the plugins in \(dir)")
        }
        self.gvc = gvc
        builtins = list
        builtinCount = filled
    }

    deinit {
        gvFreeContext(gvc)
        if let builtins { Self.release(builtins, builtinCount) }
    }

    /// Frees the first `count` names of `list` (strdup'd) and the list.
    private static func release(_ list: UnsafeMutablePointer<lt_symlist_t>, _ count: Int) {
        for i in 0..<count { free(UnsafeMutableRawPointer(mutating: list[i].name)) }
        list.deallocate()
    }

    /// `graphviz` beside the running executable (resolved through
    /// /proc/self/exe), when it is a directory; nil elsewhere.
    static func vendoredDirectory() -> String? {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = buffer.withUnsafeMutableBufferPointer { p in
            p.baseAddress!.withMemoryRebound(to: CChar.self, capacity: p.count) { readlink("/proc/self/exe", $0, p.count - 1) }
        }
        guard n > 0, let slash = buffer[0..<n].lastIndex(of: UInt8(ascii: "/")) else { return nil }
        let dir = String(decoding: buffer[0..<slash], as: UTF8.self) + "/graphviz"
        var info = stat()
        guard stat(dir, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else { return nil }
        return dir
    }
}
