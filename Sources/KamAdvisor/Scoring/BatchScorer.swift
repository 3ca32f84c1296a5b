import Dispatch
import Foundation
import KamCSV
import KamExpr
import KamRules
import Synchronization

/// How a batch is run.
public struct BatchOptions: Sendable {
    public var jobs: Int
    /// Stop at the first row that cannot be scored.
    public var strict: Bool
    /// Output only the N best rows, best first.
    public var top: Int?
    public var dialect: CSVDialect?
    public var encoding: CSVEncoding?
    public var blockSize: Int
    public var chunkSize: Int
    /// Names of inputs or derived values to add up over the scored rows where all of them
    /// are present (so that their ratios compare like with like).
    public var totals: [String] = []
    /// The portfolio figures of the whole list, when this file is one partition of it
    /// (`kam score --portfolio`): the file is then read once, so it may be standard input.
    public var portfolio: PortfolioFigures?
    /// Records before the rows: the header, and the title lines above it.
    public var headerRecords = 1
    /// Group the lines of an id that repeats into one account (`--no-group` turns it off).
    public var group = true
    /// Set when the file is one the grouping pass wrote: the original's column count, past
    /// which come the hidden columns (first line, lines, problems).
    var groupedColumns: Int?
    /// How much of the file one grouping partition holds; smaller in tests and fuzzing, to
    /// spread a few lines over several partitions.
    public var groupingPartitionBytes = 24 << 20

    public init(jobs: Int = 0, strict: Bool = false, top: Int? = nil, dialect: CSVDialect? = nil, encoding: CSVEncoding? = nil,
                blockSize: Int = 8 << 20, chunkSize: Int = 1 << 19)
    {
        self.jobs = jobs
        self.strict = strict
        self.top = top
        self.dialect = dialect
        self.encoding = encoding
        self.blockSize = blockSize
        self.chunkSize = chunkSize
    }
}

/// What a batch did: every row read is either scored or rejected.
public struct BatchSummary: Sendable {
    /// Rows of data read: `scored + rejected + skippedTotals`. Blank lines, title lines above
    /// the header and footer notes below the data are not rows.
    public var rowsRead = 0
    public var scored = 0
    public var rejected = 0
    /// Totals lines (by label or by sum), read and left out: no accounts.
    public var skippedTotals = 0
    /// Notes after the data (`Confidential Information`), left out.
    public var footerLines = 0
    /// Accounts read (ids; a grouped account counts once), scored or rejected.
    public var accounts = 0
    /// Lines grouped into accounts of two or more, when ids repeated.
    public var groupedLines = 0
    /// (account, input) pairs whose lines disagree on an input that keeps its first value,
    /// and the first hundred.
    public var conflictingValues = 0
    public var conflicts: [GroupConflict] = []
    /// Scored rows per outcome (tier, or a gate's outcome).
    public var outcomes: [String: Int] = [:]
    /// Scored rows per class, per classification (`nil` key: no option held).
    public var classes: [String: [String: Int]] = [:]
    /// The sum of the scores, each rounded to millionths and added as whole millionths, so
    /// the sum is exact and the same however the rows were split into chunks or partitions.
    /// (A score beyond 10^30, which only a pack with unbounded points could give, is added
    /// as a double instead, and the sum is then as exact as doubles allow.)
    public var scoreMillionths: Int128 = 0
    public var scoreBeyondRange = 0.0
    public var scoreSum: Double { Double(scoreMillionths) / 1e6 + scoreBeyondRange }
    /// `BatchOptions.totals`: each name's sum, and how many rows had all of them.
    public var totals: [String: Double] = [:]
    public var totalsRows = 0
    public var portfolio: PortfolioFigures?
    public var dialect: CSVDialect?
    public var encoding: CSVEncoding?
    /// Wall-clock seconds of each step: reading the measures, the portfolio figures, ordering
    /// the tied accounts, scoring.
    public var passSeconds: [Double] = []
    /// The process's peak resident memory after each step, in MB (Linux only; else 0).
    public var peakMegabytes: [Int] = []
}

public enum BatchFailure: Error, Sendable, CustomStringConvertible {
    /// The failure without the file's name, for a message that names it already.
    public var withoutPath: String {
        guard case .csv(var e) = self else { return description }
        e.path = nil
        return e.description
    }

