import KamCSV
import KamRules

/// The scoring pass's row scorer: every row read, filled, placed in the portfolio, evaluated a
/// batch at a time and handed to the sink's collector; rows that are no accounts (blank lines,
/// totals, footers) and rows that cannot be scored are settled in file order by
/// `TotalsAndFooters`. Everything a worker needs is here, fixed for the run, so a chunk is
/// scored with no shared mutable state.
///
/// Not generic: only `chunk` knows the collector's type, and touches it once a batch row. The
/// pass runs unspecialised (its sink comes from another module), and generic types in the
/// row loop had their metadata looked up row by row.
struct RowScorer: Sendable {
    let pack: RulePack
    let filler: RowFiller
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
    let workers: ScoreWorkers

    /// What one chunk produced besides its collected rows.
    struct Chunk: Sendable {
        var tally: ScoreTally
        /// The rows not scored, in order, for `TotalsAndFooters` to settle.
        var rows = ChunkRowEvents()
        /// The ids' hashes, when repeats are looked for as the rows are scored.
        var hashes: [UInt64] = []
        /// Rows handed to the collector.
        var kept = 0
    }

    func chunk<Collector: RowCollector>(_ context: ChunkContext, _ collector: Collector) throws(CSVError) -> (Chunk, Collector.Part) {
        var reader = context.reader()
        let worker = workers.state[context.worker]
        let batch = worker.batch
        var part = collector.part(bytes: context.chunk.range.count)
        var result = Chunk(tally: ScoreTally(pack, totals: totalSlots.count))
        func collect() {
            for k in 0..<worker.scoredCount {
                let row = worker.scored[k]
                collector.add(&worker.records[row], batch.result(row: row), BatchRow(batch: batch, row: row), order: result.kept, to: &part)
                result.kept += 1
            }
        }
        // The figures of each row whose measure pass 1 read, in order, in the worker's room.
        var accounts: [PortfolioFigures.Account?] = [], room = Placements.Room()
        swap(&accounts, &worker.placed)
        swap(&room, &worker.room)
        defer {
            swap(&accounts, &worker.placed)
            swap(&room, &worker.room)
        }
        if let placements = ranking?.placements {
            try placements.accounts(chunk: context.ordinal, path: path, into: &accounts, room: &room)
        }
        var placed = 0
        var steps = ScoreSteps()
        var rows = 0
        batch.reset()
        // Rows are read into the worker's records, one per row of the batch, filled into the
        // batch, and evaluated a batch at a time; then everything is told in order.
        while try reader.next(into: &worker.records[rows]) {
            let values = BatchRow(batch: batch, row: rows)
            if try read(&worker.records[rows], values, context, &steps, &result, accounts, &placed) { rows += 1 }
            if rows == batch.capacity {
                finish(rows, &steps, &result, worker)
                collect()
                rows = 0
                batch.reset()
            }
        }
        finish(rows, &steps, &result, worker)
        collect()
        if placed != accounts.count { throw CSVError(.changed, path: path) }
        return (result, part)
    }

