import Foundation
import KamCSV
import KamRules
import KamSource
import KamTestSupport
import Testing
@testable import KamAdvisor

/// Grouping a list with a line per invoice: scored, it must give exactly what the same list
/// added up by hand, one row per account, gives — whatever the pieces, threads and partitions
/// the grouping pass uses.
struct GroupingTests {
    static let header = "customer_id,customer_name,revenue_ltm,gross_margin_pct,cost_to_serve,growth_rate_pct,relationship_stage"

    struct Line {
        let id: String
        let name: String
        let revenue: String
        let margin: String
        let cost: String
        let growth: String
        let stage: String
        var text: String { [id, name, revenue, margin, cost, growth, stage].joined(separator: ",") }
    }

    /// Accounts of one to five lines, the lines shuffled; some accounts with a line whose
    /// growth cannot be read (rejected, yet in the portfolio), some with a line whose sales
    /// cannot be read (rejected and out of it), and names with commas, quotes and line breaks.
    static func invoices(accounts: Int, seed: UInt64) -> [Line] {
        var rng = SplitMix64(seed: seed)
        var lines: [Line] = []
        let stages = ["basic", "cooperative", "interdependent", ""]
        for a in 0..<accounts {
            let id = a % 7 == 0 ? "  C\(a) " : "C\(a)"  // spaces around an id are not part of it
            let name = a % 11 == 0 ? "\"Name \(a), \"\"quoted\"\"\nover lines\"" : "Name \(a)"
            let count = 1 + Int(rng.next() % 5)
            let stage = stages[Int(rng.next() % 4)]
            for k in 0..<count {
                let revenue = a % 23 == 5 && k == count - 1 ? "bad" : "\(Double(rng.next() % 2_000_000) / 100)"
                let growth = a % 19 == 3 && k == 0 ? "oops" : "\(Int(rng.next() % 60) - 20)"
                lines.append(Line(id: id, name: k == 0 ? name : "Name \(a) line \(k)", revenue: revenue, margin: "\(rng.next() % 60)",
                                  cost: "\(rng.next() % 900)", growth: growth, stage: k == 0 ? stage : (rng.next() % 3 == 0 ? "basic" : stage)))
            }
        }
        // Shuffled: an account's lines are anywhere in the file.
        for i in stride(from: lines.count - 1, to: 0, by: -1) { lines.swapAt(i, Int(rng.next() % UInt64(i + 1))) }
        return lines
    }

    /// The same accounts added up by hand, in the order of their first lines: sales and cost
    /// summed, margin and growth weighted by sales, the name and a stage from the first line.
    static func added(_ lines: [Line]) -> String {
        var order: [String] = []
        var byId: [String: [Line]] = [:]
        for line in lines {
            let id = line.id.trimmingCharacters(in: .whitespaces)
            if byId[id] == nil { order.append(id) }
            byId[id, default: []].append(line)
        }
        var out = header + "\n"
        for id in order {
            let group = byId[id]!
            // A sum keeps the most decimals its lines were written with (documented: 0.1 + 0.2
            // is written 0.3).
            func places(_ text: String) -> Int { Array(text.utf8).withUnsafeBufferPointer { LineCombiner.decimals($0, mark: 46) } }
            let revenues = group.map { Double($0.revenue) }
            let sales = revenues.contains(nil) ? nil
                : LineCombiner.rounded(revenues.reduce(0.0) { $0 + $1! }, group.map { places($0.revenue) }.max()!)
            func weighted(_ value: (Line) -> String) -> String {
                var sum = 0.0, weights = 0.0, plain = 0.0, count = 0
                for line in group {
                    guard let x = Double(value(line)) else { continue }
                    plain += x
                    count += 1
                    if let w = Double(line.revenue) {
                        sum += x * w
                        weights += w
                    }
                }
                guard count > 0 else { return "" }
                let values = group.compactMap { Double(value($0)) }
                let mean = weights != 0 ? sum / weights : plain / Double(count)
                return "\(min(max(mean, values.min()!), values.max()!))"
            }
            let cost = LineCombiner.rounded(group.reduce(0.0) { $0 + Double($1.cost)! }, group.map { places($0.cost) }.max()!)
            // A line that cannot be read rejects the account: its growth stays unreadable.
            let growth = group.contains { Double($0.growth) == nil } ? "oops" : weighted(\.growth)
            let stage = group.first { !$0.stage.isEmpty }?.stage ?? ""
            out += [group[0].id, group[0].name, sales.map { "\($0)" } ?? "#", weighted(\.margin), "\(cost)", growth, stage].joined(separator: ",") + "\n"
        }
        return out
    }

    static func write(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appending(path: "kam-grouping-\(UUID().uuidString).csv").path
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        return path
    }