    case csv(CSVError)
    /// `--strict`: the first row that could not be scored.
    case row(RowError)
    case output(String)
    case noData
    /// Ids repeat, and inputs the pack reads do not say how they combine.
    case uncombinable([String])
    /// Ids repeat in a file scored in one pass (`--portfolio`), which cannot group them.
    case repeatedIds

    public var description: String {
        switch self {
        case .csv(let e): e.description
        case .row(let e): "line \(e.line)\(e.column.map { ", column `\($0)`" } ?? ""): \(e.message)"
        case .output(let m): m
        case .noData: "the file has a header but no rows"
        case .uncombinable(let names):
            "account ids repeat (several lines per customer), but the pack does not say how to combine "
                + names.map { "`\($0)`" }.joined(separator: ", ")
                + "; give each an `aggregate` (docs/rules.md), or score the lines as they are with --no-group"
        case .repeatedIds:
            "account ids repeat in this input (several lines per customer), and standard input is read once, too late to group them; "
                + "give the partition as a file (kam score PART.csv --portfolio ALL.kamp), whose lines are grouped first"
        }
    }
}

/// Scores a customer list with an account-scoring pack, on every core, in two passes over
/// the file: the first gathers the measure (and id key) of every account for the portfolio
/// figures (shares, ranks, cumulative shares: they need the whole list), the second scores
/// each row against them and renders it. Rows are read in blocks cut at record boundaries, each block
/// in pieces parsed in parallel; output keeps input order. Memory is the blocks in flight
/// plus about 12 bytes per distinct measure.
///
/// The portfolio is every row whose measure could be read; a row rejected for another column
/// still counts in it, since its sales are real.
public final class BatchScorer: @unchecked Sendable {
    public let pack: RulePack
    public let mapping: ColumnMapping
    let renderer: any RowRenderer
    let options: BatchOptions
    let measure: ColumnMapping.Binding?
    let id: ColumnMapping.Binding?
    private let contextSlots: PortfolioSlots

    private let outcomeNames: [String]

    public init(pack: RulePack, mapping: ColumnMapping, renderer: any RowRenderer, options: BatchOptions) {
        self.pack = pack
        self.mapping = mapping
        self.renderer = renderer
        self.options = options
        let portfolio = pack.extras["portfolio"]
        let measureName = portfolio?["measure"]?.string
        let idName = portfolio?["id"]?.string
        measure = mapping.bindings.first { $0.input.name == measureName }
        id = mapping.bindings.first { $0.input.name == idName }
        contextSlots = PortfolioSlots(pack)
        outcomeNames = pack.outcome.levels.map(\.value) + pack.gates.map(\.outcome)
    }

    private var jobs: Int { options.jobs > 0 ? options.jobs : max(1, System.cores) }

