#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import KamCSV
import KamRules
import KamSource

/// One side of a diff: a list `kam score` wrote in its default form (every input column,
/// then the results), scored again under the pack so that each account's factor points are
/// known, and its snapshots spilled into partitions by id, so that comparing two runs holds
/// one partition at a time rather than either file.
final class ScoredRun {
    /// The file as the user named it (a JSON Lines list is read through a CSV copy).
    private(set) var path: String
    let summary: BatchSummary
    /// Snapshots by id hash; partition `k` of both runs holds the same ids.
    let partitions: [ScratchFile]
    private(set) var rowErrors: [RowError]
    /// The pack's inputs the list has a column for.
    let inputs: Set<String>

    /// Enough partitions that one holds about 8 MB of the larger list (32 to 256, a power of
    /// two), so that comparing ten million accounts holds as little as comparing one million.
    static func partitionCount(_ paths: [String]) -> Int {
        let size = paths.map { path -> Int in
            var info = stat()
            return stat(path, &info) == 0 ? Int(info.st_size) : 0
        }.max() ?? 0
        return max(32, LineGrouping.partitionCount(fileSize: size, perPartition: 8 << 20))
    }

    /// Why a file cannot be compared.
    struct Refusal: Error {
        let message: String
    }

    /// The columns `kam score` appends after the input columns, for `pack`.
    static func resultColumns(_ pack: RulePack) -> [String] {
        ["score", "confidence", pack.outcome.name] + pack.classifications.map(\.name) + ["reasons"]
    }

    /// A list `kam score` wrote: its header names the inputs, then the results.
    /// The number cells as `kam score` kept them: a list read with a decimal comma (a 1C
    /// export) keeps `809 378,27` in a comma-separated output. When most rows fail as "not a
    /// number" under the decimal point, the list is read again with the decimal comma, and
    /// `decimalComma` says so.
    private(set) var decimalComma = false

    /// `writtenBy` is the pack that scored the list (its result columns close each row), and
    /// `pack` the one to read it with; they differ when a diff reads the old run with both.
    static func scored(_ path: String, pack: RulePack, writtenBy: RulePack, partitions: Int, options: BatchOptions,
                       overrides: [(header: String, input: String?, span: SourceSpan?)] = [], overrideFile: SourceFile? = nil)
        throws(DiffFailure) -> ScoredRun
    {
        // A list written as JSON Lines is read through its CSV form; its lines are one less.
        var copy: ScratchFile?
        if ScoredJSONLines.detect(path) { copy = try ScoredJSONLines.csv(path) }
        let run = try read(copy?.path ?? path, pack: pack, writtenBy: writtenBy, partitions: partitions, options: options, overrides: overrides, overrideFile: overrideFile)
        if copy != nil {
            run.path = path
            run.rowErrors = run.rowErrors.map { RowError(line: $0.line - 1, column: $0.column, message: $0.message) }
        }
        return run
    }

    private static func read(_ path: String, pack: RulePack, writtenBy: RulePack, partitions: Int, options: BatchOptions,
                             overrides: [(header: String, input: String?, span: SourceSpan?)], overrideFile: SourceFile?)
        throws(DiffFailure) -> ScoredRun
    {
        let run = try ScoredRun(scored: path, pack: pack, writtenBy: writtenBy, partitions: partitions, options: options, overrides: overrides, overrideFile: overrideFile)
        guard run.rowErrors.count * 2 > run.summary.rowsRead, run.rowErrors.contains(where: { $0.message.hasSuffix("not a number") }),
              let dialect = run.summary.dialect, dialect.decimalSeparator == UInt8(ascii: ".")
        else { return run }
        var options = options
        options.dialect = CSVDialect(delimiter: dialect.delimiter, decimalSeparator: UInt8(ascii: ","))
        let again = try ScoredRun(scored: path, pack: pack, writtenBy: writtenBy, partitions: partitions, options: options, overrides: overrides, overrideFile: overrideFile)
        guard again.rowErrors.count < run.rowErrors.count else { return run }
        again.decimalComma = true
        return again
    }

