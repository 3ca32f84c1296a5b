import KamCSV
import KamRules

/// The scoring pass: every row read, filled, placed in the portfolio, evaluated and handed to
/// the sink; rows that are no accounts (blank lines, totals, footers) and rows that cannot be
/// scored are settled in file order by `TotalsAndFooters`. Everything a worker needs is here,
/// fixed for the run, so a chunk is scored with no shared mutable state.
struct ScorePass<Collector: RowCollector>: Sendable {
    let pack: RulePack
    let filler: RowFiller
    let collector: Collector
    let ranking: Ranking?
    /// The measure's slot and column, and the id's column, as plain numbers: a binding holds
    /// its input, whose references a row loop would count.
    let measureSlot: Int?
    let measureColumn: Int?
    let idColumn: Int?
    let slots: PortfolioSlots
    let membership: PortfolioMembership?
    let idHeader: String
    let nameColumn: Int?
    /// Set when scoring a list the group pass wrote: the original's column count.
    let groupedColumns: Int?
    let hashing: Bool
    let totalSlots: [Int]
    let path: String
    let evaluators: WorkerEvaluators

    /// What one chunk produced.
    struct Chunk: Sendable {
        var part: Collector.Part
        var tally: ScoreTally
        /// The rows not scored, in order, for `TotalsAndFooters` to settle.
        var rows = ChunkRowEvents()
        /// The ids' hashes, when repeats are looked for as the rows are scored.
        var hashes: [UInt64] = []
        /// Rows handed to the collector.
        var kept = 0
    }

