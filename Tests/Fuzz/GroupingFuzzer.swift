// libFuzzer target: the grouping of invoice lines, checked against a plain in-memory
// group-by. The input picks the lines (ids, sales, margins, good and bad), the piece size,
// the partition size and the threads; the scored accounts, the rejected lines and the
// portfolio total must be what grouping by hand gives. Built by scripts/fuzz.sh.
import Foundation
import KamAdvisor
import KamCSV
import KamRules
import KamSource

private let pack: RulePack = {
    let text = """
        {
          kind: "account-scoring", id: "fuzz-grouping", version: "1", title: "Grouping fuzz",
          portfolio: { measure: "revenue_ltm", id: "customer_id" },
          inputs: {
            customer_id: { type: "string", aggregate: "first" },
            revenue_ltm: { type: "number", min: 0, aggregate: "sum" },
            gross_margin_pct: { type: "number", min: 0, max: 100, required: false, aggregate: "weighted_mean:revenue_ltm" },
          },
          factors: [
            { id: "share", title: "Share", bands: [{ when: "share >= 0.2", points: 2, because: "big" }, { points: 0, because: "small" }] },
            { id: "margin", title: "Margin", bands: [{ when: "gross_margin_pct >= 30", points: 1, because: "rich" }, { points: 0, because: "thin" }] },
          ],
          tiers: [{ value: "a", min: 50 }, { value: "b" }],
        }
        """
    return PackLoader.load(SourceFile(path: "fuzz.json5", text: text), profiles: PackProfiles.all).0!
}()

/// Each scored account as `id|sales`.
private struct Accounts: RowRenderer {
    func begin(into out: inout [UInt8]) {}
    func separator() -> [UInt8] { [] }
    func end(into out: inout [UInt8]) {}
    func row(_ record: CSVRecord, _ evaluation: some ScoredResult, into out: inout [UInt8]) {
        out += Array("\(record.string(at: 0))|\(record.string(at: 1))\n".utf8)
    }
}

private let ids = ["A", "B", " A", "A ", "C", "D", "E", "", "Итого", "F"]
private let sales = ["12", "0.5", "0.1", "0.2", "1000", "3.25", "x", "", "7", "99.99"]
private let margins = ["10", "45", "", "200", "30.5", "abc", "0", "100"]

/// Digits after the point, as kam counts them for a sum.
private func places(_ text: String) -> Int {
    guard let dot = text.firstIndex(of: ".") else { return 0 }
    return text[text.index(after: dot)...].count
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzGrouping(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard bytes.count >= 4 else { return 0 }
    var lines: [(id: String, sales: String, margin: String)] = []
    var i = 3
    while i + 2 < bytes.count && lines.count < 200 {
        lines.append((ids[Int(bytes[i]) % ids.count], sales[Int(bytes[i + 1]) % sales.count], margins[Int(bytes[i + 2]) % margins.count]))
        i += 3
    }
    // A line without an id never sums anything: its sales are unreadable.
    lines = lines.map { $0.id.isEmpty ? ("", "x", $0.margin) : $0 }

    // By hand: accounts by trimmed id in order of first line; a line that cannot be read
    // rejects its account; the sum keeps the most decimals of its lines.
    var order: [String] = []
    var groups: [String: [(id: String, sales: String, margin: String)]] = [:]
    for line in lines where !line.id.isEmpty && line.id != "Итого" {
        let key = line.id.trimmingCharacters(in: .whitespaces)
        if groups[key] == nil { order.append(key) }
        groups[key, default: []].append(line)
    }
    var expected = "", total = 0.0, members = 0
    for key in order {
        let group = groups[key]!
        let salesRead = group.allSatisfy { Double($0.sales).map { $0 >= 0 } ?? false }
        let marginsRead = group.allSatisfy { $0.margin.isEmpty || (Double($0.margin).map { $0 >= 0 && $0 <= 100 } ?? false) }
        var sum = 0.0
        for line in group { sum += Double(line.sales) ?? 0 }
        let scale = pow(10, Double(group.map { places($0.sales) }.max()!))
        let rounded = (sum * scale).rounded() / scale
        let written = abs(rounded - sum) <= 1e-6 * max(1, abs(sum)) ? rounded : sum
        if salesRead {
            total += written
            members += 1
        }
        guard salesRead && marginsRead else { continue }
        let text = group.count == 1 ? group[0].sales : (written == written.rounded() && abs(written) < 1e15 ? String(Int64(written)) : "\(written)")
        expected += "\(group[0].id)|\(text)\n"
    }

    let path = FileManager.default.temporaryDirectory.appending(path: "kam-fuzz-grouping-\(getpid()).csv").path
    let text = "customer_id,revenue_ltm,gross_margin_pct\n" + lines.map { "\($0.id),\($0.sales),\($0.margin)" }.joined(separator: "\n") + "\n"
    try! text.write(toFile: path, atomically: false, encoding: .utf8)
    defer { unlink(path) }
    let mapping = ColumnMapping.make(headers: ["customer_id", "revenue_ltm", "gross_margin_pct"], pack: pack).0!
    var options = BatchOptions(jobs: 1 + Int(bytes[0]) % 2, blockSize: 64 << 10, chunkSize: 16 + Int(bytes[1]) * 4)
    options.groupingPartitionBytes = 64 + Int(bytes[2]) * 16
    let scorer = BatchScorer(pack: pack, mapping: mapping, options: options)
    var out: [UInt8] = []
    var rejected = 0, skipped = 0
    let summary: BatchSummary
    var rows = OrderedRows(Accounts()) { out += $0 }
    do {
        summary = try scorer.run(path: path, into: &rows, rejected: { _ in rejected += 1 }, skipped: { _ in skipped += 1 },
                                 progress: { _, _, _ in })
    } catch {
        if case .noData = error, expected.isEmpty { return 0 }
        if expected.isEmpty, members == 0 { return 0 }
        fatalError("grouping failed: \(error) on\n\(text)")
    }
    let got = String(decoding: out, as: UTF8.self)
    if got != expected { fatalError("grouped accounts differ:\n\(got)\nexpected:\n\(expected)\non\n\(text)") }
    if summary.rowsRead != summary.scored + rejected + summary.skippedTotals {
        fatalError("lines do not add up: \(summary.rowsRead) read, \(summary.scored) scored, \(rejected) rejected, \(summary.skippedTotals) totals")
    }
    if (summary.portfolio?.accounts ?? 0) != members || abs((summary.portfolio?.total ?? 0) - total) > 1e-9 * max(1, total) {
        fatalError("portfolio differs: \(String(describing: summary.portfolio?.accounts)) accounts, total \(String(describing: summary.portfolio?.total)); expected \(members), \(total)\n\(text)")
    }
    return 0
}
