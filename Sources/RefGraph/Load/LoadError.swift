/// Input that cannot be loaded: reported as `FILE:LINE: reason`, exit status 2.
public struct LoadError: Error, CustomStringConvertible, Sendable {
    public var file: String
    /// 1-based line; 0 when the problem is the file as a whole.
    public var line: Int
    public var reason: String

    public init(file: String, line: Int, reason: String) {
        self.file = file
        self.line = line
        self.reason = reason
    }

    public var description: String { "\(file):\(line): \(reason)" }
}