    /// Runs the batch on `path` (`-` only with `opened`: two passes need a file). `output` receives the
    /// rendered bytes in order; `rejected` each row that could not be scored, in file order;
    /// `skipped` each totals line and footer note, which are no accounts; `progress` the bytes
    /// read so far after each block, pass by pass.
    ///
    /// `opened`: a reader already open on the input (standard input, whose header the caller
    /// has read with `leadingRecords` to map the columns, and then skipped); only for a single pass, with
    /// `BatchOptions.portfolio` given or a pack that ranks nothing.
    public func run(
        path: String, opened: CSVBlockReader? = nil, output: (UnsafeBufferPointer<UInt8>) throws(BatchFailure) -> Void,
        rejected: (RowError) -> Void, skipped: (SkippedRow) -> Void = { _ in },
        progress: (_ pass: Int, _ bytes: Int, _ rows: Int) -> Void
    ) throws(BatchFailure) -> BatchSummary {
        precondition(opened == nil || options.portfolio != nil || measure == nil, "an opened reader allows one pass only")
        var summary = BatchSummary()
        var portfolio: PortfolioFigures?
        var placements: Placements?
        var clock = DispatchTime.now().uptimeNanoseconds
        func lap() {
            let now = DispatchTime.now().uptimeNanoseconds
            summary.passSeconds.append(Double(now - clock) / 1e9)
            summary.peakMegabytes.append(System.peakMegabytes)
            clock = now
        }
        // The dialect and encoding are read off the file once, and every pass reuses them.
        // With the figures given, or none needed, there is one pass, over this very reader.
        // Ids are looked at for repeats (lines of one customer) unless grouping is off or done;
        // a partition scored against given figures then takes a pass of its own for them.
        let findRepeats = id != nil && options.group && options.groupedColumns == nil
        let onePass = (options.portfolio != nil || measure == nil) && !(findRepeats && opened == nil && options.portfolio != nil)
        let source = try openSource(path, opened, onePass: onePass)
        if let given = options.portfolio {
            // One pass over a file given whole: look for repeated ids first, in a pass of
            // their own, since a partition's lines must be grouped before they are scored.
            if findRepeats, opened == nil, let id, try repeatsIn(source, id, progress) {
                return try scoreGrouped(source, &summary, output, rejected, skipped, progress)
            }
            portfolio = given
        } else if let measure {
            let spill = id == nil ? nil : KeySpill()
            let ids = findRepeats ? RepeatedIds() : nil
            var (measures, chunkCounts) = try collectMeasures(source, measure, id, spill, ids, progress)
            lap()
            if let ids, try ids.found(jobs: jobs) {
                return try scoreGrouped(source, &summary, output, rejected, skipped, progress)
            }
            portfolio = PortfolioFigures(measures: &measures)
            lap()
            if var figures = portfolio, figures.hasTies, let id {
                portfolio = nil  // one copy of the figures while the ties are added
                let colliding = try collectTies(source, spill, measure, id, &figures)
                if !colliding.isEmpty {
                    // Ids longer than eight bytes share a key there: read those groups' whole ids.
                    figures.setWholeIds(try collectWholeIds(source, measure, id, figures, groups: Set(colliding)))
                }
                portfolio = figures
            }
            if let spill, let figures = portfolio { placements = Placements(spill, figures, chunkCounts: chunkCounts) }
            lap()
        }
        summary.portfolio = portfolio
        // Standard input scored in one pass cannot be grouped: its ids are checked as it goes.
        let ids = findRepeats && source.opened != nil ? RepeatedIds() : nil
        try score(source, portfolio, placements, ids, &summary, output, rejected, skipped, progress)
        if let ids, try ids.found(jobs: jobs) { throw .repeatedIds }
        lap()
        return summary
    }

    // MARK: Grouping

    /// Whether any account id repeats, from a pass that reads the ids only.
    private func repeatsIn(_ source: Source, _ id: ColumnMapping.Binding, _ progress: (Int, Int, Int) -> Void) throws(BatchFailure) -> Bool {
        let ids = RepeatedIds()
        let dialect = source.dialect, column = id.column
        try forEachChunk(source, pass: 1, progress, { block, i, _, _ throws(CSVError) -> [UInt64] in
            var hashes: [UInt64] = []
            func take(_ field: UnsafeBufferPointer<UInt8>?, _: UnsafeBufferPointer<UInt8>?) {
                if let field, AccountId.isAccount(field) { hashes.append(RepeatedIds.hash(field)) }
            }
            let scanned = block.bytes.withUnsafeBufferPointer { CSVColumnScanner.scan($0, chunk: block.chunks[i], dialect: dialect, columns: (column, column), take) }
            if scanned { return hashes }
            hashes.removeAll()
            var reader = CSVReader(bytes: block.bytes, chunk: block.chunks[i], dialect: dialect, options: .init(validateUTF8: false))
            var record = CSVRecord()
            while try reader.next(into: &record) { record.withCell(column) { take($0, nil) } }
            return hashes
        }, { (hashes: [UInt64]) throws(BatchFailure) -> Int in
            try ids.add(hashes)
            return hashes.count
        })
        return try ids.found(jobs: jobs)
    }