    /// Reads a record into batch row `values.row`: true when the row is taken, filled for
    /// evaluation or skipped after a partial fill; false when the row is free for the next.
    private func read(
        _ record: inout CSVRecord, _ values: BatchRow, _ context: ChunkContext, _ steps: inout ScoreSteps, _ result: inout Chunk,
        _ accounts: [PortfolioFigures.Account?], _ placed: inout Int
    ) throws(CSVError) -> Bool {
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
            steps.event(RowEvent(kind: .blank))
            return false
        }
        result.tally.read += lineCount
        let lonely = cells == 1 && lineCount == 1
        if let idColumn {
            switch AccountId.classify(record, column: idColumn) {
            case .id:
                result.tally.accounts += 1
                if hashing { record.withUnsafeField(idColumn) { result.hashes.append(RepeatedIds.hash($0)) } }
            case .totals:
                steps.event(RowEvent(kind: .totalsLabel(line: record.line, label: record.string(at: idColumn))))
                return false
            case .empty:
                // `Итого;;2 847 633 749,80`: the label sits in the first cell or the name.
                if let label = BatchScorer.totalsLabel(record, name: nameColumn) {
                    steps.event(RowEvent(kind: .totalsLabel(line: record.line, label: label)))
                    return false
                }
                let m = measureColumn.flatMap { $0 < record.count ? CSVNumber.parse(record, at: $0, dialect: context.dialect) : nil }
                    ?? membership?.emptyValue
                let error = RowError(line: record.line, column: idHeader,
                                     message: "`\(idHeader)` is empty: a row without an id is no account (a totals line or a note?)")
                steps.event(RowEvent(kind: .rejected(error), lonely: lonely, text: lonely ? BatchScorer.firstCell(record) : "",
                                     emptyIdMeasure: m))
                return false
            }
        }
        // A grouped account's lines that cannot be read reject it whole, unfilled.
        let problem = group.map { $0.problems.isEmpty ? filler.fill(record, values) : $0.problems[0] } ?? filler.fill(record, values)
        let unfilled = problem != nil || !(group?.problems.isEmpty ?? true)
        var account: PortfolioFigures.Account?
        if let measureSlot, let membership, let x = BatchScorer.measureRead(record, slot: measureSlot, membership, filled: !unfilled, values) {
            if ranking?.placements != nil {
                guard placed < accounts.count else { throw CSVError(.changed, line: record.line, path: path) }
                account = accounts[placed]
                placed += 1
            }
            steps.member(x)
        }
        if problem != nil, group == nil, let (text, id) = groupText { group = GroupProblems.decode(text, id: id) }
        if let problem {
            for e in BatchScorer.everyLine(problem, group, lineCount, record) {
                steps.event(RowEvent(kind: .rejected(e), lonely: lonely, text: lonely ? BatchScorer.firstCell(record) : ""))
            }
            // Partly filled: the row is skipped, and the next record takes the next row.
            values.batch.skip(row: values.row)
            return true
        }
        steps.data()
        if let portfolio = ranking?.figures {
            if let account {
                slots.set(account, of: portfolio, in: values)
            } else if let measureSlot {
                // Figures given from elsewhere (`--portfolio`) must hold this account.
                if case .number(let m)? = values.value(measureSlot), !portfolio.contains(measure: m) {
                    throw CSVError(.notInPortfolio, line: record.line, path: path)
                }
                slots.set(portfolio, measure: measureSlot, id: idColumn.map { record[$0] } ?? [][...], in: values)
            }
        }
        steps.scored(row: values.row, line: record.line, lines: lineCount, group: group, groupText: groupText)
        return true
    }

    /// Evaluates the batch's `rows` rows, and tells every step in order: the rows that could
    /// not be scored to `ChunkRowEvents`, the scored ones to the tally; those are left in
    /// `worker.scored`, in order, for the collector to read their results in the batch.
    private func finish(_ rows: Int, _ steps: inout ScoreSteps, _ result: inout Chunk, _ worker: ScoreWorker) {
        worker.scoredCount = 0
        guard !steps.isEmpty else { return }
        let batch = worker.batch
        batch.evaluate(count: rows)
        let levels = pack.outcome.levels.count
        for step in steps.steps {
            switch step {
            case .event(let k): result.rows.add(steps.events[k])
            case .member(let x): result.rows.member(x)
            case .data: result.rows.data()
            case .scored(let row, let line, let lines, let k):
                let evaluation = batch.result(row: row)
                if evaluation.failed {
                    let e = evaluation.errors[0]
                    let location = e.diagnostic().location.map { " (\(e.file?.path ?? pack.file.path):\($0.line):\($0.column))" } ?? ""
                    let failure = RowError(line: line, column: nil, message: ([e.message] + e.notes).joined(separator: ", ") + location)
                    var group = k >= 0 ? steps.groups[k].group : nil
                    if group == nil, k >= 0, let (text, id) = steps.groups[k].text { group = GroupProblems.decode(text, id: id) }
                    let record = worker.records[row]
                    for e in BatchScorer.everyLine(failure, group, lines, record) { result.rows.add(RowEvent(kind: .rejected(e))) }
                    continue
                }
                result.tally.add(evaluation, lines: lines, levels: levels)
                if !totalSlots.isEmpty { result.tally.addTotals(totalSlots, BatchRow(batch: batch, row: row)) }
                worker.scored[worker.scoredCount] = row
                worker.scoredCount += 1
            }
        }
        steps.removeAll()
    }
}