    func score(_ path: String, jobs: Int = 2, chunk: Int = 1 << 19, partitionBytes: Int = 24 << 20, group: Bool = true) throws
        -> (out: String, rejected: [Int], summary: BatchSummary)
    {
        let headers = Self.header.split(separator: ",").map(String.init)
        let pack = BatchChunkingTests.pack
        let mapping = try #require(ColumnMapping.make(headers: headers, pack: pack).0)
        var options = BatchOptions(jobs: jobs, blockSize: chunk * 3, chunkSize: chunk)
        options.groupingPartitionBytes = partitionBytes
        options.group = group
        let scorer = BatchScorer(pack: pack, mapping: mapping, options: options)
        var out: [UInt8] = []
        var rejected: [Int] = []
        let summary = try scorer.run(path: path, rendering: BatchChunkingTests.Lines(pack: pack), output: { out += $0 }, rejected: { rejected.append($0.line) }, progress: { _, _, _ in })
        return (String(decoding: out, as: UTF8.self), rejected, summary)
    }

    @Test(arguments: [1, 2, 3])
    func groupedLinesScoreAsTheListAddedUpByHand(_ seed: UInt64) throws {
        let lines = Self.invoices(accounts: 400, seed: seed)
        let path = try Self.write(Self.header + "\n" + lines.map(\.text).joined(separator: "\n") + "\n")
        let added = try Self.write(Self.added(lines))
        defer { unlink(path); unlink(added) }
        let expected = try score(added, jobs: 1)
        #expect(expected.summary.groupedLines == 0, "the added-up list has one line per account")
        // Which accounts were rejected, by id, for comparing lines with accounts.
        let fileLines = try String(contentsOfFile: path, encoding: .utf8)
        let ids = Dictionary(uniqueKeysWithValues: try Self.lineIds(fileLines))
        let addedIds = Dictionary(uniqueKeysWithValues: try Self.lineIds(try String(contentsOfFile: added, encoding: .utf8)))
        let expectedRejected = Set(expected.rejected.map { addedIds[$0]! })
        #expect(!expectedRejected.isEmpty)
        var rng = SplitMix64(seed: seed &* 97)
        for (chunk, partitionBytes, jobs) in [(1 << 20, 24 << 20, 1), (1 << 20, 2_000, 2), (200 + Int(rng.next() % 3000), 7_000, 2), (97, 500, 2)] {
            let grouped = try score(path, jobs: jobs, chunk: chunk, partitionBytes: partitionBytes)
            let label = "piece \(chunk), partition \(partitionBytes)"
            #expect(grouped.out == expected.out, "\(label)")
            #expect(Set(grouped.rejected.map { ids[$0]! }) == expectedRejected, "\(label)")
            #expect(grouped.rejected.count + grouped.summary.scored == lines.count, "\(label): every line counted once")
            #expect(grouped.summary.rowsRead == lines.count)
            #expect(grouped.summary.accounts == 400)
            #expect(grouped.summary.groupedLines == lines.count - Self.accountsOfOneLine(lines))
            #expect(grouped.summary.portfolio?.total == expected.summary.portfolio?.total, "\(label)")
            #expect(grouped.summary.portfolio?.accounts == expected.summary.portfolio?.accounts, "\(label)")
            #expect(grouped.summary.portfolio?.gini == expected.summary.portfolio?.gini, "\(label)")
            #expect(grouped.summary.scoreSum == expected.summary.scoreSum, "\(label)")
            #expect(grouped.summary.conflictingValues > 0, "names differ between an account's lines")
        }
        // Grouping off: every line its own row, as before grouping existed.
        let alone = try score(path, group: false)
        #expect(alone.summary.groupedLines == 0)
        #expect(alone.out.split(separator: "\n").count - 1 + alone.rejected.count == lines.count)
    }

    static func accountsOfOneLine(_ lines: [Line]) -> Int {
        Dictionary(grouping: lines, by: \.id).values.filter { $0.count == 1 }.count
    }

    /// Each record's first line and its id, read as the scorer reads the file.
    static func lineIds(_ text: String) throws -> [(Int, String)] {
        var reader = CSVReader(bytes: Array(text.utf8))
        var record = CSVRecord()
        var out: [(Int, String)] = []
        _ = try reader.next(into: &record)
        while try reader.next(into: &record) { out.append((record.line, record.string(at: 0).trimmingCharacters(in: .whitespaces))) }
        return out
    }

