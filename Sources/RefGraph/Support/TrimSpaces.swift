/// `s` without the spaces and tabs around it: `check`'s rule text, HTTP
/// header values and cookie parts of `refgraph serve`.
func trimmingSpaces<S: StringProtocol>(_ s: S) -> String {
    let blank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
    guard let first = s.firstIndex(where: { !blank($0) }), let last = s.lastIndex(where: { !blank($0) }) else { return "" }
    return String(s[first...last])
}