    /// Ids repeat: the lines are grouped into accounts (`LineGrouping`), and the grouped list
    /// is scored as any list is, its hidden columns giving each account's first line, its
    /// number of lines and its problems.
    private func scoreGrouped(
        _ source: Source, _ summary: inout BatchSummary, _ output: (UnsafeBufferPointer<UInt8>) throws(BatchFailure) -> Void,
        _ rejected: (RowError) -> Void, _ skipped: (SkippedRow) -> Void, _ progress: (Int, Int, Int) -> Void
    ) throws(BatchFailure) -> BatchSummary {
        guard let id else { preconditionFailure("only a pack with an id groups") }
        let missing = LineGrouping.uncombinable(mapping, pack)
        guard missing.isEmpty else { throw .uncombinable(missing) }
        let started = DispatchTime.now().uptimeNanoseconds
        var blocks = try self.blocks(source.path, source.dialect, source.encoding)
        defer { blocks.close() }
        let size = (try? FileManager.default.attributesOfItem(atPath: source.path)[.size] as? Int) ?? 0
        let grouping = LineGrouping(mapping: mapping, pack: pack, dialect: source.dialect, id: id, measure: measure)
        let partitions = LineGrouping.partitionCount(fileSize: size, perPartition: options.groupingPartitionBytes)
        let grouped = try grouping.run(&blocks, partitions: partitions) { bytes, lines in progress(0, bytes, lines) }
        var inner = options
        (inner.dialect, inner.encoding, inner.headerRecords, inner.groupedColumns) = (source.dialect, .utf8, 1, mapping.columns.count)
        let scorer = BatchScorer(pack: pack, mapping: mapping, renderer: renderer, options: inner)
        var result: BatchSummary
        do throws(BatchFailure) {
            result = try scorer.run(path: grouped.path, output: output, rejected: rejected, skipped: skipped, progress: progress)
        } catch {
            // Errors name the file the user gave, not the grouped list.
            guard case .csv(var e) = error else { throw error }
            e.path = source.path
            throw .csv(e)
        }
        withExtendedLifetime(grouped.file) {}
        result.encoding = source.encoding
        result.groupedLines = grouped.groupedLines
        result.conflictingValues = grouped.conflictCount
        result.conflicts = grouped.conflicts
        result.passSeconds = summary.passSeconds + [Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9] + result.passSeconds
        result.peakMegabytes = summary.peakMegabytes + [System.peakMegabytes] + result.peakMegabytes
        return result
    }

    // MARK: Passes

    /// The file and how it is read, decided once for every pass.
    private struct Source {
        let path: String
        let dialect: CSVDialect
        let encoding: CSVEncoding
        /// The reader of a single-pass run, already past the detection of the dialect.
        let opened: CSVBlockReader?
    }

    /// The source of every pass. For several passes, the reader that detected the dialect is
    /// closed and dropped here, so that its first block (24 MB with its reserve) is not held
    /// for the rest of the run.
    private func openSource(_ path: String, _ opened: CSVBlockReader?, onePass: Bool) throws(BatchFailure) -> Source {
        let first: CSVBlockReader
        if let opened { first = opened } else { first = try blocks(path, options.dialect, options.encoding, skipping: onePass) }
        if !onePass { first.close() }
        return Source(path: path, dialect: first.dialect, encoding: first.encoding, opened: onePass ? first : nil)
    }

    /// Blocks of `path`, past the header and the title lines above it (unless `skipping` is
    /// false: a reader opened only to detect the dialect); a nil dialect or encoding is
    /// detected from the file.
    private func blocks(_ path: String, _ dialect: CSVDialect?, _ encoding: CSVEncoding?, skipping: Bool = true) throws(BatchFailure) -> CSVBlockReader {
        do throws(CSVError) {
            var reader = try CSVBlockReader(path: path, dialect: dialect, encoding: encoding,
                                            blockSize: options.blockSize, chunkSize: options.chunkSize)
            if skipping { try reader.skipRecords(options.headerRecords) }
            return reader
        } catch {
            throw .csv(error)
        }
    }

    /// Runs `work` on every chunk of every block, `jobs` at a time, and hands the results to
    /// `merge` in file order, block by block.
    private func forEachChunk<R>(
        _ source: Source, pass: Int, _ progress: (Int, Int, Int) -> Void,
        _ work: @escaping @Sendable (_ block: CSVBlock, _ chunk: Int, _ ordinal: Int, _ worker: Int) throws(CSVError) -> R,
        _ merge: (R) throws(BatchFailure) -> Int
    ) throws(BatchFailure) {
        let opened: CSVBlockReader
        if let reader = source.opened { opened = reader } else { opened = try blocks(source.path, source.dialect, source.encoding) }
        let reader = Prefetcher(opened)
        defer { reader.close() }
        var rows = 0
        var ordinal = 0  // of the block's first chunk, counting every chunk of the file
        // The next block is read and cut on another thread while this one is parsed.
        reader.request()
        var spare: [UInt8]?
        while true {
            let block: CSVBlock
            switch reader.take() {
            case .success(nil): return
            case .success(let next?): block = next
            case .failure(let error): throw .csv(error)
            }
            reader.request(recycling: spare.take())
            let base = ordinal
            ordinal += block.chunks.count
            let results = Parallel.map(block.chunks.count, jobs: jobs) { i, worker throws(CSVError) in
                try work(block, i, base + i, worker)
            }
            for result in results {
                switch result {
                case .success(let r): rows += try merge(r)
                case .failure(let e): throw .csv(e)
                }
            }
            progress(pass, reader.bytesRead, rows)
            spare = block.bytes
        }
    }

