/// Input that cannot be loaded: reported as `FILE:LINE: reason`, exit status 2.
public struct LoadError: Error, CustomStringConvertible, Sendable {
    /// The path of the file that failed to load.
    public var file: String
    /// 1-based line; 0 when the problem is the file as a whole.
    public var line: Int
    /// What is wrong, in words.
    public var reason: String

    /// An error at `line` (1-based; 0 for the whole file) of `file`.
    public init(file: String, line: Int, reason: String) {
        self.file = file
        self.line = line
        self.reason = reason
    }

    /// `FILE:LINE: reason`.
    public var description: String { "\(file):\(line): \(reason)" }
}
