import Dispatch
import KamCSV
import KamRules

/// Scores a customer list with an account-scoring pack, on every core, in named passes over
/// the file (`Batch/`): group (when ids repeat), measure, rank, score. The portfolio figures
/// (shares, ranks, cumulative shares) need the whole list before any row can be scored, hence
/// the passes before scoring. Rows are read in blocks cut at record boundaries, each block in
/// chunks parsed in parallel; the sink gets them in input order. Memory is the blocks in
/// flight plus about 12 bytes per distinct measure.
///
/// The portfolio is every row whose measure could be read; a row rejected for another column
/// still counts in it, since its sales are real.
public final class BatchScorer: @unchecked Sendable {
    public let pack: RulePack
    public let mapping: ColumnMapping
    let options: BatchOptions
    let measure: ColumnMapping.Binding?
    let id: ColumnMapping.Binding?
    let contextSlots: PortfolioSlots

    public init(pack: RulePack, mapping: ColumnMapping, options: BatchOptions) {
        self.pack = pack
        self.mapping = mapping
        self.options = options
        let portfolio = pack.extras["portfolio"]
        let measureName = portfolio?["measure"]?.string
        let idName = portfolio?["id"]?.string
        measure = mapping.bindings.first { $0.input.name == measureName }
        id = mapping.bindings.first { $0.input.name == idName }
        contextSlots = PortfolioSlots(pack)
    }

    var jobs: Int { options.jobs > 0 ? options.jobs : max(1, System.cores) }

    /// Runs the batch on `path` (`-` only with `opened`: several passes need a file). `sink`
    /// receives the scored rows in order; `rejected` each row that could not be scored, in file
    /// order; `skipped` each totals line and footer note, which are no accounts; `progress` the
    /// bytes read so far after each block, pass by pass.
    ///
    /// `opened`: a reader already open on the input (standard input, whose header the caller
    /// has read with `leadingRecords` to map the columns, and then skipped); only for a single
    /// pass, with `BatchOptions.portfolio` given or a pack that ranks nothing.
    public func run<Sink: RowSink>(
        path: String, opened: CSVBlockReader? = nil, into sink: inout Sink, rejected: (RowError) -> Void,
        skipped: (SkippedRow) -> Void = { _ in }, progress: (_ pass: Int, _ bytes: Int, _ rows: Int) -> Void
    ) throws(BatchFailure) -> BatchSummary {
        precondition(opened == nil || options.portfolio != nil || measure == nil, "an opened reader allows one pass only")
        // Ids are looked at for repeats (lines of one customer) unless grouping is off or done:
        // in the measure pass where there is one; else, for a file, in a pass of their own,
        // since lines must be grouped before they are scored; standard input, read once, as
        // it is scored.
        let findRepeats = id != nil && options.group && options.groupedColumns == nil
        let noMeasurePass = options.portfolio != nil || measure == nil
        let onePass = noMeasurePass && !(findRepeats && opened == nil)
        let clock = StepClock()  // the first step includes opening the file and reading its dialect
        let engine = PassEngine(source: try BatchSource(path: path, opened: opened, onePass: onePass, options: options), jobs: jobs)
        var ranking = options.portfolio.map { Ranking(figures: $0) }
        if let measure, !noMeasurePass {
            let spill = id == nil ? nil : KeySpill()
            let repeats = findRepeats ? RepeatedIds() : nil
            var measures = try MeasurePass(measure: measure, id: id, dialect: engine.source.dialect)
                .run(engine, spill: spill, repeats: repeats, progress)
            clock.lap()
            if let repeats, try repeats.found(jobs: jobs) {
                measures = .init()  // the lines' measures: the accounts' come after grouping
                repeats.release()
                return try scoreGrouped(engine, clock, &sink, rejected, skipped, progress)
            }
            repeats?.release()
            ranking = try RankPass(measure: measure, id: id, jobs: jobs, sortedLimit: options.sortedPlacementLimit).run(&measures, spill: spill, engine, lap: clock.lap)
        } else if findRepeats, opened == nil, let id, try repeatsIn(engine, id, progress) {
            return try scoreGrouped(engine, clock, &sink, rejected, skipped, progress)
        }
        var summary = BatchSummary()
        summary.portfolio = ranking?.figures
        // Standard input scored in one pass cannot be grouped: its ids are checked as it goes.
        let repeats = findRepeats && opened != nil ? RepeatedIds() : nil
        try score(engine, ranking, repeats, &summary, &sink, rejected, skipped, progress)
        if let repeats, try repeats.found(jobs: jobs) { throw .repeatedIds }
        clock.lap()
        clock.record(in: &summary)
        return summary
    }
}

/// The wall time, CPU time and peak memory after each step of a run, for `KAM_TIMING` and
/// kam-bench: a step whose CPU time is well under twice its wall time on two cores left one
/// idle.
final class StepClock {
    private(set) var seconds: [Double] = []
    private(set) var cpuSeconds: [Double] = []
    private(set) var peakMegabytes: [Int] = []
    private var last = DispatchTime.now().uptimeNanoseconds
    private var lastCPU = System.cpuSeconds

    func lap() {
        let now = DispatchTime.now().uptimeNanoseconds, cpu = System.cpuSeconds
        seconds.append(Double(now - last) / 1e9)
        cpuSeconds.append(cpu - lastCPU)
        peakMegabytes.append(System.peakMegabytes)
        (last, lastCPU) = (now, cpu)
    }

    /// Puts the steps lapped here before those `summary` already holds (an inner run's).
    func record(in summary: inout BatchSummary) {
        summary.passSeconds = seconds + summary.passSeconds
        summary.passCPUSeconds = cpuSeconds + summary.passCPUSeconds
        summary.peakMegabytes = peakMegabytes + summary.peakMegabytes
    }
}
