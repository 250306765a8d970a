import ArgumentParser
import RefGraph

/// Parsers for numeric options: a negative, fractional or absurd value is a
/// usage error with the parser's usage exit code, never a crash further on.
enum Numbers {
    /// Counts and limits: a whole number from 0 to 1,000,000,000.
    static func count(_ text: String) throws -> Int {
        guard let v = Int(text), v >= 0, v <= 1_000_000_000 else {
            throw ValidationError("'\(Escape.terminal(text))' is not a count: expected a whole number from 0 to 1000000000")
        }
        return v
    }

    /// 1-based positions (a cluster number).
    static func position(_ text: String) throws -> Int {
        guard let v = Int(text), v >= 1, v <= 1_000_000_000 else {
            throw ValidationError("'\(Escape.terminal(text))' is not a position: expected a whole number from 1")
        }
        return v
    }

    /// Percentages from 0 to 100.
    static func percent(_ text: String) throws -> Double {
        guard let v = Double(text), v.isFinite, v >= 0, v <= 100 else {
            throw ValidationError("'\(Escape.terminal(text))' is not a percentage: expected a number from 0 to 100")
        }
        return v
    }

    /// Objects one drawing may hold. Graphviz lays out recursively and
    /// corrupts its heap on a 20,000-object chain (12,000 draws); nobody
    /// reads a drawing of more than a few thousand boxes.
    static let maxDrawn = 10_000

    static func drawn(_ text: String) throws -> Int {
        guard let v = Int(text), v >= 1, v <= maxDrawn else {
            throw ValidationError("'\(Escape.terminal(text))' is not a number of objects to draw: expected 1 to \(maxDrawn) (draw less: a narrower selector, --max-depth, --mode roots)")
        }
        return v
    }

    /// TCP ports, 0 (any free one) to 65535.
    static func port(_ text: String) throws -> UInt16 {
        guard let v = UInt16(text) else {
            throw ValidationError("'\(Escape.terminal(text))' is not a port: expected a whole number from 0 to 65535")
        }
        return v
    }
}