    /// Pass 1: every readable measure, how many each chunk held, and, when the pack has an id,
    /// each of those accounts' measure and id key spilled to `spill` in file order for the
    /// later passes.
    private func collectMeasures(
        _ source: Source, _ measure: ColumnMapping.Binding, _ id: ColumnMapping.Binding?, _ spill: KeySpill?, _ ids: RepeatedIds?,
        _ progress: (Int, Int, Int) -> Void
    ) throws(BatchFailure) -> (measures: [Double], chunkCounts: [Int]) {
        var all: [Double] = []
        var chunkCounts: [Int] = []
        try forEachChunk(source, pass: 1, progress, measuresOfChunk(source, measure, id, keys: spill != nil, hashes: ids != nil), { (part: MeasuresOfChunk) throws(BatchFailure) -> Int in
            try ids?.add(part.hashes)
            if all.isEmpty && !part.measures.isEmpty {
                // Reserve for the whole file from the first piece's density, so the array is
                // not copied as it grows (at ten million rows that copy is 80 MB).
                let size = (try? FileManager.default.attributesOfItem(atPath: source.path)[.size] as? Int) ?? 0
                all.reserveCapacity(Int(Double(size) / Double(options.chunkSize) * Double(part.measures.count) * 1.05))
            }
            all.append(contentsOf: part.measures)
            chunkCounts.append(part.measures.count)
            if let spill {
                try spill.append(part.pairs)
                if part.long { spill.longIds = true }
            }
            return part.measures.count
        })
        return (all, chunkCounts)
    }

    /// The readable measures of one chunk's rows, in order, and with `keys` their ids' keys.
    private struct MeasuresOfChunk {
        var measures: [Double] = []
        var keys: [UInt64] = []
        /// Whether an id is longer than its eight-byte key.
        var long = false
        /// The hash of every row's id, to find ids that repeat.
        var hashes: [UInt64] = []

        /// (measure bits, key) words, account by account, as the spill holds them.
        var pairs: [UInt64] {
            var words: [UInt64] = []
            words.reserveCapacity(2 * measures.count)
            for (m, k) in zip(measures, keys) {
                words.append(m.bitPattern)
                words.append(k)
            }
            return words
        }
    }

    /// Reads a chunk's measures (and id keys): the two columns only, with the column scanner,
    /// or with the reader where the scanner cannot be sure of the reader's answer.
    private func measuresOfChunk(
        _ source: Source, _ measure: ColumnMapping.Binding, _ id: ColumnMapping.Binding?, keys keep: Bool, hashes hashing: Bool = false
    ) -> @Sendable (CSVBlock, Int, Int, Int) throws(CSVError) -> MeasuresOfChunk {
        let dialect = source.dialect
        let column = measure.column
        let idColumn = id?.column ?? column
        let membership = PortfolioMembership(measure: measure, id: id, dialect: dialect)
        let hasId = id != nil
        return { block, i, _, _ throws(CSVError) -> MeasuresOfChunk in
            var part = MeasuresOfChunk()
            func take(_ field: UnsafeBufferPointer<UInt8>?, _ idField: UnsafeBufferPointer<UInt8>?) {
                if hasId {
                    guard let idField, AccountId.isAccount(idField) else { return }
                    if hashing { part.hashes.append(RepeatedIds.hash(idField)) }
                }
                guard let x = membership.value(field) else { return }
                part.measures.append(x)
                if keep {
                    part.keys.append(idField.map { PortfolioFigures.key($0) } ?? 0)
                    if (idField?.count ?? 0) > 8 { part.long = true }
                }
            }
            let scanned = block.bytes.withUnsafeBufferPointer { bytes in
                CSVColumnScanner.scan(bytes, chunk: block.chunks[i], dialect: dialect, columns: (column, idColumn), take)
            }
            if scanned { return part }
            part = MeasuresOfChunk()
            // Text is checked for valid UTF-8 in the scoring pass; here only numbers are read.
            var reader = CSVReader(bytes: block.bytes, chunk: block.chunks[i], dialect: dialect, options: .init(validateUTF8: false))
            var record = CSVRecord()
            while try reader.next(into: &record) {
                guard column < record.count else {
                    take(nil, nil)
                    continue
                }
                record.withUnsafeField(column) { m in
                    if idColumn < record.count {
                        record.withUnsafeField(idColumn) { take(m, $0) }
                    } else {
                        take(m, nil)
                    }
                }
            }
            return part
        }
    }

