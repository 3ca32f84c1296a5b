import Foundation
import KamAdvisor
import KamCSV
import KamRules
import KamSource
import KamTestSupport
import Testing

/// Property: scoring a file in blocks and pieces on several threads gives byte for byte what
/// one thread reading it whole gives, whatever the block and piece sizes. Ties in the measure,
/// quoted fields with line breaks, rejected rows and a final line without a newline are all
/// in the file, so every boundary case can fall on a cut.
struct BatchChunkingTests {
    /// id, score, outcome and classes of each row: enough to see any difference in the figures.
    struct Lines: RowRenderer {
        let pack: RulePack
        func begin(into out: inout [UInt8]) { out += Array("id,score,outcome,classes\n".utf8) }
        func separator() -> [UInt8] { [] }
        func end(into out: inout [UInt8]) {}
        func row(_ record: CSVRecord, _ evaluation: some ScoredResult, into out: inout [UInt8]) {
            let classes = pack.classifications.indices.map { evaluation.classValue($0, in: pack) ?? "-" }.joined(separator: "/")
            out += Array("\(record.string(at: 0)),\(evaluation.score),\(evaluation.outcome(in: pack)),\(classes)\n".utf8)
        }
    }

    static let pack: RulePack = {
        let file = SourceFile(path: "rules/accounts.json5", bytes: Array(FileManager.default.contents(atPath: TestPaths.rules.appending(path: "accounts.json5").path)!))
        return PackLoader.load(file, profiles: PackProfiles.all).0!
    }()

    /// A customer list of `rows` rows from a seeded generator.
    static func file(rows: Int, seed: UInt64) throws -> String {
        var rng = SplitMix64(seed: seed)
        var text = "customer_id,customer_name,revenue_ltm,gross_margin_pct,cost_to_serve,growth_rate_pct,relationship_stage\n"
        let stages = ["", "basic", "cooperative", "interdependent", "disintegrating"]
        for i in 0..<rows {
            // Few distinct sales figures, so that many accounts tie and the id orders them.
            let sales = rng.next() % 7 == 0 ? "oops" : "\(Double(rng.next() % 40) * 2500)"
            let name = rng.next() % 5 == 0 ? "\"Name, with \"\"quotes\"\"\nand a line break \(i)\"" : "Plain \(i)"
            let id = "C\(rng.next() % 100_000)-\(i % 3 == 0 ? "long-identifier-" : "")\(i)"
            text += "\(id),\(name),\(sales),\(rng.next() % 40),\(rng.next() % 900),\(Int(rng.next() % 60) - 20),\(stages[Int(rng.next() % 5)])"
            if i < rows - 1 { text += "\n" }
        }
        let path = FileManager.default.temporaryDirectory.appending(path: "kam-chunks-\(seed)-\(UUID().uuidString).csv").path
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        return path
    }

    static func score(_ path: String, jobs: Int, blockSize: Int, chunkSize: Int, sortedLimit: Int? = nil) throws -> (String, [Int], BatchSummary) {
        let headers = ["customer_id", "customer_name", "revenue_ltm", "gross_margin_pct", "cost_to_serve", "growth_rate_pct", "relationship_stage"]
        let mapping = try #require(ColumnMapping.make(headers: headers, pack: pack).0)
        var options = BatchOptions(jobs: jobs, blockSize: blockSize, chunkSize: chunkSize)
        if let sortedLimit { options.sortedPlacementLimit = sortedLimit }
        let scorer = BatchScorer(pack: pack, mapping: mapping, options: options)
        var out: [UInt8] = []
        var rejected: [Int] = []
        let summary = try scorer.run(path: path, rendering: Lines(pack: pack), output: { out += $0 }, rejected: { rejected.append($0.line) }, progress: { _, _, _ in })
        return (String(decoding: out, as: UTF8.self), rejected, summary)
    }

    @Test(arguments: [1, 2, 3])
    func randomBlockAndPieceSizesGiveTheSameBytes(_ seed: UInt64) throws {
        let path = try Self.file(rows: 3_000, seed: seed)
        defer { unlink(path) }
        let (whole, wholeRejected, wholeSummary) = try Self.score(path, jobs: 1, blockSize: 64 << 20, chunkSize: 64 << 20)
        #expect(wholeSummary.rowsRead == 3_000)
        #expect(wholeSummary.rowsRead == wholeSummary.scored + wholeSummary.rejected)
        #expect(!wholeRejected.isEmpty)
        var rng = SplitMix64(seed: seed * 31)
        for _ in 0..<6 {
            let chunk = 64 + Int(rng.next() % 20_000)
            let block = chunk * (1 + Int(rng.next() % 8))
            // Half the runs place accounts by looking each up as its chunk is scored.
            let (cut, cutRejected, cutSummary) = try Self.score(path, jobs: 2, blockSize: block, chunkSize: chunk, sortedLimit: rng.next() % 2 == 0 ? 0 : nil)
            #expect(cut == whole, "block \(block), piece \(chunk)")
            #expect(cutRejected == wholeRejected)
            #expect(cutSummary.scoreSum == wholeSummary.scoreSum)
            #expect(cutSummary.outcomes == wholeSummary.outcomes)
            #expect(cutSummary.portfolio?.gini == wholeSummary.portfolio?.gini)
        }
    }
}

extension BatchChunkingTests {
    /// The scoring pass reads each account's figures by its place in pass 1's order: a file
    /// that changes between the passes must be refused, not scored against other rows' figures.
    @Test(arguments: [true, false])
    func aFileChangedBetweenThePassesIsRefused(_ shrink: Bool) throws {
        let path = try Self.file(rows: 2_000, seed: 5)
        defer { unlink(path) }
        let headers = ["customer_id", "customer_name", "revenue_ltm", "gross_margin_pct", "cost_to_serve", "growth_rate_pct", "relationship_stage"]
        let mapping = try #require(ColumnMapping.make(headers: headers, pack: Self.pack).0)
        let scorer = BatchScorer(pack: Self.pack, mapping: mapping, options: BatchOptions(jobs: 2))
        var changed = false
        do {
            _ = try scorer.run(path: path, rendering: Lines(pack: Self.pack), output: { _ in }, rejected: { _ in }, progress: { pass, _, _ in
                guard pass == 1, !changed else { return }
                changed = true
                guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                    Issue.record("cannot read \(path) back")
                    return
                }
                // Rows gone from the end, or the same rows with other sales in the first one.
                let edited = shrink ? String(text.prefix(text.count * 2 / 3)) : text.replacingOccurrences(of: ",0.0,", with: ",,", options: [], range: nil)
                do { try edited.write(toFile: path, atomically: false, encoding: .utf8) } catch { Issue.record("cannot rewrite \(path): \(error)") }
            })
            Issue.record("a changed file was scored")
        } catch {
            #expect(changed)
            #expect(error.description.contains("the file changed while it was being read"), "\(error)")
        }
    }
}
