import Foundation
import KamCLI
import KamTestSupport
import Testing

/// `kam portfolio` and `kam score --portfolio`: a list split into partitions at random,
/// each partition's portfolio written and the partials merged, then each partition scored
/// against the merged file, gives exactly the rows one `kam score` over the whole list gives;
/// the partitions' counts add up to the whole's and their portfolio figures are the whole's.
struct PortfolioTests {
    let customers = TestPaths.fixtures.appending(path: "sample/customers.csv").path

    func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appending(path: "kam-portfolio-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    /// The list's header and rows (no row of the sample holds a line break).
    func rows() throws -> (String, [String]) {
        let lines = try String(contentsOfFile: customers, encoding: .utf8).split(separator: "\n").map(String.init)
        return (lines[0], Array(lines.dropFirst()))
    }

    func json(_ path: String) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: try Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
    }

    @Test(arguments: [1, 2, 3])
    func randomPartitionsScoreAsTheWholeList(_ seed: UInt64) throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (header, all) = try rows()
        var rng = SplitMix64(seed: seed)
        let count = 2 + Int(rng.next() % 5)
        var cuts = Set<Int>()
        while cuts.count < count - 1 { cuts.insert(1 + Int(rng.next() % UInt64(all.count - 1))) }
        let bounds = [0] + cuts.sorted() + [all.count]
        var parts: [String] = [], partials: [String] = []
        for k in 0..<count {
            let part = folder.appending(path: "part-\(k).csv").path
            try (([header] + all[bounds[k]..<bounds[k + 1]]).joined(separator: "\n") + "\n").write(toFile: part, atomically: false, encoding: .utf8)
            parts.append(part)
            let partial = folder.appending(path: "part-\(k).kamp").path
            let r = kam("portfolio", part, "-o", partial)
            #expect(r.code == 0, "\(r.err)")
            partials.append(partial)
        }
        let merged = folder.appending(path: "all.kamp").path
        // Merged in two steps, to show partials of partials merge too.
        let half = folder.appending(path: "half.kamp").path
        #expect(kam(["portfolio", "merge"] + partials.prefix(count / 2) + ["-o", half]).code == 0)
        #expect(kam(["portfolio", "merge", half] + partials.dropFirst(count / 2) + ["-o", merged]).code == 0)

