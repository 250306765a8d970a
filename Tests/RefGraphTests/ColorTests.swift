import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest
@testable import RefGraph

/// Colour on a terminal: `--color auto|always|never` and NO_COLOR (issue 20).
final class ColorTests: XCTestCase {
    func testChoiceTerminalAndNoColor() {
        XCTAssertEqual(TextStyle.resolve(.auto, isTerminal: true, environment: [:]), .ansi)
        XCTAssertEqual(TextStyle.resolve(.auto, isTerminal: false, environment: [:]), .plain, "a pipe or a file gets no escapes")
        XCTAssertEqual(TextStyle.resolve(.auto, isTerminal: true, environment: ["NO_COLOR": "1"]), .plain)
        XCTAssertEqual(TextStyle.resolve(.auto, isTerminal: true, environment: ["NO_COLOR": ""]), .ansi, "an empty NO_COLOR does not count (no-color.org)")
        XCTAssertEqual(TextStyle.resolve(.auto, isTerminal: true, environment: ["TERM": "dumb"]), .plain)
        XCTAssertEqual(TextStyle.resolve(.always, isTerminal: false, environment: ["NO_COLOR": "1"]), .ansi, "the command line overrides NO_COLOR")
        XCTAssertEqual(TextStyle.resolve(.never, isTerminal: true, environment: [:]), .plain)
    }

    /// A path report colours the root label, the sizes and the target; the
    /// padding of the label column is unchanged; plain is byte for byte the
    /// text without escapes; a type name holding ESC stays escaped.
    func testPathReportColoursRootsTargetsAndSizes() {
        let g = load(temporaryFile(nativeDump([
            "{\"address\": 1, \"type\": \"dict\", \"size\": 100, \"refs\": [2], \"labels\": [\"['cache']\"], \"root\": \"sys.modules\"}",
            "{\"address\": 2, \"type\": \"evil\\u001b[2Jname\", \"size\": 40, \"refs\": []}",
        ])))
        let found = RetentionPaths(g, targets: [g.node(2)!])
        let plain = found.text(g, selector: "id == 2")
        let coloured = TextStyle.$current.withValue(.ansi) { found.text(g, selector: "id == 2") }
        XCTAssertFalse(plain.contains("\u{1B}"), plain)
        XCTAssertTrue(coloured.contains("\u{1B}[1;35m[sys.modules root]\u{1B}[0m"), coloured)
        XCTAssertTrue(coloured.contains("\u{1B}[36m40 B\u{1B}[0m"), coloured)
        XCTAssertTrue(coloured.contains("\u{1B}[1;33mevil\\x1b[2Jname 0x2\u{1B}[0m  (\u{1B}[36m40 B"), coloured)
        XCTAssertFalse(coloured.contains("\u{1B}[2J"), "the name's ESC is escaped, never sent")
        let stripped = coloured.replacingOccurrences(of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression)
        XCTAssertEqual(stripped, plain)
    }
}