    func chunk(_ context: ChunkContext) throws(CSVError) -> Chunk {
        var reader = context.reader()
        var record = CSVRecord()
        let evaluator = evaluators.evaluators[context.worker]
        let a = evaluator.activation
        var evaluation = Evaluation()
        var result = Chunk(part: collector.part(bytes: context.chunk.range.count, chunk: context.index), tally: ScoreTally(pack, totals: totalSlots.count))
        // The figures of each row whose measure pass 1 read, in order.
        let accounts = try ranking?.placements?.accounts(chunk: context.ordinal, path: path) ?? []
        let portfolio = ranking?.figures
        let levels = pack.outcome.levels.count
        var placed = 0
        while try reader.next(into: &record) {
            // A grouped account: its first line, lines and problems, then the file's columns.
            var group: (lines: [Int], problems: [RowError])?
            var groupText: (text: String, id: String)?  // decoded only if the account is rejected
            var lineCount = 1
            if let n = groupedColumns, record.count == n + 3 {
                record.line = BatchScorer.integer(record, n) ?? record.line
                lineCount = BatchScorer.integer(record, n + 1) ?? 1
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
            let cells = BatchScorer.nonEmptyCells(record)
            if cells == 0 {
                // A blank line, or one of delimiters only (`;;;;`): no row.
                result.rows.add(RowEvent(kind: .blank))
                continue
            }
            result.tally.read += lineCount
            let lonely = cells == 1 && lineCount == 1
            if let idColumn {
                switch AccountId.classify(record, column: idColumn) {
                case .id:
                    result.tally.accounts += 1
                    if hashing { record.withUnsafeField(idColumn) { result.hashes.append(RepeatedIds.hash($0)) } }
                case .totals:
                    result.rows.add(RowEvent(kind: .totalsLabel(line: record.line, label: record.string(at: idColumn))))
                    continue
                case .empty:
                    // `Итого;;2 847 633 749,80`: the label sits in the first cell or the name.
                    if let label = BatchScorer.totalsLabel(record, name: nameColumn) {
                        result.rows.add(RowEvent(kind: .totalsLabel(line: record.line, label: label)))
                        continue
                    }
                    let m = measureColumn.flatMap { $0 < record.count ? CSVNumber.parse(record, at: $0, dialect: context.dialect) : nil }
                        ?? membership?.emptyValue
                    let error = RowError(line: record.line, column: idHeader,
                                         message: "`\(idHeader)` is empty: a row without an id is no account (a totals line or a note?)")
                    result.rows.add(RowEvent(kind: .rejected(error), lonely: lonely, text: lonely ? BatchScorer.firstCell(record) : "",
                                             emptyIdMeasure: m))
                    continue
                }
            }
            a.reset()
            // A grouped account's lines that cannot be read reject it whole, unfilled.
            let problem = group.map { $0.problems.isEmpty ? filler.fill(record, a) : $0.problems[0] } ?? filler.fill(record, a)
            let unfilled = problem != nil || !(group?.problems.isEmpty ?? true)
            var account: PortfolioFigures.Account?
            if let measureSlot, let membership, let x = BatchScorer.measureRead(record, slot: measureSlot, membership, filled: !unfilled, a) {
                if ranking?.placements != nil {
                    guard placed < accounts.count else { throw CSVError(.changed, line: record.line, path: path) }
                    account = accounts[placed]
                    placed += 1
                }
                result.rows.member(x)
            }
            if problem != nil, group == nil, let (text, id) = groupText { group = GroupProblems.decode(text, id: id) }
            if let problem {
                for e in BatchScorer.everyLine(problem, group, lineCount, record) {
                    result.rows.add(RowEvent(kind: .rejected(e), lonely: lonely, text: lonely ? BatchScorer.firstCell(record) : ""))
                }
                continue
            }
            result.rows.data()
            if let portfolio {
                if let account {
                    slots.set(account, of: portfolio, in: a)
                } else if let measureSlot {
                    // Figures given from elsewhere (`--portfolio`) must hold this account.
                    if case .number(let m)? = a.value(measureSlot, as: .number), !portfolio.contains(measure: m) {
                        throw CSVError(.notInPortfolio, line: record.line, path: path)
                    }
                    slots.set(portfolio, measure: measureSlot, id: idColumn.map { record[$0] } ?? [][...], in: a)
                }
            }
            evaluator.evaluate(into: &evaluation)
            if evaluation.failed {
                let e = evaluation.errors[0]
                let location = e.diagnostic().location.map { " (\(e.file?.path ?? pack.file.path):\($0.line):\($0.column))" } ?? ""
                let failure = RowError(line: record.line, column: nil, message: ([e.message] + e.notes).joined(separator: ", ") + location)
                if group == nil, let (text, id) = groupText { group = GroupProblems.decode(text, id: id) }
                for e in BatchScorer.everyLine(failure, group, lineCount, record) { result.rows.add(RowEvent(kind: .rejected(e))) }
                continue
            }
            result.tally.add(evaluation, lines: lineCount, levels: levels)
            if !totalSlots.isEmpty { result.tally.addTotals(totalSlots, a) }
            collector.add(record, evaluation, a, order: result.kept, to: &result.part)
            result.kept += 1
        }
        if placed != accounts.count { throw CSVError(.changed, path: path) }
        return result
    }
}

extension BatchScorer {
    /// Runs the scoring pass into `sink`, and names its counts in `summary`.
    func score<Sink: RowSink>(
        _ engine: PassEngine, _ ranking: Ranking?, _ repeats: RepeatedIds?, _ summary: inout BatchSummary, _ sink: inout Sink,
        _ rejected: (RowError) -> Void, _ skipped: (SkippedRow) -> Void, _ progress: (Int, Int, Int) -> Void
    ) throws(BatchFailure) {
        let dialect = engine.source.dialect
        summary.dialect = dialect
        summary.encoding = engine.source.encoding
        let totalNames = options.totals.filter { pack.slot(of: $0) != nil }
        let pass = ScorePass(
            pack: pack, filler: RowFiller(mapping: mapping, pack: pack, dialect: dialect), collector: sink.collector, ranking: ranking,
            measureSlot: measure?.slot, measureColumn: measure?.column, idColumn: id?.column, slots: contextSlots,
            membership: measure.map { PortfolioMembership(measure: $0, id: id, dialect: dialect) },
            idHeader: id.map { mapping.columns[$0.column].header } ?? "",
            nameColumn: (pack.extras["report"]?["name"]?.string).flatMap { name in mapping.bindings.first { $0.input.name == name }?.column },
            groupedColumns: options.groupedColumns, hashing: repeats != nil, totalSlots: totalNames.map { pack.slot(of: $0)! },
            path: engine.source.path, evaluators: WorkerEvaluators(pack, count: engine.jobs))
        var tally = ScoreTally(pack, totals: totalNames.count)
        var settled = TotalsAndFooters()
        var keptBefore = 0
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
        try engine.run(.score, progress, pass.chunk) { (chunk: ScorePass<Sink.Collector>.Chunk) throws(BatchFailure) -> Int in
            tally += chunk.tally
            try repeats?.add(chunk.hashes)
            try settled.add(chunk.rows, settle)
            try sink.merge(chunk.part, scoredBefore: keptBefore)
            keptBefore += chunk.kept
            return chunk.tally.read
        }
        try settled.finish(settle)
        tally.record(in: &summary, pack, totalNames: totalNames)
        // A header and nothing else is an error, and writes nothing.
        if summary.rowsRead == 0 { throw .noData }
        try sink.finish()
    }
}