    /// Ids repeat and the pack reads an input that does not say how it combines: refused,
    /// naming it, rather than guessed.
    @Test func anInputWithoutAnAggregateIsRefusedWhenIdsRepeat() throws {
        let text = try String(contentsOf: TestPaths.rules.appending(path: "accounts.json5"), encoding: .utf8)
            .replacingOccurrences(of: "type: \"number\", aggregate: \"weighted_mean:revenue_ltm\", unit: \"%\", min: -100, max: 100,", with: "type: \"number\", unit: \"%\", min: -100, max: 100,")
        let pack = try #require(PackLoader.load(SourceFile(path: "accounts.json5", text: text), profiles: PackProfiles.all).0)
        #expect(pack.input(named: "gross_margin_pct")?.aggregate == nil)
        let path = try Self.write(Self.header + "\nC1,A,10,20,1,1,basic\nC1,A,20,30,1,1,basic\n")
        defer { unlink(path) }
        let mapping = try #require(ColumnMapping.make(headers: Self.header.split(separator: ",").map(String.init), pack: pack).0)
        let scorer = BatchScorer(pack: pack, mapping: mapping, options: BatchOptions(jobs: 1))
        #expect(throws: BatchFailure.self) {
            _ = try scorer.run(path: path, rendering: BatchChunkingTests.Lines(pack: pack), output: { _ in }, rejected: { _ in }, progress: { _, _, _ in })
        }
        do {
            _ = try scorer.run(path: path, rendering: BatchChunkingTests.Lines(pack: pack), output: { _ in }, rejected: { _ in }, progress: { _, _, _ in })
        } catch {
            #expect(error.description.contains("`gross_margin_pct`"), "\(error)")
        }
    }

    /// The exact check of repeated ids: none among a million distinct ids, whatever the
    /// slices; one repeat found anywhere.
    @Test func repeatedIdsAreFoundExactly() throws {
        let ids = RepeatedIds()
        let distinct = (0..<1_000_000).map { i in Array("A\(i)".utf8).withUnsafeBufferPointer { RepeatedIds.hash($0) } }
        try ids.add(distinct)
        #expect(try !ids.found(jobs: 2))
        try ids.add([Array(" A777777 ".utf8).withUnsafeBufferPointer { RepeatedIds.hash($0) }])
        #expect(try ids.found(jobs: 2))
    }

    /// Found by the grouping fuzzer: lines all at a margin of 100, weighted by their sales,
    /// averaged to 100.00000000000001 and the account was rejected as out of range. A mean
    /// stays between its lines' values.
    @Test func aWeightedMeanStaysWithinItsLines() throws {
        let path = try Self.write(Self.header + "\nD,N,3.25,100,1,1,basic\nD,N,3.25,100,1,1,basic\nD,N,0.2,100,1,1,basic\nD,N,3.25,100,1,1,basic\nE,N,1,10,1,1,basic\n")
        defer { unlink(path) }
        let r = try score(path)
        #expect(r.rejected.isEmpty, "\(r.rejected)")
        #expect(r.summary.scored == 5)
    }

    /// A pack with an id and no portfolio measure has no first pass to notice repeats in; a
    /// file's lines are still grouped (in a pass of their own), not refused as repeats.
    @Test func linesAreGroupedWhenThePackNeedsNoPortfolio() throws {
        let text = """
            {
              kind: "account-scoring", id: "no-portfolio", version: "1", title: "No portfolio",
              portfolio: { id: "customer_id" },
              inputs: {
                customer_id: { type: "string", aggregate: "first" },
                revenue_ltm: { type: "number", min: 0, aggregate: "sum" },
              },
              factors: [{ id: "size", title: "Size", bands: [{ when: "revenue_ltm >= 25", points: 1, because: "big" }, { points: 0, because: "small" }] }],
              tiers: [{ value: "a", min: 50 }, { value: "b" }],
            }
            """
        let pack = try #require(PackLoader.load(SourceFile(path: "p.json5", text: text), profiles: PackProfiles.all).0)
        let path = try Self.write("customer_id,revenue_ltm\nC1,10\nC2,5\nC1,20\n")
        defer { unlink(path) }
        let mapping = try #require(ColumnMapping.make(headers: ["customer_id", "revenue_ltm"], pack: pack).0)
        let scorer = BatchScorer(pack: pack, mapping: mapping, options: BatchOptions(jobs: 2))
        var out: [UInt8] = []
        let summary = try scorer.run(path: path, rendering: BatchChunkingTests.Lines(pack: pack), output: { out += $0 }, rejected: { _ in }, progress: { _, _, _ in })
        #expect(summary.accounts == 2)
        #expect(summary.groupedLines == 2)
        #expect(summary.scored == 3, "every line is counted")
        let rows = String(decoding: out, as: UTF8.self).split(separator: "\n")
        #expect(rows.count == 3, "a header and two accounts: \(rows)")
        // Alone neither of C1's lines (10, 20) reaches 25; added up they do.
        #expect(rows.contains { $0.hasPrefix("C1,1.0,") }, "C1's lines added up: \(rows)")
        #expect(rows.contains { $0.hasPrefix("C2,0.0,") }, "\(rows)")
    }
}
