import Dispatch
import Foundation
import KamCSV
import KamExpr
import KamRules
import Synchronization

extension BatchScorer {
    /// What one chunk of the scoring pass produced.
    struct ChunkResult: Sendable {
        var bytes: [UInt8] = []
        /// The rows not scored, in order, for `TotalsAndFooters` to settle.
        var rows = ChunkRowEvents()
        var read = 0
        var accounts = 0
        /// The ids' hashes, when repeats are looked for as the rows are scored.
        var hashes: [UInt64] = []
        var scored = 0
        var outcomes: [Int]
        var classes: [[Int]]
        var scoreMillionths: Int128 = 0
        var scoreBeyondRange = 0.0
        var totals: [Double] = []
        var totalsRows = 0
        /// With `--top`: the best rows of the chunk, as (score, order, bytes).
        var best: [(Double, Int, [UInt8])] = []
        /// Rows `alsoKeep` holds, as (order, bytes).
        var also: [(Int, [UInt8])] = []
    }

    func score(
        _ source: Source, _ portfolio: PortfolioFigures?, _ placements: Placements?, _ ids: RepeatedIds?, _ summary: inout BatchSummary,
        _ output: (UnsafeBufferPointer<UInt8>) throws(BatchFailure) -> Void, _ rejected: (RowError) -> Void,
        _ skipped: (SkippedRow) -> Void, _ progress: (Int, Int, Int) -> Void
    ) throws(BatchFailure) {
        summary.dialect = source.dialect
        summary.encoding = source.encoding
        let dialect = source.dialect
        let filler = RowFiller(mapping: mapping, pack: pack, dialect: dialect)
        let pack = self.pack, renderer = self.renderer, top = options.top, alsoKeep = options.alsoKeep
        let measure = self.measure, id = self.id, slots = contextSlots
        let measureColumn = measure.map(MeasureColumn.init), path = source.path
        let membership = measure.map { PortfolioMembership(measure: $0, id: id, dialect: dialect) }
        let idColumn = id?.column, idHeader = id.map { mapping.columns[$0.column].header } ?? ""
        let groupedColumns = options.groupedColumns
        let hashing = ids != nil
        let nameColumn = (pack.extras["report"]?["name"]?.string).flatMap { name in mapping.bindings.first { $0.input.name == name }?.column }
        var settled = TotalsAndFooters()
        let totalNames = options.totals.filter { pack.slot(of: $0) != nil }
        let totalSlots = totalNames.map { pack.slot(of: $0)! }
        var totals = [Double](repeating: 0, count: totalSlots.count)
        let outcomeCount = outcomeNames.count
        let separator = renderer.separator()
        // The header waits for the first rows: a file that fails in its first block (invalid
        // UTF-8, say) then writes nothing at all, even to standard output.
        var header: [UInt8]? = []
        renderer.begin(into: &header!)
        func writeHeader() throws(BatchFailure) {
            guard let bytes = header else { return }
            header = nil
            try bytes.withUnsafeBufferPointer { (p) throws(BatchFailure) in try output(p) }
        }
        var outcomes = [Int](repeating: 0, count: outcomeCount)
        var classes = pack.classifications.map { [Int](repeating: 0, count: $0.options.count + 1) }
        var best: [(Double, Int, [UInt8])] = []
        var also: [(Int, [UInt8])] = []
        var anyRow = false
        func settle(_ outcome: TotalsAndFooters.Outcome) throws(BatchFailure) {
            switch outcome {
            case .rejected(let e):
                // --strict stops at the first, which the failure names; the rest are not reported.
                if options.strict { throw .row(e) }
                summary.rejected += 1
                rejected(e)
            case .skipped(let row):
                if row.isFooter {
                    summary.rowsRead -= 1
                    summary.footerLines += 1
                } else {
                    summary.skippedTotals += 1
                }
                skipped(row)
            }
        }
        let evaluators = WorkerEvaluators(pack, count: jobs)
        var order = 0
        try forEachChunk(source, pass: 3, progress, { block, i, ordinal, worker throws(CSVError) -> ChunkResult in
            var reader = CSVReader(bytes: block.bytes, chunk: block.chunks[i], dialect: dialect)
            var record = CSVRecord()
            let evaluator = evaluators.evaluators[worker]
            let a = evaluator.activation
            var evaluation = Evaluation()
            var result = ChunkResult(outcomes: [Int](repeating: 0, count: outcomeCount),
                                     classes: pack.classifications.map { [Int](repeating: 0, count: $0.options.count + 1) })
            result.bytes.reserveCapacity(block.chunks[i].range.count)
            // The figures of each row whose measure pass 1 read, in order.
            let accounts = try placements?.accounts(chunk: ordinal, path: path) ?? []
            var placed = 0
            var index = 0
            while try reader.next(into: &record) {
                // A grouped account: its first line, lines and problems, then the file's columns.
                var group: (lines: [Int], problems: [RowError])?
                var groupText: (text: String, id: String)?  // decoded only if the account is rejected
                var lineCount = 1
                if let n = groupedColumns, record.count == n + 3 {
                    record.line = Self.integer(record, n) ?? record.line
                    lineCount = Self.integer(record, n + 1) ?? 1
                    let hidden = record.range(at: n + 2)
                    if !hidden.isEmpty {
                        let id = idColumn.map { record.string(at: $0) } ?? ""
                        // Lines that cannot be read end the column; lines only, a separator.
                        if record.bytes[hidden.upperBound - 1] == 0x1E {
                            groupText = (record.string(at: n + 2), id)
                        } else {
                            group = GroupProblems.decode(record.string(at: n + 2), id: id)
                        }
                    }
                    record.keepFirst(n)
                }
                let cells = Self.nonEmptyCells(record)
                if cells == 0 {
                    // A blank line, or one of delimiters only (`;;;;`): no row.
                    result.rows.add(RowEvent(kind: .blank))
                    continue
                }
                result.read += lineCount
                let lonely = cells == 1 && lineCount == 1
                if let idColumn {
                    switch AccountId.classify(record, column: idColumn) {
                    case .id:
                        result.accounts += 1
                        if hashing { record.withUnsafeField(idColumn) { result.hashes.append(RepeatedIds.hash($0)) } }
                    case .totals:
                        result.rows.add(RowEvent(kind: .totalsLabel(line: record.line, label: record.string(at: idColumn))))
                        continue
                    case .empty:
                        // `Итого;;2 847 633 749,80`: the label sits in the first cell or the name.
                        if let label = Self.totalsLabel(record, name: nameColumn) {
                            result.rows.add(RowEvent(kind: .totalsLabel(line: record.line, label: label)))
                            continue
                        }
                        let m = measureColumn.flatMap { $0.column < record.count ? CSVNumber.parse(record, at: $0.column, dialect: dialect) : nil }
                            ?? membership?.emptyValue
                        let error = RowError(line: record.line, column: idHeader,
                                             message: "`\(idHeader)` is empty: a row without an id is no account (a totals line or a note?)")
                        result.rows.add(RowEvent(kind: .rejected(error), lonely: lonely, text: lonely ? Self.firstCell(record) : "",
                                                 emptyIdMeasure: m))
                        continue
                    }
                }
                a.reset()
                // A grouped account's lines that cannot be read reject it whole, unfilled.
                let problem = group.map { $0.problems.isEmpty ? filler.fill(record, a) : $0.problems[0] } ?? filler.fill(record, a)
                let unfilled = problem != nil || !(group?.problems.isEmpty ?? true)
                var account: PortfolioFigures.Account?
                if let measureColumn, let membership, let x = Self.measureRead(record, measureColumn, membership, filled: !unfilled, a) {
                    if placements != nil {
                        guard placed < accounts.count else { throw CSVError(.changed, line: record.line, path: path) }
                        account = accounts[placed]
                        placed += 1
                    }
                    result.rows.member(x)
                }
                if problem != nil, group == nil, let (text, id) = groupText { group = GroupProblems.decode(text, id: id) }
                if let problem {
                    for e in Self.everyLine(problem, group, lineCount, record) {
                        result.rows.add(RowEvent(kind: .rejected(e), lonely: lonely, text: lonely ? Self.firstCell(record) : ""))
                    }
                    continue
                }
                result.rows.data()
                if let portfolio {
                    if let account {
                        slots.set(account, of: portfolio, in: a)
                    } else if let measure {
                        // Figures given from elsewhere (`--portfolio`) must hold this account.
                        if case .number(let m)? = a.value(measure.slot, as: .number), !portfolio.contains(measure: m) {
                            throw CSVError(.notInPortfolio, line: record.line, path: path)
                        }
                        slots.set(portfolio, measure: measure.slot, id: id.map { record[$0.column] } ?? [][...], in: a)
                    }
                }
                evaluator.evaluate(into: &evaluation)
                if evaluation.failed {
                    let e = evaluation.errors[0]
                    let location = e.diagnostic().location.map { " (\(e.file?.path ?? pack.file.path):\($0.line):\($0.column))" } ?? ""
                    let failure = RowError(line: record.line, column: nil, message: ([e.message] + e.notes).joined(separator: ", ") + location)
                    if group == nil, let (text, id) = groupText { group = GroupProblems.decode(text, id: id) }
                    for e in Self.everyLine(failure, group, lineCount, record) { result.rows.add(RowEvent(kind: .rejected(e))) }
                    continue
                }
                result.scored += lineCount
                if abs(evaluation.score) < 1e30 {
                    result.scoreMillionths += Int128((evaluation.score * 1e6).rounded())
                } else {
                    result.scoreBeyondRange += evaluation.score
                }
                if !totalSlots.isEmpty { Self.addTotals(totalSlots, a, &result) }
                result.outcomes[evaluation.blockingGate.map { pack.outcome.levels.count + $0 } ?? evaluation.level] += 1
                for (c, choice) in evaluation.classes.enumerated() {
                    result.classes[c][choice ?? pack.classifications[c].options.count] += 1
                }
                if let top {
                    var bytes: [UInt8] = []
                    renderer.row(record, evaluation, into: &bytes)
                    if let alsoKeep, alsoKeep(evaluation, a) { result.also.append((index, bytes)) }
                    result.best.append((evaluation.score, index, bytes))
                    if result.best.count > 2 * top { Self.keepBest(&result.best, top) }
                } else {
                    if !result.bytes.isEmpty { result.bytes += separator }
                    renderer.row(record, evaluation, into: &result.bytes)
                }
                index += 1
            }
            if placed != accounts.count { throw CSVError(.changed, path: path) }
            return result
        }, { (chunk: ChunkResult) throws(BatchFailure) -> Int in
            summary.rowsRead += chunk.read
            summary.accounts += chunk.accounts
            try ids?.add(chunk.hashes)
            summary.scored += chunk.scored
            summary.scoreMillionths += chunk.scoreMillionths
            summary.scoreBeyondRange += chunk.scoreBeyondRange
            for (k, x) in chunk.totals.enumerated() { totals[k] += x }
            summary.totalsRows += chunk.totalsRows
            for (k, n) in chunk.outcomes.enumerated() { outcomes[k] += n }
            for (c, counts) in chunk.classes.enumerated() { for (k, n) in counts.enumerated() { classes[c][k] += n } }
            try settled.add(chunk.rows, settle)
            if top != nil {
                best += chunk.best.map { ($0.0, order + $0.1, $0.2) }
                for (k, bytes) in chunk.also {
                    if also.count < BatchOptions.alsoKeepLimit { also.append((order + k, bytes)) } else { summary.alsoKeptBeyond += 1 }
                }
                order += chunk.scored
                Self.keepBest(&best, top!)
            } else if !chunk.bytes.isEmpty {
                try writeHeader()
                if anyRow { try separator.withUnsafeBufferPointer { (p) throws(BatchFailure) in try output(p) } }
                try chunk.bytes.withUnsafeBufferPointer { (p) throws(BatchFailure) in try output(p) }
                anyRow = true
            }
            return chunk.read
        })
        try settled.finish(settle)
        // A header and nothing else is an error, and writes nothing.
        if summary.rowsRead == 0 { throw .noData }
        try writeHeader()
        if let top {
            Self.keepBest(&best, top)
            let inBest = Set(best.map(\.1))
            best += also.filter { !inBest.contains($0.0) }.map { (0, $0.0, $0.1) }
            for (n, entry) in best.enumerated() {
                var bytes: [UInt8] = []
                if n > 0 { bytes = separator }
                bytes += entry.2
                try bytes.withUnsafeBufferPointer { (p) throws(BatchFailure) in try output(p) }
            }
        }
        var footer: [UInt8] = []
        renderer.end(into: &footer)
        try footer.withUnsafeBufferPointer { (p) throws(BatchFailure) in try output(p) }
        for (name, total) in zip(totalNames, totals) { summary.totals[name] = total }
        for (k, n) in outcomes.enumerated() where n > 0 || k < pack.outcome.levels.count {
            summary.outcomes[outcomeNames[k], default: 0] += n
        }
        for (c, classification) in pack.classifications.enumerated() {
            var counts: [String: Int] = [:]
            for (k, n) in classes[c].enumerated() where n > 0 || k < classification.options.count {
                counts[k < classification.options.count ? classification.options[k].value : "", default: 0] += n
            }
            summary.classes[classification.name] = counts
        }
    }