    /// The tie pass: each tied account's id key put in its place in its group, from the
    /// spill (16 bytes per account) or, without one (no usable temporary folder), from the
    /// file again. Returns the tied groups whose keys collide and whose ids are longer than
    /// their keys: only whole ids order those.
    private func collectTies(
        _ source: Source, _ spill: KeySpill?, _ measure: ColumnMapping.Binding, _ id: ColumnMapping.Binding,
        _ figures: inout PortfolioFigures
    ) throws(BatchFailure) -> [Int] {
        var builder = figures.tieBuilder()
        let lookup = figures, jobs = self.jobs
        var groups: [Int32] = []  // of one batch's accounts, -1 for one alone
        // Finding each account's group, and placing its key, are cache misses at ten million
        // accounts, so both run on every core, batch by batch.
        func add(_ pairs: UnsafeBufferPointer<UInt64>, to builder: inout PortfolioFigures.TieBuilder) {
            let count = pairs.count / 2
            groups.removeAll(keepingCapacity: true)
            groups.append(contentsOf: repeatElement(-1, count: count))
            groups.withUnsafeMutableBufferPointer { buffer in
                let box = SliceBox(pairs), out = GroupsBox(buffer)
                _ = Parallel.map(jobs, jobs: jobs) { (part: Int, _: Int) -> Void in
                    let range = (count * part / jobs)..<(count * (part + 1) / jobs)
                    lookup.tiedGroups(pairs: UnsafeBufferPointer(rebasing: box.slice[2 * range.lowerBound..<2 * range.upperBound])) { p, g in
                        if let g { out.groups[range.lowerBound + p] = Int32(g) }
                    }
                }
            }
            builder.add(groups: groups, pairs: pairs, jobs: jobs)
        }
        var long = false
        if let spill {
            try spill.forEachSlice { add($0, to: &builder) }
            long = spill.longIds
        } else {
            try forEachChunk(source, pass: 2, { _, _, _ in }, measuresOfChunk(source, measure, id, keys: true), { (part: MeasuresOfChunk) throws(BatchFailure) -> Int in
                part.pairs.withUnsafeBufferPointer { add($0, to: &builder) }
                if part.long { long = true }
                return 0
            })
        }
        let colliding = figures.setTies(&builder)
        return long ? colliding : []  // ids of eight bytes or less: equal keys are equal ids
    }

    /// The whole ids of the accounts in `groups` (tied groups whose ids share their keys), read
    /// from the file.
    private func collectWholeIds(
        _ source: Source, _ measure: ColumnMapping.Binding, _ id: ColumnMapping.Binding, _ figures: PortfolioFigures,
        groups: Set<Int>
    ) throws(BatchFailure) -> [Int: [[UInt8]]] {
        var ids: [Int: [[UInt8]]] = [:]
        let dialect = source.dialect
        let k = id.column
        let membership = PortfolioMembership(measure: measure, id: id, dialect: dialect)
        try forEachChunk(source, pass: 2, { _, _, _ in }, { block, i, _, _ throws(CSVError) -> [(Int, [UInt8])] in
            var out: [(Int, [UInt8])] = []
            var reader = CSVReader(bytes: block.bytes, chunk: block.chunks[i], dialect: dialect, options: .init(validateUTF8: false))
            var record = CSVRecord()
            while try reader.next(into: &record) {
                guard let x = membership.measure(of: record), let g = figures.tiedGroup(x), groups.contains(g) else { continue }
                out.append((g, k < record.count ? Array(record[k]) : []))
            }
            return out
        }, { (part: [(Int, [UInt8])]) throws(BatchFailure) -> Int in
            for (g, id) in part { ids[g, default: []].append(id) }
            return 0
        })
        return ids
    }