        let wholeSummary = folder.appending(path: "whole.json").path
        let whole = kam("score", customers, "--quiet", "--summary", wholeSummary)
        #expect(whole.code == 0)
        var joined = "", rowsRead = 0, scored = 0
        var tiers: [String: Int] = [:]
        for (k, part) in parts.enumerated() {
            let summary = folder.appending(path: "s-\(k).json").path
            let r = kam("score", part, "--portfolio", merged, "--quiet", "--summary", summary)
            #expect(r.code == 0, "\(r.err)")
            joined += r.out.split(separator: "\n", omittingEmptySubsequences: false).dropFirst().joined(separator: "\n")
            let s = try json(summary), w = try json(wholeSummary)
            for key in ["accounts_in_portfolio", "total", "top10_share", "hhi", "gini"] {
                #expect(s[key] as? Double == w[key] as? Double, "\(key)")
            }
            rowsRead += s["rows_read"] as? Int ?? 0
            scored += s["scored"] as? Int ?? 0
            for (tier, n) in s["tiers"] as? [String: Int] ?? [:] { tiers[tier, default: 0] += n }
        }
        let expected = whole.out.split(separator: "\n", omittingEmptySubsequences: false).dropFirst().joined(separator: "\n")
        #expect(joined == expected)
        // The partitions' summaries merge into the whole run's, byte for byte.
        let summaries = kam(["summary", "merge"] + (0..<count).map { folder.appending(path: "s-\($0).json").path })
        #expect(summaries.code == 0, "\(summaries.err)")
        let wholeText = try String(contentsOfFile: wholeSummary, encoding: .utf8)
        #expect(summaries.out == wholeText)
        let w = try json(wholeSummary)
        #expect(rowsRead == w["rows_read"] as? Int)
        #expect(scored == w["scored"] as? Int)
        #expect(tiers == w["tiers"] as? [String: Int])
    }

    /// Runs the built `kam` with `input` on standard input and no usable temporary folder.
    func pipe(_ arguments: [String], input: String) throws -> ChildResult {
        // A spool file would fail: the temporary folder does not exist.
        try runChild(TestPaths.productsDirectory.appending(path: "kam"), arguments, input: Data(input.utf8),
                     environment: ["TMPDIR": "/nonexistent-kam-tmp"])
    }

    @Test func bothPhasesStreamThroughStandardInputWithNoTemporaryFile() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let text = try String(contentsOfFile: customers, encoding: .utf8)
        let partial = try pipe(["portfolio", "-"], input: text)
        #expect(partial.code == 0, "\(partial.err)")
        let merged = folder.appending(path: "all.kamp")
        try partial.out.write(to: merged)
        let fromFile = kam("portfolio", customers, "-o", folder.appending(path: "file.kamp").path)
        #expect(fromFile.code == 0)
        #expect(try Data(contentsOf: folder.appending(path: "file.kamp")) == partial.out)
        let scored = try pipe(["score", "-", "--portfolio", merged.path, "--quiet"], input: text)
        #expect(scored.code == 0, "\(scored.err)")
        #expect(String(decoding: scored.out, as: UTF8.self) == kam("score", customers, "--quiet").out)
        // Without the portfolio, standard input must be kept in a file first: here that fails.
        let spooled = try pipe(["score", "-", "--quiet"], input: text)
        #expect(spooled.code == 1)
        #expect(spooled.err.contains("/nonexistent-kam-tmp"))
    }

    /// With no temporary folder there is no spill of id keys: the tied accounts are then
    /// ordered from the file itself and each account placed as its row is scored, which must
    /// give the same rows.
    @Test func aFileScoresTheSameWithNoTemporaryFolder() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        // Every account three times over with the same sales, under ids that share their
        // first eight bytes: ties that only whole ids can order.
        let (header, all) = try rows()
        let tied = folder.appending(path: "tied.csv").path
        let copies = (0..<3).flatMap { k in all.map { "SAMEPREFIX-\(2 - k)-" + $0 } }
        try ([header] + copies).joined(separator: "\n").write(toFile: tied, atomically: false, encoding: .utf8)
        let list = TestPaths.fixtures.appending(path: "customers/hostile-names.csv").path
        for file in [customers, list, tied] {
            let alone = try runChild(TestPaths.productsDirectory.appending(path: "kam"), ["score", file, "--quiet"],
                                     environment: ["TMPDIR": "/nonexistent-kam-tmp"])
            #expect(alone.code == 0, "\(alone.err)")
            #expect(String(decoding: alone.out, as: UTF8.self) == kam("score", file, "--quiet").out)
        }
    }

    @Test func summariesOfPartitionsScoredApartDoNotMerge() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        // Each scored on its own (no shared portfolio): their figures differ.
        let (header, all) = try rows()
        var paths: [String] = []
        for (k, slice) in [all[..<100], all[100...]].enumerated() {
            let part = folder.appending(path: "p\(k).csv").path
            try (([header] + slice).joined(separator: "\n") + "\n").write(toFile: part, atomically: false, encoding: .utf8)
            let summary = folder.appending(path: "s\(k).json").path
            #expect(kam("score", part, "--quiet", "--summary", summary).code == 0)
            paths.append(summary)
        }
        let r = kam(["summary", "merge"] + paths)
        #expect(r.code == 1)
        #expect(r.err.contains("`total` differs from"), "\(r.err)")
        #expect(r.out.isEmpty)
        let notSummary = kam("summary", "merge", customers)
        #expect(notSummary.code == 1)
    }

    @Test func aPortfolioFromAnotherPackOrAStrangeFileIsRefused() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let bench = TestPaths.fixtures.appending(path: "bench/kam-bench-v1.json5").path
        let csv = folder.appending(path: "bench.csv").path
        try ("account_id,name,industry,region,annual_revenue,gross_margin,cost_to_serve,growth_rate,wallet_size,centralised_purchasing,buying_sites,decision_makers,relationship_years,strategic_fit,relationship_stage\n"
            + "A1,X,energy,west,100,0.3,10,0.1,200,true,3,4,5,3,basic\n").write(toFile: csv, atomically: false, encoding: .utf8)
        let partial = folder.appending(path: "bench.kamp").path
        #expect(kam("portfolio", csv, "--rules", bench, "-o", partial).code == 0)
        let r = kam("score", customers, "--portfolio", partial, "--quiet")
        #expect(r.code == 1)
        #expect(r.err.contains("was made with pack `kam-bench-v1`"), "\(r.err)")
        let notPortfolio = kam("score", customers, "--portfolio", customers, "--quiet")
        #expect(notPortfolio.code == 1)
        #expect(notPortfolio.err.contains("is not a kam portfolio file"), "\(notPortfolio.err)")
        // A file cut short.
        let data = try Data(contentsOf: URL(fileURLWithPath: partial))
        let cut = folder.appending(path: "cut.kamp").path
        try data.prefix(data.count - 3).write(to: URL(fileURLWithPath: cut))
        let short = kam("score", csv, "--rules", bench, "--portfolio", cut, "--quiet")
        #expect(short.code == 1)
        #expect(short.err.contains("cut short"), "\(short.err)")
    }

    /// Invoice lines split by customer into partitions: each partition groups its own lines,
    /// and the partitions scored against the merged portfolio give what one run over the
    /// whole list gives. An id cut across two partitions is refused at the merge, naming both.
    @Test func invoiceLinesPartitionedByCustomerScoreAsTheWholeList() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let header = "customer_id,customer_name,revenue_ltm,gross_margin_pct,cost_to_serve"
        var rng = SplitMix64(seed: 11)
        var lines: [String] = []
        for a in 0..<120 {
            for k in 0..<(1 + Int(rng.next() % 4)) { lines.append("C\(a),Name \(a),\(Double(rng.next() % 900_000) / 100),\(rng.next() % 50),\(k * 7)") }
        }
        for i in stride(from: lines.count - 1, to: 0, by: -1) { lines.swapAt(i, Int(rng.next() % UInt64(i + 1))) }
        let whole = folder.appending(path: "all.csv").path
        try ([header] + lines).joined(separator: "\n").appending("\n").write(toFile: whole, atomically: false, encoding: .utf8)
        // Three partitions by customer: every line of an id in the same one.
        var parts: [[String]] = [[], [], []]
        for line in lines { parts[Int(line.split(separator: ",")[0].dropFirst())! % 3].append(line) }
        var partials: [String] = [], files: [String] = []
        for (k, part) in parts.enumerated() {
            let file = folder.appending(path: "part-\(k).csv").path
            try ([header] + part).joined(separator: "\n").appending("\n").write(toFile: file, atomically: false, encoding: .utf8)
            files.append(file)
            let partial = folder.appending(path: "part-\(k).kamp").path
            #expect(kam("portfolio", file, "-o", partial).code == 0)
            partials.append(partial)
        }
        let merged = folder.appending(path: "all.kamp").path
        #expect(kam(["portfolio", "merge"] + partials + ["-o", merged]).code == 0)
        let expected = kam("score", whole, "--columns", "customer_id,revenue_ltm,score,tier,abc_class", "--quiet")
        #expect(expected.code == 0)
        var scored: [Substring] = []
        for file in files {
            let r = kam("score", file, "--portfolio", merged, "--columns", "customer_id,revenue_ltm,score,tier,abc_class", "--quiet")
            #expect(r.code == 0, "\(r.err)")
            scored += r.out.split(separator: "\n").dropFirst()
        }
        #expect(scored.sorted() == expected.out.split(separator: "\n").dropFirst().sorted())
        #expect(scored.count == 120)

        // Standard input is read once, too late to group: refused, saying what to do.
        let piped = try pipe(["score", "-", "--portfolio", merged, "--quiet"], input: try String(contentsOfFile: files[0], encoding: .utf8))
        #expect(piped.code == 1)
        #expect(piped.err.contains("give the partition as a file"), "\(piped.err)")
        #expect(piped.err.contains("several lines"))

        // Cut across partitions by line instead of by customer: the merge refuses it.
        let half = lines.count / 2
        for (k, slice) in [lines[..<half], lines[half...]].enumerated() {
            let file = folder.appending(path: "cut-\(k).csv").path
            try ([header] + slice).joined(separator: "\n").write(toFile: file, atomically: false, encoding: .utf8)
            #expect(kam("portfolio", file, "-o", folder.appending(path: "cut-\(k).kamp").path).code == 0)
        }
        let out = folder.appending(path: "cut.kamp").path
        let refused = kam("portfolio", "merge", folder.appending(path: "cut-0.kamp").path, folder.appending(path: "cut-1.kamp").path, "-o", out)
        #expect(refused.code == 1)
        #expect(refused.err.contains("is in both"), "\(refused.err)")
        #expect(refused.err.contains("cut-0.kamp") && refused.err.contains("cut-1.kamp"))
        #expect(!FileManager.default.fileExists(atPath: out), "nothing is written")
        // And a partition scored against a portfolio that lacks its accounts is an error, not
        // figures made up.
        let wrong = kam("score", files[0], "--portfolio", partials[1], "--quiet")
        #expect(wrong.code == 1)
        #expect(wrong.err.contains("not in the portfolio file"), "\(wrong.err)")
    }
}
