/// Number formatting shared by every report.
public enum Units {
    /// `12,345,678`.
    public static func count<T: BinaryInteger>(_ v: T) -> String {
        let s = String(v)
        var out = ""
        for (i, ch) in s.reversed().enumerated() {
            if i > 0 && i % 3 == 0 && ch != "-" { out.append(",") }
            out.append(ch)
        }
        return String(out.reversed())
    }

    /// `1.5 MB`, `812 B`: decimal units, as `ls -h --si` and memory dashboards show.
    public static func bytes<T: BinaryInteger>(_ v: T) -> String {
        let d = Double(v)
        let units = ["B", "kB", "MB", "GB", "TB"]
        var x = d
        var i = 0
        while x >= 1000 && i < units.count - 1 { x /= 1000; i += 1 }
        if i == 0 { return "\(v) B" }
        return fixedPoint(x, digits: x >= 100 ? 0 : 1) + " " + units[i]
    }

    /// `12%`, `3.4%` (one decimal below 10%); `-` when `whole` is not positive.
    public static func percent(_ part: Double, of whole: Double) -> String {
        guard whole > 0 else { return "-" }
        let p = part / whole * 100
        return fixedPoint(p, digits: p >= 10 || p == 0 ? 0 : 1) + "%"
    }

    /// `0x7f3a2c`: an address as reports show it.
    public static func hex(_ v: UInt64) -> String { "0x" + String(v, radix: 16) }

    /// Pads or cuts to `width` display columns (left-aligned).
    public static func pad(_ s: String, _ width: Int) -> String {
        let c = s.count
        if c >= width { return s }
        return s + String(repeating: " ", count: width - c)
    }

    /// Right-aligned to `width`.
    public static func rpad(_ s: String, _ width: Int) -> String {
        let c = s.count
        if c >= width { return s }
        return String(repeating: " ", count: width - c) + s
    }
}


extension HeapGraph {
    /// Node `n`'s id as reports show it: the address in hex, or the
    /// decimal id an edge list gave (`DumpInfo.decimalIDs`).
    public func idText(_ n: Node) -> String {
        info.decimalIDs ? String(address(n)) : Units.hex(address(n))
    }
}
