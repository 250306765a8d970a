#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `x` with `digits` digits after the point (`%.*f`, C locale), without
/// Foundation's `String(format:)`: the binary links FoundationEssentials only
/// (docs/WHEEL.md). Cost: one `vsnprintf` into a 64-byte buffer, more for a
/// huge value.
public func fixedPoint(_ x: Double, digits: Int) -> String {
    var buffer = [CChar](repeating: 0, count: 64)
    let need = withVaList([Int32(digits), x]) { vsnprintf(&buffer, buffer.count, "%.*f", $0) }
    if need >= buffer.count {
        buffer = [CChar](repeating: 0, count: Int(need) + 1)
        _ = withVaList([Int32(digits), x]) { vsnprintf(&buffer, buffer.count, "%.*f", $0) }
    }
    return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

/// Two lowercase hex digits of `b` (`0a`).
public func hexByte(_ b: UInt8) -> String {
    let digits = Array("0123456789abcdef".utf8)
    return String(decoding: [digits[Int(b >> 4)], digits[Int(b & 15)]], as: UTF8.self)
}
