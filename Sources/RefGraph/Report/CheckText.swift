/// Output of `refgraph check`: text, JSON or JUnit XML.
public enum CheckOutput {
    /// The report for a terminal: PASS, FAIL or ERROR per file, each failed
    /// rule's message, and the totals.
    public static func text(_ results: [FileCheck]) -> String {
        var out = ""
        for r in results {
            let file = Escape.terminal(r.file)
            if let e = r.error {
                out += "ERROR \(file): \(Escape.terminal(e))\n"
                continue
            }
            let failed = r.results.filter { !$0.passed }
            out += (failed.isEmpty ? "PASS" : TextStyle.current.error("FAIL")) + "  " + "\(file) (\(Units.count(r.objects)) objects\(r.truncated ? ", TRUNCATED" : ""))"
            out += failed.isEmpty ? ": " + r.results.map { $0.rule.description }.joined(separator: ", ") + "\n" : "\n"
            for f in failed { out += "      \(Escape.terminal(f.rule.description)): \(Escape.terminal(message(f)))\n" }
        }
        let (p, f, e) = counts(results)
        out += "\n\(p) passed, \(f) failed, \(e) unreadable\n"
        return out
    }

    /// A rule's outcome in words: "2 objects match (limit 1)".
    public static func message(_ r: RuleResult) -> String {
        switch r.finding {
        case let .uncollectable(cycles, objects, bytes, reason, example, garbage):
            if cycles == 0 && garbage == 0 { return "no uncollectable cycles" }
            var m = "\(cycles) uncollectable cycle\(cycles == 1 ? "" : "s") (\(Units.count(objects)) objects, \(Units.bytes(bytes)))"
            if let reason, let example { m += ": " + reason + "; e.g. " + example }
            if garbage > 0 { m += "; \(garbage) objects in gc.garbage" }
            return m
        case let .finalizerCycles(cycles, example, classification):
            if cycles == 0 { return "no cycles with finalizers" }
            return "\(cycles) cycle\(cycles == 1 ? "" : "s") with finalizers, e.g. " + (example ?? "?") + " (\(classification ?? "?"))"
        case let .garbage(objects, example):
            if objects == 0 { return "gc.garbage is empty" }
            return "\(objects) object\(objects == 1 ? "" : "s") in gc.garbage, e.g. " + (example ?? "?")
        case let .unreachable(objects, bytes, limit):
            return "\(Units.count(objects)) unreachable objects, \(Units.bytes(bytes))" + (limit > 0 ? " (limit \(Units.bytes(limit)))" : "")
        case let .matches(objects, bytes, limit, bySize):
            return bySize ? "\(Units.bytes(bytes)) in \(Units.count(objects)) matching objects (limit \(Units.bytes(limit)))"
                : "\(Units.count(objects)) objects match (limit \(Units.count(limit)))"
        case let .badSelector(error):
            return error
        }
    }

    /// Files whose rules all passed, files with a failed rule, and unreadable files.
    public static func counts(_ results: [FileCheck]) -> (passed: Int, failed: Int, errors: Int) {
        let e = results.filter { $0.error != nil }.count
        let p = results.filter(\.passed).count
        return (p, results.count - p - e, e)
    }

    /// 0 all pass, 1 a rule failed, 2 an input could not be read.
    public static func exitCode(_ results: [FileCheck]) -> Int32 {
        let (_, f, e) = counts(results)
        return e > 0 ? 2 : f > 0 ? 1 : 0
    }

    /// The report as one JSON document: the counts (`passed`, `failed`,
    /// `unreadable`) and per file its `status` and `rules`.
    public static func json(_ results: [FileCheck]) -> String {
        var j = JSONWriter()
        let (p, f, e) = counts(results)
        j.beginObject()
        j.field("passed", p)
        j.field("failed", f)
        j.field("unreadable", e)
        j.objects("files", results) { j, r in
            j.field("file", r.file)
            j.field("status", r.error != nil ? "error" : r.passed ? "pass" : "fail")
            if let err = r.error { j.field("error", err) } else {
                j.field("objects", r.objects)
                j.field("truncated", r.truncated)
            }
            j.objects("rules", r.results) { j, x in
                j.field("rule", x.rule.description)
                j.field("passed", x.passed)
                j.field("message", message(x))
            }
        }
        j.endObject()
        return j.text
    }

    /// JUnit XML: one testsuite per file, one testcase per rule; an
    /// unreadable file is one testcase with an error.
    public static func junit(_ results: [FileCheck], rules: [CheckRule]) -> String {
        let (_, f, e) = counts(results)
        let tests = results.reduce(0) { $0 + ($1.error != nil ? 1 : $1.results.count) }
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<testsuites name=\"refgraph check\" tests=\"\(tests)\" failures=\"\(f)\" errors=\"\(e)\">\n"
        for r in results {
            let file = Escape.xml(r.file)
            if let err = r.error {
                out += "  <testsuite name=\"\(file)\" tests=\"1\" failures=\"0\" errors=\"1\">\n"
                out += "    <testcase classname=\"refgraph.check\" name=\"\(file): load\">\n"
                out += "      <error message=\"\(Escape.xml(err))\"/>\n    </testcase>\n  </testsuite>\n"
                continue
            }
            let failures = r.results.filter { !$0.passed }.count
            out += "  <testsuite name=\"\(file)\" tests=\"\(r.results.count)\" failures=\"\(failures)\" errors=\"0\">\n"
            for x in r.results {
                out += "    <testcase classname=\"refgraph.check\" name=\"\(file): \(Escape.xml(x.rule.description))\""
                if x.passed {
                    out += "/>\n"
                } else {
                    out += ">\n      <failure message=\"\(Escape.xml(message(x)))\"/>\n    </testcase>\n"
                }
            }
            out += "  </testsuite>\n"
        }
        return out + "</testsuites>\n"
    }
}