    /// The row's measure if pass 1 read it too (and so placed the account): with the row
    /// filled, from its slot (the filler reads it as `PortfolioMembership` does, and the
    /// caller has checked the id); else as `PortfolioMembership` reads it.
    static func measureRead(
        _ record: CSVRecord, _ measure: MeasureColumn, _ membership: PortfolioMembership, filled: Bool, _ a: Activation
    ) -> Double? {
        guard filled else { return membership.measure(of: record) }
        guard case .number(let x)? = a.value(measure.slot, as: .number), x >= measure.low && x <= measure.high else { return nil }
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

    /// Where the measure is and the range pass 1 accepts, without references to count.
    struct MeasureColumn {
        let column: Int
        let slot: Int
        let low: Double
        let high: Double

        init(_ binding: ColumnMapping.Binding) {
            column = binding.column
            slot = binding.slot
            low = binding.input.minimum ?? -.infinity
            high = binding.input.maximum ?? .infinity
        }
    }

    static func addTotals(_ slots: [Int], _ a: Activation, _ result: inout ChunkResult) {
        var values: [Double] = []
        for slot in slots {
            guard case .number(let x)? = a.value(slot, as: .number) else { return }
            values.append(x)
        }
        if result.totals.isEmpty { result.totals = values } else { for k in values.indices { result.totals[k] += values[k] } }
        result.totalsRows += 1
    }

    /// Keeps the `n` best rows: highest score first, earlier rows first among equals.
    static func keepBest(_ rows: inout [(Double, Int, [UInt8])], _ n: Int) {
        rows.sort { $0.0 != $1.0 ? $0.0 > $1.0 : $0.1 < $1.1 }
        if rows.count > n { rows.removeLast(rows.count - n) }
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