/// What a batch's rows did, in file order: the rows read and filled, waiting for the batch
/// to be evaluated, and what else happened on the way, for `ChunkRowEvents`, which must hear
/// it in that order. The steps themselves hold plain numbers, so a row's three steps are
/// copied, not retained and released; the rare events and grouped accounts wait beside them.
/// Outside `RowScorer`: a type nested in one the pass does not specialise has its metadata
/// looked up at run time, row by row.
struct ScoreSteps {
    enum Step {
        /// `events[k]`.
        case event(Int)
        case member(Double)
        case data
        /// A row of the batch, evaluated when the batch is; `group` indexes `groups`, or -1.
        case scored(row: Int, line: Int, lines: Int, group: Int)
    }

    /// A grouped account's lines and problems, decoded or (when decoded only if the account
    /// is rejected) as their text and id.
    struct Group {
        let group: (lines: [Int], problems: [RowError])?
        let text: (text: String, id: String)?
    }

    private(set) var steps: [Step] = []
    private(set) var events: [RowEvent] = []
    private(set) var groups: [Group] = []

    mutating func event(_ event: RowEvent) {
        steps.append(.event(events.count))
        events.append(event)
    }

    mutating func member(_ x: Double) { steps.append(.member(x)) }
    mutating func data() { steps.append(.data) }

    mutating func scored(row: Int, line: Int, lines: Int, group: (lines: [Int], problems: [RowError])?, groupText: (text: String, id: String)?) {
        var k = -1
        if group != nil || groupText != nil {
            k = groups.count
            groups.append(Group(group: group, text: groupText))
        }
        steps.append(.scored(row: row, line: line, lines: lines, group: k))
    }

    var isEmpty: Bool { steps.isEmpty }

    mutating func removeAll() {
        steps.removeAll(keepingCapacity: true)
        if !events.isEmpty { events.removeAll(keepingCapacity: true) }
        if !groups.isEmpty { groups.removeAll(keepingCapacity: true) }
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
        let scorer = RowScorer(
            pack: pack, filler: RowFiller(mapping: mapping, pack: pack, dialect: dialect), ranking: ranking,
            measureSlot: measure?.slot, measureColumn: measure?.column, idColumn: id?.column, slots: contextSlots,
            membership: measure.map { PortfolioMembership(measure: $0, id: id, dialect: dialect) },
            idHeader: id.map { mapping.columns[$0.column].header } ?? "",
            nameColumn: (pack.extras["report"]?["name"]?.string).flatMap { name in mapping.bindings.first { $0.input.name == name }?.column },
            groupedColumns: options.groupedColumns, hashing: repeats != nil, totalSlots: totalNames.map { pack.slot(of: $0)! },
            path: engine.source.path, workers: ScoreWorkers(pack, count: engine.jobs))
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
        let collector = sink.collector
        try engine.run(.score, progress, { context throws(CSVError) in try scorer.chunk(context, collector) }) {
            (scored: (chunk: RowScorer.Chunk, part: Sink.Collector.Part)) throws(BatchFailure) -> Int in
            let chunk = scored.chunk
            tally += chunk.tally
            try repeats?.add(chunk.hashes)
            try settled.add(chunk.rows, settle)
            try sink.merge(scored.part, scoredBefore: keptBefore)
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