    /// What one chunk of the scoring pass produced.
    private struct ChunkResult: Sendable {
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
    }

    private func score(
        _ source: Source, _ portfolio: PortfolioFigures?, _ placements: Placements?, _ ids: RepeatedIds?, _ summary: inout BatchSummary,
        _ output: (UnsafeBufferPointer<UInt8>) throws(BatchFailure) -> Void, _ rejected: (RowError) -> Void,
        _ skipped: (SkippedRow) -> Void, _ progress: (Int, Int, Int) -> Void
    ) throws(BatchFailure) {
        summary.dialect = source.dialect
        summary.encoding = source.encoding
        let dialect = source.dialect
        let filler = RowFiller(mapping: mapping, pack: pack, dialect: dialect)
        let pack = self.pack, renderer = self.renderer, top = options.top
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
                var lineCount = 1
                if let n = groupedColumns, record.count == n + 3 {
                    record.line = Self.integer(record, n) ?? record.line
                    lineCount = Self.integer(record, n + 1) ?? 1
                    if !record.range(at: n + 2).isEmpty {
                        let id = idColumn.map { record.string(at: $0) } ?? ""
                        group = GroupProblems.decode(record.string(at: n + 2), id: id)
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
    private static func measureRead(
        _ record: CSVRecord, _ measure: MeasureColumn, _ membership: PortfolioMembership, filled: Bool, _ a: Activation
    ) -> Double? {
        guard filled else { return membership.measure(of: record) }
        guard case .number(let x)? = a.value(measure.slot, as: .number), x >= measure.low && x <= measure.high else { return nil }
        return x
    }

    /// The whole number in field `i` (a hidden column of a grouped list).
    private static func integer(_ record: CSVRecord, _ i: Int) -> Int? {
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
    private static func everyLine(_ problem: RowError, _ group: (lines: [Int], problems: [RowError])?, _ count: Int, _ record: CSVRecord) -> [RowError] {
        guard let group, count > 1 || group.lines.count > 1 else { return [problem] }
        if group.problems.count == group.lines.count, problem == group.problems[0] { return group.problems }
        return group.lines.map { line in
            line == record.line ? problem
                : RowError(line: line, column: nil, message: "rejected with the rest of its account (line \(record.line)): \(problem.message)")
        }
    }

    /// How many cells of the record hold something: 0, 1, or 2 for two or more.
    @inline(__always)
    private static func nonEmptyCells(_ record: CSVRecord) -> Int {
        var found = 0, start = 0
        for end in record.ends {
            if end > start {
                found += 1
                if found == 2 { return 2 }
            }
            start = end
        }
        return found
    }

    /// The totals label of a row without an id, in its first non-empty cell or its name.
    private static func totalsLabel(_ record: CSVRecord, name: Int?) -> String? {
        var cells: [Int] = []
        if let first = (0..<record.count).first(where: { !record.range(at: $0).isEmpty }) { cells.append(first) }
        if let name, name < record.count { cells.append(name) }
        for c in cells where record.withUnsafeField(c, { TotalsLabel.matches($0) }) { return record.string(at: c) }
        return nil
    }

    /// The one non-empty cell of a lonely row.
    private static func firstCell(_ record: CSVRecord) -> String {
        (0..<record.count).lazy.map { record.string(at: $0) }.first { !$0.isEmpty } ?? ""
    }

    /// Where the measure is and the range pass 1 accepts, without references to count.
    private struct MeasureColumn {
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

    private static func addTotals(_ slots: [Int], _ a: Activation, _ result: inout ChunkResult) {
        var values: [Double] = []
        for slot in slots {
            guard case .number(let x)? = a.value(slot, as: .number) else { return }
            values.append(x)
        }
        if result.totals.isEmpty { result.totals = values } else { for k in values.indices { result.totals[k] += values[k] } }
        result.totalsRows += 1
    }

    /// Keeps the `n` best rows: highest score first, earlier rows first among equals.
    private static func keepBest(_ rows: inout [(Double, Int, [UInt8])], _ n: Int) {
        rows.sort { $0.0 != $1.0 ? $0.0 > $1.0 : $0.1 < $1.1 }
        if rows.count > n { rows.removeLast(rows.count - n) }
    }
}


/// A slice read by several threads at once, each looking at its own part.
private struct SliceBox: @unchecked Sendable {
    let slice: UnsafeBufferPointer<UInt64>
    init(_ slice: UnsafeBufferPointer<UInt64>) { self.slice = slice }
}

/// The groups of a slice's accounts, each thread writing its own range.
private struct GroupsBox: @unchecked Sendable {
    let groups: UnsafeMutableBufferPointer<Int32>
    init(_ groups: UnsafeMutableBufferPointer<Int32>) { self.groups = groups }
}

/// One evaluator per worker thread, each over its own compilation of the pack. Sharing one
/// compiled pack made every closure call bump reference counts that both cores write: the
/// cache line bounced between them and a third of the scoring time went to it.
private final class WorkerEvaluators: @unchecked Sendable {
    let evaluators: [Evaluator]

    init(_ pack: RulePack, count: Int) {
        evaluators = (0..<count).map { index in
            guard index > 0, let copy = PackLoader.load(pack.file, profiles: PackProfiles.all).0 else { return Evaluator(pack) }
            return Evaluator(copy)
        }
    }
}

/// Reads the next block on a background thread while the current one is processed, so the
/// serial step of a pass (reading and cutting at record ends) overlaps the parallel one.
private final class Prefetcher: @unchecked Sendable {
    private var reader: CSVBlockReader
    private var pending: Result<CSVBlock?, CSVError>?
    private let ready = DispatchSemaphore(value: 0)
    private var inFlight = false
    private var ended = false
    /// Bytes read up to the block last taken.
    private(set) var bytesRead = 0
    private var bytesAhead = 0

    init(_ reader: CSVBlockReader) {
        self.reader = reader
    }

    /// Starts reading the next block, unless the input has ended, into the bytes of a block
    /// done with, if given.
    func request(recycling spare: consuming [UInt8]? = nil) {
        guard !ended, !inFlight else { return }
        inFlight = true
        if let spare { reader.spare = spare }
        Thread.detachNewThread { [self] in
            do throws(CSVError) {
                pending = .success(try reader.next())
            } catch {
                pending = .failure(error)
            }
            bytesAhead = reader.bytesRead
            ready.signal()
        }
    }

    /// The block asked for with `request`, waiting for it if need be.
    func take() -> Result<CSVBlock?, CSVError> {
        guard inFlight else { return .success(nil) }
        ready.wait()
        inFlight = false
        let result = pending!
        pending = nil
        bytesRead = bytesAhead
        switch result {
        case .success(nil), .failure: ended = true
        default: break
        }
        return result
    }

    func close() {
        if inFlight {
            ready.wait()
            inFlight = false
        }
        reader.close()
    }
}

/// Work spread over threads: `count` items, `jobs` at a time, results in item order.
enum Parallel {
    /// `body` gets the item and the worker (0..<jobs) running it; a worker runs its items one
    /// after another, so per-worker state needs no lock.
    static func map<R, E: Error>(_ count: Int, jobs: Int, _ body: @escaping @Sendable (Int, Int) throws(E) -> R) -> [Result<R, E>] {
        let slots = UnsafeMutableBufferPointer<Result<R, E>?>.allocate(capacity: count)
        slots.initialize(repeating: nil)
        defer {
            // The results were copied out; release the slots' own references before freeing.
            _ = slots.deinitialize()
            slots.deallocate()
        }
        let next = Atomic<Int>(0)
        let threads = min(jobs, count)
        let box = SlotBox(slots)
        DispatchQueue.concurrentPerform(iterations: threads) { worker in
            while true {
                let i = next.wrappingAdd(1, ordering: .relaxed).oldValue
                guard i < count else { break }
                do throws(E) {
                    box.slots[i] = .success(try body(i, worker))
                } catch {
                    box.slots[i] = .failure(error)
                }
            }
        }
        return (0..<count).map { slots[$0]! }
    }

    /// Each slot is written by exactly one thread and read after all have finished.
    private final class SlotBox<T>: @unchecked Sendable {
        let slots: UnsafeMutableBufferPointer<T?>
        init(_ slots: UnsafeMutableBufferPointer<T?>) { self.slots = slots }
    }
}

enum System {
    static var cores: Int { ProcessInfo.processInfo.activeProcessorCount }

    /// VmHWM from /proc/self/status: the peak resident set so far.
    static var peakMegabytes: Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") })
        else { return 0 }
        return (Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) / 1024
    }
}
