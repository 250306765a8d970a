/// Path-name arithmetic on strings, as NSString's path methods did, without
/// Foundation (docs/WHEEL.md). No file system access; O(length).
public enum PathName {
    /// `dir/name`, with one slash between them.
    public static func appending(_ dir: String, _ name: String) -> String {
        if dir.isEmpty { return name }
        return dir.hasSuffix("/") ? dir + name : dir + "/" + name
    }

    /// The extension of the last component without its dot (`svg` of
    /// `out/a.svg`); empty when it has none or is a dot file (`.profile`).
    public static func pathExtension(_ path: String) -> String {
        let last = lastComponent(path)
        guard let dot = last.lastIndex(of: "."), dot != last.startIndex else { return "" }
        return String(last[last.index(after: dot)...])
    }

    /// `path` without its last component's extension (`out/a` of `out/a.svg`).
    public static func deletingExtension(_ path: String) -> String {
        let ext = pathExtension(path)
        if ext.isEmpty { return path }
        return String(path.dropLast(ext.count + 1))
    }

    /// The last component, trailing slashes ignored.
    static func lastComponent(_ path: String) -> Substring {
        var p = Substring(path)
        while p.count > 1 && p.hasSuffix("/") { p = p.dropLast() }
        guard let slash = p.lastIndex(of: "/") else { return p }
        return p[p.index(after: slash)...]
    }
}
