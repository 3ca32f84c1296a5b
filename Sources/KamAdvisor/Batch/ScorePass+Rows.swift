import KamCSV
import KamExpr
import KamRules

/// The scoring pass's reading of a row beyond its inputs: blank lines, hidden columns of a
/// grouped list, totals labels, the measure pass 1 read.
extension BatchScorer {
    /// The row's measure if the measure pass read it too (and so placed the account): with
    /// the row filled, from its slot, as the filler reads the cell (and the caller has checked
    /// the id); else from the cell.
    static func measureRead(
        _ record: CSVRecord, slot: Int, _ membership: PortfolioMembership, filled: Bool, _ a: Activation
    ) -> Double? {
        guard filled else { return membership.measure(of: record) }
        guard case .number(let x)? = a.value(slot, as: .number), membership.admits(x) else { return nil }
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

/// One evaluator per worker thread, each over its own compilation of the pack. Sharing one
/// compiled pack made every closure call bump reference counts that both cores write: the
/// cache line bounced between them and a third of the scoring time went to it.
final class WorkerEvaluators: @unchecked Sendable {
    let evaluators: [Evaluator]

    init(_ pack: RulePack, count: Int) {
        evaluators = (0..<count).map { index in
            guard index > 0, let copy = PackLoader.load(pack.file, profiles: PackProfiles.all, language: pack.language).0 else { return Evaluator(pack) }
            return Evaluator(copy)
        }
    }
}
