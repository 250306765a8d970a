#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// When reports use colour: `--color auto|always|never`.
public enum ColorChoice: String, CaseIterable, Sendable {
    case auto, always, never
}

/// ANSI colour where it helps reading a report on a terminal: roots,
/// targets, sizes, warnings and headings. Plain text (the identity) unless
/// enabled; the CLI enables it per stream with `resolve` and sets
/// `TextStyle.current` (stdout) and `TextStyle.errors` (stderr) around the
/// command, so reports need no parameter for it. Untrusted text is escaped
/// before it is styled (`Escape.terminal` turns ESC into `\x1b`), so the
/// only escape sequences in a report are these.
public struct TextStyle: Sendable, Equatable {
    /// Whether styles add ANSI escapes; when false, every style returns its text unchanged.
    public var enabled: Bool

    /// A style that colours when `enabled`.
    public init(enabled: Bool) { self.enabled = enabled }

    /// No colour.
    public static let plain = TextStyle(enabled: false)
    /// ANSI colour.
    public static let ansi = TextStyle(enabled: true)

    /// The style of report text (stdout).
    @TaskLocal public static var current = TextStyle.plain
    /// The style of warnings and errors (stderr).
    @TaskLocal public static var errors = TextStyle.plain

    /// `auto`: colour when the stream is a terminal, `TERM` is not `dumb` and
    /// `NO_COLOR` is unset or empty (no-color.org); `always` and `never`
    /// decide alone (a command-line choice overrides `NO_COLOR`).
    public static func resolve(_ choice: ColorChoice, isTerminal: Bool, environment: [String: String]) -> TextStyle {
        switch choice {
        case .always: return .ansi
        case .never: return .plain
        case .auto:
            if let v = environment["NO_COLOR"], !v.isEmpty { return .plain }
            if environment["TERM"] == "dumb" { return .plain }
            return TextStyle(enabled: isTerminal)
        }
    }

    /// `resolve` for file descriptor `fd` (1 stdout, 2 stderr) and this process's environment.
    public static func resolve(_ choice: ColorChoice, fd: Int32) -> TextStyle {
        var env: [String: String] = [:]
        for key in ["NO_COLOR", "TERM"] { if let v = getenv(key) { env[key] = String(cString: v) } }
        return resolve(choice, isTerminal: isatty(fd) != 0, environment: env)
    }

    func wrap(_ s: String, _ code: String) -> String {
        enabled && !s.isEmpty ? "\u{1B}[" + code + "m" + s + "\u{1B}[0m" : s
    }

    /// A GC root's label (`[sys.modules root]`): bold magenta.
    public func root(_ s: String) -> String { wrap(s, "1;35") }
    /// A selected object, the end of a path: bold yellow.
    public func target(_ s: String) -> String { wrap(s, "1;33") }
    /// A size in bytes: cyan.
    public func size(_ s: String) -> String { wrap(s, "36") }
    /// A warning: yellow.
    public func warning(_ s: String) -> String { wrap(s, "33") }
    /// An error or a finding that fails a check: bold red.
    public func error(_ s: String) -> String { wrap(s, "1;31") }
    /// A group or section heading: bold.
    public func heading(_ s: String) -> String { wrap(s, "1") }
}
