/// The decimal digits at the start of `p[from..<to]`, as every reader of
/// numbers in a dump scans them (JSON values, text fields, edge-list ids, the
/// two-pass address index): the value, where the digits stop, and whether the
/// value overflowed 64 bits (then `value` is meaningless). The first 19
/// digits, which cannot overflow, are read without overflow checks.
/// Cost: one step per digit.
@inline(__always)
func scanDecimal(_ p: UnsafePointer<UInt8>, from: Int, to: Int) -> (value: UInt64, end: Int, overflow: Bool) {
    var i = from, v: UInt64 = 0
    let unchecked = min(to, from + 19)
    while i < unchecked {
        let d = p[i] &- 0x30
        if d > 9 { return (v, i, false) }
        v = v &* 10 &+ UInt64(d)
        i += 1
    }
    var overflow = false
    while i < to, case let d = p[i] &- 0x30, d <= 9 {
        if !overflow {
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(UInt64(d))
            if o1 || o2 { overflow = true } else { v = a }
        }
        i += 1
    }
    return (v, i, overflow)
}