    /// `overrides` are the `--map` the list was scored with: its output keeps the file's own headers.
    private convenience init(scored path: String, pack: RulePack, writtenBy: RulePack, partitions: Int, options: BatchOptions,
                             overrides: [(header: String, input: String?, span: SourceSpan?)], overrideFile: SourceFile?) throws(DiffFailure) {
        var header = CSVRecord()
        var reader: CSVReader
        var found = false
        do throws(CSVError) {
            reader = try CSVReader(path: path, dialect: options.dialect, encoding: options.encoding)
            found = try reader.next(into: &header)
        } catch {
            throw .csv(error)
        }
        guard found else { throw .refused("\(path) is empty") }
        let names = header.strings
        let results = Self.resultColumns(writtenBy)
        guard names.count > results.count, Array(names.suffix(results.count)) == results else {
            throw .refused("\(path) is not a list in `kam score`'s default form: its last columns should be \(results.joined(separator: ", ")), "
                + "after every input column; a list written with --columns lacks the inputs a diff re-reads. Score the customer list again "
                + "without --columns or --top (`kam score LIST -o scored.csv`)")
        }
        // The result columns are renamed so that no input takes them: `relationship_stage`, say,
        // is both an input and a classification's result.
        let headers = Array(names.dropLast(results.count)) + results.map { "kam result: " + $0 }
        let (mapping, diagnostics) = ColumnMapping.make(headers: headers, pack: pack, overrides: overrides, overrideFile: overrideFile)
        guard let mapping else {
            throw .refused("\(path): " + diagnostics.filter { $0.severity == .error }.map(\.message).joined(separator: "; ")
                + (overrides.isEmpty ? " (if the list was scored with --map, give the same --map here)" : ""))
        }
        var options = options
        options.dialect = options.dialect ?? reader.dialect
        options.headerRecords = 1
        try self.init(path: path, pack: pack, mapping: mapping, partitions: partitions, options: options)
    }

    /// A list whose columns are mapped already (the customer list a report reads, with its
    /// title lines and `--map`).
    init(path: String, pack: RulePack, mapping: ColumnMapping, partitions partitionCount: Int, options: BatchOptions) throws(DiffFailure) {
        self.path = path
        let columns = pack.inputs.map { input in mapping.bindings.first { $0.input.name == input.name }?.column }
        inputs = Set(zip(pack.inputs, columns).compactMap { $1 == nil ? nil : $0.name })
        let scorer = BatchScorer(pack: pack, mapping: mapping, options: options)
        let files = (0..<partitionCount).compactMap { _ in ScratchFile("a diff's partitions") }
        guard files.count == partitionCount else { throw .refused("cannot make temporary files in $TMPDIR for the diff") }
        let idSlot = (pack.extras["portfolio"]?["id"]?.string).flatMap { name in pack.inputs.firstIndex { $0.name == name } }
        var carry: [UInt8] = []
        var errors: [RowError] = []
        do throws(BatchFailure) {
            var snapshots = OrderedRows(SnapshotRenderer(columns: columns)) { (bytes) throws(BatchFailure) in
                carry += bytes
                var at = 0
                var buckets = [[UInt8]](repeating: [], count: files.count)
                while at + 4 <= carry.count {
                    let length = Int(carry[at]) | Int(carry[at + 1]) << 8 | Int(carry[at + 2]) << 16 | Int(carry[at + 3]) << 24
                    guard at + 4 + length <= carry.count else { break }
                    let record = carry[at..<(at + 4 + length)]
                    buckets[Self.partition(of: AccountSnapshot.id(in: record, slot: idSlot), among: partitionCount)] += record
                    at += 4 + length
                }
                carry.removeFirst(at)
                for (k, bucket) in buckets.enumerated() where !bucket.isEmpty {
                    try bucket.withUnsafeBytes { raw in Result { () throws(BatchFailure) in try files[k].append(raw) } }.get()
                }
            }
            summary = try scorer.run(path: path, into: &snapshots, rejected: { errors.append($0) }, progress: { _, _, _ in })
        } catch {
            throw .batch(error)
        }
        partitions = files
        rowErrors = errors
    }

    /// The snapshots of partition `k`, in file order.
    func snapshots(_ k: Int) throws(DiffFailure) -> [AccountSnapshot] {
        AccountSnapshot.decode(try bytes(k))
    }

    /// Each snapshot of partition `k` in turn, without holding them all decoded.
    func forEachSnapshot(_ k: Int, _ body: (AccountSnapshot) throws(DiffFailure) -> Void) throws(DiffFailure) {
        try AccountSnapshot.forEach(in: try bytes(k), body)
    }

    private func bytes(_ k: Int) throws(DiffFailure) -> [UInt8] {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var offset = 0
        while true {
            let n: Int
            do throws(BatchFailure) {
                n = try buffer.withUnsafeMutableBytes { raw in Result { () throws(BatchFailure) in try partitions[k].readSome(raw, at: offset) } }.get()
            } catch {
                throw .batch(error)
            }
            if n == 0 { break }
            bytes += buffer[0..<n]
            offset += n
        }
        return bytes
    }

    /// FNV-1a of the id, so both runs put an account in the same partition.
    static func partition(of id: String, among count: Int) -> Int {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in id.utf8 {
            h ^= UInt64(byte)
            h &*= 0x0000_0100_0000_01b3
        }
        return Int(h % UInt64(count))
    }
}

/// Why a diff could not be made.
public enum DiffFailure: Error, Sendable, CustomStringConvertible {
    case csv(CSVError)
    case batch(BatchFailure)
    case refused(String)

    public var description: String {
        switch self {
        case .csv(let e): "\(e)"
        case .batch(let e): "\(e)"
        case .refused(let message): message
        }
    }
}
