import Dispatch
import Foundation
import KamCSV
import KamRules

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
    let contextSlots: PortfolioSlots

    let outcomeNames: [String]

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

    var jobs: Int { options.jobs > 0 ? options.jobs : max(1, System.cores) }

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
        // Ids are looked at for repeats (lines of one customer) unless grouping is off or done:
        // in pass 1 where there is one; else, for a file, in a pass of their own, since lines
        // must be grouped before they are scored; standard input, read once, as it is scored.
        let findRepeats = id != nil && options.group && options.groupedColumns == nil
        let noPassOne = options.portfolio != nil || measure == nil
        let onePass = noPassOne && !(findRepeats && opened == nil)
        let source = try openSource(path, opened, onePass: onePass)
        if noPassOne {
            if findRepeats, opened == nil, let id, try repeatsIn(source, id, progress) {
                return try scoreGrouped(source, &summary, output, rejected, skipped, progress)
            }
            portfolio = options.portfolio
        } else if let measure {
            let spill = id == nil ? nil : KeySpill()
            let ids = findRepeats ? RepeatedIds() : nil
            var (measures, chunkCounts) = try collectMeasures(source, measure, id, spill, ids, progress)
            lap()
            if let ids, try ids.found(jobs: jobs) {
                (measures, chunkCounts) = ([], [])  // the lines' measures: the accounts' come after grouping
                ids.release()
                return try scoreGrouped(source, &summary, output, rejected, skipped, progress)
            }
            ids?.release()
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
        let ids = findRepeats && opened != nil ? RepeatedIds() : nil
        try score(source, portfolio, placements, ids, &summary, output, rejected, skipped, progress)
        if let ids, try ids.found(jobs: jobs) { throw .repeatedIds }
        lap()
        return summary
    }

    // MARK: Passes

    /// The file and how it is read, decided once for every pass.
    struct Source {
        let path: String
        let dialect: CSVDialect
        let encoding: CSVEncoding
        /// The reader of a single-pass run, already past the detection of the dialect.
        let opened: CSVBlockReader?
    }

    /// The source of every pass. For several passes, the reader that detected the dialect is
    /// closed and dropped here, so that its first block (24 MB with its reserve) is not held
    /// for the rest of the run.
    func openSource(_ path: String, _ opened: CSVBlockReader?, onePass: Bool) throws(BatchFailure) -> Source {
        let first: CSVBlockReader
        if let opened { first = opened } else { first = try blocks(path, options.dialect, options.encoding, skipping: onePass) }
        if !onePass { first.close() }
        return Source(path: path, dialect: first.dialect, encoding: first.encoding, opened: onePass ? first : nil)
    }

    /// Blocks of `path`, past the header and the title lines above it (unless `skipping` is
    /// false: a reader opened only to detect the dialect); a nil dialect or encoding is
    /// detected from the file.
    func blocks(_ path: String, _ dialect: CSVDialect?, _ encoding: CSVEncoding?, skipping: Bool = true) throws(BatchFailure) -> CSVBlockReader {
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
    func forEachChunk<R>(
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
}
