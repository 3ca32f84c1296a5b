import KamCSV
import KamRules

/// The scoring pass's reading of a row beyond its inputs: blank lines, hidden columns of a
/// grouped list, totals labels, the measure pass 1 read.
extension BatchScorer {
    /// The row's measure if the measure pass read it too (and so placed the account): with
    /// the row filled, from its slot, as the filler reads the cell (and the caller has checked
    /// the id); else from the cell.
    static func measureRead(
        _ record: CSVRecord, slot: Int, _ membership: PortfolioMembership, filled: Bool, _ a: some RowSlots
    ) -> Double? {
        guard filled else { return membership.measure(of: record) }
        guard case .number(let x)? = a.value(slot), membership.admits(x) else { return nil }
        return x
    }

    /// The whole number in field `i` (a hidden column of a grouped list).
    static func integer(_ record: CSVRecord, _ i: Int) -> Int? {
        record.withUnsafeField(i) { field in
            var x = 0
            for b in field {
                guard b >= 48 && b <= 57 else { return nil }
                x = x * 10 + Int(b - 48)
            }
            return field.isEmpty ? nil : x
        }
    }

    /// A rejection for every line of an account: the problem itself when the account has
    /// one line; else the decoded problems of its lines, or the problem at the first line and
    /// the other lines rejected with it.
    static func everyLine(_ problem: RowError, _ group: (lines: [Int], problems: [RowError])?, _ count: Int, _ record: CSVRecord) -> [RowError] {
        guard let group, count > 1 || group.lines.count > 1 else { return [problem] }
        if group.problems.count == group.lines.count, problem == group.problems[0] { return group.problems }
        return group.lines.map { line in
            line == record.line ? problem
                : RowError(line: line, column: nil, message: "rejected with the rest of its account (line \(record.line)): \(problem.message)")
        }
    }

    /// How many cells of the record hold something: 0, 1, or 2 for two or more.
    @inline(__always)
    static func nonEmptyCells(_ record: CSVRecord) -> Int {
        var found = 0
        for i in 0..<record.count where !record.range(at: i).isEmpty {
            found += 1
            if found == 2 { return 2 }
        }
        return found
    }

    /// The totals label of a row without an id, in its first non-empty cell or its name.
    static func totalsLabel(_ record: CSVRecord, name: Int?) -> String? {
        var cells: [Int] = []
        if let first = (0..<record.count).first(where: { !record.range(at: $0).isEmpty }) { cells.append(first) }
        if let name, name < record.count { cells.append(name) }
        for c in cells where record.withUnsafeField(c, { TotalsLabel.matches($0) }) { return record.string(at: c) }
        return nil
    }

    /// The one non-empty cell of a lonely row.
    static func firstCell(_ record: CSVRecord) -> String {
        (0..<record.count).lazy.map { record.string(at: $0) }.first { !$0.isEmpty } ?? ""
    }
}

/// What each worker of the scoring pass keeps from chunk to chunk: its batch evaluator, over
/// its own compilation of the pack (sharing one made every closure call bump reference counts
/// that both cores write, and a third of the scoring time went to it), and one record per row
/// of the batch, whose buffers grow once to the widest row.
final class ScoreWorker {
    let batch: BatchEvaluator
    /// Held as buffers, not arrays: a class's array properties are checked for exclusive
    /// access at run time, at every row.
    let records: UnsafeMutableBufferPointer<CSVRecord>
    /// The batch's scored rows, in order, for the collector: `scored[0..<scoredCount]`.
    let scored: UnsafeMutableBufferPointer<Int>
    var scoredCount = 0
    /// Room for a chunk's placements and what they are read from.
    var placed: [PortfolioFigures.Account?] = []
    var room = Placements.Room()

    init(_ batch: BatchEvaluator) {
        self.batch = batch
        records = .allocate(capacity: batch.capacity)
        records.initialize(repeating: CSVRecord())
        scored = .allocate(capacity: batch.capacity)
        scored.initialize(repeating: 0)
    }

    deinit {
        _ = records.deinitialize()
        records.deallocate()
        scored.deallocate()
    }
}

/// One `ScoreWorker` per worker thread; each is touched only by its worker.
final class ScoreWorkers: @unchecked Sendable {
    /// Rows evaluated together: enough for the loops over a batch to pay, few enough that the
    /// records kept for them stay in cache.
    static let batchRows = 512
    let state: [ScoreWorker]

    init(_ pack: RulePack, count: Int) {
        let first = BatchEvaluator(pack, capacity: Self.batchRows)
        state = [ScoreWorker(first)] + (1..<max(1, count)).map { _ in ScoreWorker(first.copy()) }
    }
}
