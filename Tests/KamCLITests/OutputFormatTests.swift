import Foundation
import KamTestSupport
import Testing

/// Without `--format`, the extension of `-o FILE` chooses the format, so that a file holds
/// what its name says; with it, `--format` wins.
struct OutputFormatTests {
    let scratch: ScratchFolder
    let customers = TestPaths.fixtures.appending(path: "sample/customers.csv").path
    let questionnaire = TestPaths.fixtures.appending(path: "sample/questionnaire.json5").path

    init() throws {
        scratch = try ScratchFolder("kam-format")
    }

    /// Runs kam writing to `name` in the scratch folder; returns the file's text.
    func written(_ name: String, _ arguments: String...) throws -> String {
        let path = scratch.url.appending(path: name).path
        let run = kam(arguments + ["-o", path])
        #expect(run.code == 0, "\(run.err)")
        return try String(contentsOfFile: path, encoding: .utf8)
    }

    @Test func scoreWritesTheFormatItsFileIsNamedFor() throws {
        let lines = try written("scored.jsonl", "score", customers).split(separator: "\n")
        #expect(!lines.isEmpty && lines.allSatisfy { $0.hasPrefix("{\"customer_id\"") })
        #expect(try written("scored.JSON", "score", customers).hasPrefix("[\n{"))
        #expect(try written("scored.csv", "score", customers).hasPrefix("customer_id,"))
        #expect(try written("scored.txt", "score", customers).hasPrefix("customer_id,"))  // no format of its own: CSV
        #expect(try written("explicit.jsonl", "score", customers, "--format", "csv").hasPrefix("customer_id,"))
    }

    @Test func reportAssessAndDiffToo() throws {
        #expect(try written("report.md", "report", "--questionnaire", questionnaire, "--customers", customers).hasPrefix("# "))
        #expect(try written("report.json", "report", "--questionnaire", questionnaire, "--customers", customers).hasPrefix("{"))
        #expect(try written("report.html", "report", "--questionnaire", questionnaire, "--customers", customers).hasPrefix("<!DOCTYPE html>"))
        #expect(try written("assessment.json", "assess", questionnaire).hasPrefix("{"))
        #expect(try written("assessment.md", "assess", questionnaire).hasPrefix("# "))
        let scored = try written("scored.csv", "score", customers)
        #expect(!scored.isEmpty)
        let list = scratch.url.appending(path: "scored.csv").path
        #expect(try written("changes.json", "diff", list, list).hasPrefix("{"))
        #expect(try written("changes.md", "diff", list, list, "--format", "text").hasPrefix(try written("changes.txt", "diff", list, list)))
    }
}
