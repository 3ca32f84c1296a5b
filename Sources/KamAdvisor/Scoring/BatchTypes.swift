import KamCSV
import KamRules

/// How a batch is run.
public struct BatchOptions: Sendable {
    public var jobs: Int
    /// Stop at the first row that cannot be scored.
    public var strict: Bool
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
    public var groupingPartitionBytes = 4 << 20
    /// The most accounts placed in the portfolio by one sort before scoring (48 bytes an
    /// account, at most 64 MB); beyond it, each chunk's accounts are looked up as the chunk
    /// is scored. Tests set 0 to take the look-ups on a small file.
    public var sortedPlacementLimit = (64 << 20) / 48

    public init(jobs: Int = 0, strict: Bool = false, dialect: CSVDialect? = nil, encoding: CSVEncoding? = nil,
                blockSize: Int = 8 << 20, chunkSize: Int = 1 << 19)
    {
        self.jobs = jobs
        self.strict = strict
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
    /// Rows a report asked to keep beyond `AlsoKept.limit`, not kept (`BestRows`).
    public var alsoKeptBeyond = 0
    public var portfolio: PortfolioFigures?
    public var dialect: CSVDialect?
    public var encoding: CSVEncoding?
    /// Wall-clock seconds of each step: reading the measures, the portfolio figures, ordering
    /// the tied accounts, scoring.
    public var passSeconds: [Double] = []
    /// CPU seconds (user and system, every thread) of the same steps.
    public var passCPUSeconds: [Double] = []
    /// The process's peak resident memory after each step, in MB (Linux only; else 0).
    public var peakMegabytes: [Int] = []

    public init() {}
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

extension BatchSummary {
    /// Two partitions' runs as one run over both: counts, sums and totals add up exactly (the
    /// score sum in whole millionths). What describes the whole list rather than the rows
    /// (the portfolio figures, the dialect, the timings) is the left one's: the caller checks
    /// that partitions were scored alike before adding them.
    public static func + (a: BatchSummary, b: BatchSummary) -> BatchSummary {
        var sum = a
        sum.rowsRead += b.rowsRead
        sum.scored += b.scored
        sum.rejected += b.rejected
        sum.skippedTotals += b.skippedTotals
        sum.footerLines += b.footerLines
        sum.accounts += b.accounts
        sum.groupedLines += b.groupedLines
        sum.conflictingValues += b.conflictingValues
        sum.conflicts += b.conflicts.prefix(max(0, 100 - a.conflicts.count))
        sum.outcomes.merge(b.outcomes, uniquingKeysWith: +)
        sum.classes.merge(b.classes) { $0.merging($1, uniquingKeysWith: +) }
        sum.scoreMillionths += b.scoreMillionths
        sum.scoreBeyondRange += b.scoreBeyondRange
        sum.totals.merge(b.totals, uniquingKeysWith: +)
        sum.totalsRows += b.totalsRows
        sum.alsoKeptBeyond += b.alsoKeptBeyond
        return sum
    }
}
