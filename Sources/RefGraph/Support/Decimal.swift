/// The decimal digits at the start of `p[from..<to]`, as every reader of
/// numbers in a dump scans them (JSON values, text fields, edge-list ids, the
/// two-pass address index): the value, where the digits stop, and whether the
/// value overflowed 64 bits (then `value` is meaningless). The first 19
/// digits, which cannot overflow, are read without overflow checks.
/// Cost: a few word operations per 8 digits where 8 bytes can be read
/// (`eightDigits`), else one step per digit.
@inline(__always)
func scanDecimal(_ p: UnsafePointer<UInt8>, from: Int, to: Int) -> (value: UInt64, end: Int, overflow: Bool) {
    var i = from, v: UInt64 = 0
    // Up to 16 digits a word at a time (cannot overflow), then the loops below.
    if to - i >= 8 {
        let (first, n) = eightDigits(p + i)
        v = first; i += n
        if n < 8 { return (v, i, false) }
        if to - i >= 8 {
            let (second, m) = eightDigits(p + i)
            v = v &* powersOfTen[m] &+ second; i += m
            if m < 8 { return (v, i, false) }
        }
    }
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

/// 10^0 through 10^8.
private let powersOfTen: [UInt64] = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000]

/// The decimal digits at the start of the 8 bytes at `p` (which must all be
/// readable): their value and how many there are (0...8). Branch-free SWAR:
/// a byte is a digit when neither `b + 0x46` nor `b - 0x30` sets its top bit;
/// carries and borrows only start at the first non-digit, so they never
/// reach a digit before it. The digits are shifted to the top of the word
/// (leading zeros below) and combined pairwise: 2, 4, then 8 digits.
@inline(__always)
private func eightDigits(_ p: UnsafePointer<UInt8>) -> (value: UInt64, count: Int) {
    let x = UInt64(littleEndian: UnsafeRawPointer(p).loadUnaligned(as: UInt64.self))
    let nonDigit = ((x &+ 0x4646_4646_4646_4646) | (x &- 0x3030_3030_3030_3030)) & 0x8080_8080_8080_8080
    let n = nonDigit == 0 ? 8 : nonDigit.trailingZeroBitCount >> 3
    guard n > 0 else { return (0, 0) }
    var v = (x &- 0x3030_3030_3030_3030) << UInt64((8 - n) * 8)
    v = ((v & 0x0F0F_0F0F_0F0F_0F0F) &* 2561) >> 8
    v = ((v & 0x00FF_00FF_00FF_00FF) &* 6_553_601) >> 16
    v = ((v & 0x0000_FFFF_0000_FFFF) &* 42_949_672_960_001) >> 32
    return (v, n)
}
