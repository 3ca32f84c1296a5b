import Foundation
import KamCSV
import KamRules

/// The grouping pass: a list with several lines per customer (one per invoice or order) made
/// into one row per account, so that every later pass reads accounts. It writes a new list,
/// in the original's dialect and in UTF-8, with the original's columns and three more at the
/// end: the account's first line, how many lines it has, and why it cannot be scored (the
/// problems of its lines), which the scoring pass reads and then drops.
///
/// Each account's row comes in the order of its first line. A line whose id is no id (a
/// totals line, a note, a blank line) is a group of its own, kept where it was. An account of
/// one line is written as it was read; one of several gets each mapped column combined as
/// its input's `aggregate` says, and every other column from its first line. A line that
/// cannot be read rejects its whole account, so no sum is ever silently short: its problem
/// and the other lines go with the account to the scoring pass.
///
/// Lists larger than memory are grouped by hash: lines are spread over partition files by
/// their id (about 4 MB of lines each, at most 256), each partition grouped in memory, two
/// at a time on two cores, and the partitions' rows merged back in the order of their first
/// lines. Memory is the two partitions being grouped and their accounts.
struct LineGrouping {
    /// The new columns, after the file's own.
    static let hiddenHeaders = ["__kam_line", "__kam_lines", "__kam_problems"]

    struct Outcome {
        /// Keeps the grouped list alive; it goes with the process.
        let file: ScratchFile
        let path: String
        let lines: Int
        let accounts: Int
        /// Lines in accounts of two or more.
        let groupedLines: Int
        /// (account, input) pairs whose lines disagree on a `first` input, and the first few.
        let conflictCount: Int
        let conflicts: [GroupConflict]
    }


    let mapping: ColumnMapping
    let filler: RowFiller
    let dialect: CSVDialect
    let idColumn: Int
    let measureColumn: Int?
    /// The measure's binding, among the filler's.
    let measureIndex: Int?
    /// For each binding, its combiner's aggregate; nil for an input nothing reads.
    let aggregates: [Aggregate?]
    /// For each binding, the binding index of its weight (`weighted_mean:` input).
    let weightIndex: [Int?]
    /// For each binding, the values of a choice, as bytes.
    let choices: [[[UInt8]]]

    init(mapping: ColumnMapping, pack: RulePack, dialect: CSVDialect, id: ColumnMapping.Binding, measure: ColumnMapping.Binding?) {
        self.mapping = mapping
        filler = RowFiller(mapping: mapping, pack: pack, dialect: dialect)
        self.dialect = dialect
        idColumn = id.column
        measureColumn = measure?.column
        measureIndex = measure.flatMap { m in mapping.bindings.firstIndex { $0.column == m.column } }
        aggregates = mapping.bindings.map(\.input.aggregate)
        choices = mapping.bindings.map { b in
            if case .choice(let values) = b.input.kind { return values.map { Array($0.utf8) } }
            return []
        }
        weightIndex = mapping.bindings.map { b in
            guard case .weightedMean(let by)? = b.input.aggregate else { return nil }
            return mapping.bindings.firstIndex { $0.input.name == by }
        }
    }

    /// The inputs the pack reads that do not say how they combine: grouping them would be a guess.
    static func uncombinable(_ mapping: ColumnMapping, _ pack: RulePack) -> [String] {
        let read = pack.namesRead
        return mapping.bindings.filter { $0.input.aggregate == nil && read.contains($0.input.name) }.map(\.input.name)
    }

    // MARK: The pass

    func run(_ engine: PassEngine, partitions: Int, progress: (Int, Int, Int) -> Void) throws(BatchFailure) -> Outcome {
        var spread = try Partitions(count: partitions)
        var lines = 0
        let jobs = engine.jobs
        // Each block's pieces are read on every core, each into its lines encoded and ordered
        // by partition; here only whole runs are copied to the partitions, in file order.
        try engine.run(.group, progress, { context throws(CSVError) -> Spread in
            try self.spread(context, partitions: partitions)
        }) { (piece: Spread) throws(BatchFailure) -> Int in
            try spread.add(piece.bytes, ends: piece.ends)
            lines += piece.lines
            return piece.lines
        }
        try spread.flush()
        // Each partition grouped on its own, its rows in the order of their first lines; two
        // at a time, one on each core.
        let spreadDone = spread
        let done = Parallel.map(partitions, jobs: jobs) { (p: Int, _: Int) throws(BatchFailure) -> (Run, (accounts: Int, grouped: Int, conflicts: Int), [GroupConflict]) in
            let (bytes, entries) = try spreadDone.entries(of: p)
            var run = try Run()
            var stats = (accounts: 0, grouped: 0, conflicts: 0)
            var conflicts: [GroupConflict] = []
            try self.group(bytes, entries, into: &run, &stats, &conflicts)
            try run.finish()
            return (run, stats, conflicts)
        }
        var runs: [Run] = []
        var accounts = 0, grouped = 0, conflictCount = 0
        var conflicts: [GroupConflict] = []
        for result in done {
            let (run, stats, found) = try result.get()
            accounts += stats.accounts
            grouped += stats.grouped
            conflictCount += stats.conflicts
            conflicts += found.prefix(100 - min(100, conflicts.count))
            runs.append(run)
        }
        guard let out = ScratchFile("the grouped list") else { throw .output("cannot keep the grouped list in a temporary file (is $TMPDIR writable?)") }
        var writer = BufferedWriter(out)
        var header: [UInt8] = []
        for (i, name) in (mapping.columns.map(\.header) + Self.hiddenHeaders).enumerated() {
            if i > 0 { header.append(dialect.delimiter) }
            Array(name.utf8).withUnsafeBufferPointer { CSVWriter.appendField($0, to: &header, dialect: dialect, neutralizeFormulas: false) }
        }
        header.append(10)
        try writer.write(header)
        try Run.merge(runs) { (row) throws(BatchFailure) in try writer.write(row) }
        try writer.flush()
        return Outcome(file: out, path: out.path, lines: lines, accounts: accounts, groupedLines: grouped,
                       conflictCount: conflictCount, conflicts: conflicts)
    }

    /// One piece's lines, encoded for the partitions: ordered by partition, with the end of
    /// each partition's run.
    struct Spread: Sendable {
        var bytes: [UInt8] = []
        var ends: [Int] = []
        var lines = 0
    }

    private func spread(_ context: ChunkContext, partitions: Int) throws(CSVError) -> Spread {
        var encoded = [[UInt8]](repeating: [], count: partitions)
        var piece = Spread()
        var reader = context.reader()
        var record = CSVRecord()
        while try reader.next(into: &record) {
            let blank = record.ends.allSatisfy { $0 == 0 }
            if !blank { piece.lines += 1 }
            let key: [UInt8]? = blank ? nil : record.withCell(idColumn) { field in
                guard let field, AccountId.isAccount(field) else { return nil }
                return Self.trimmed(field)
            }
            let target = key.map { k in Int(k.withUnsafeBufferPointer { RepeatedIds.hash($0) } & UInt64(partitions - 1)) }
                ?? (record.line & (partitions - 1))
            Entry.encode(line: record.line, kind: blank ? .blank : key == nil ? .alone : .account, key: key ?? [], record: record,
                         into: &encoded[target])
        }
        for part in encoded {
            piece.bytes += part
            piece.ends.append(piece.bytes.count)
        }
        return piece
    }


    /// Partitions of about `perPartition` bytes of the file, a power of two, at most 256.
    static func partitionCount(fileSize: Int, perPartition: Int) -> Int {
        var p = 1
        while p < 256 && fileSize / p > perPartition { p *= 2 }
        return p
    }

    static func trimmed(_ field: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var start = 0, end = field.count
        while start < end, field[start] == 0x20 || field[start] == 0x09 { start += 1 }
        while end > start, field[end - 1] == 0x20 || field[end - 1] == 0x09 { end -= 1 }
        return Array(field[start..<end])
    }

    // MARK: Grouping one partition

    private struct Group {
        var first: Entry
        var lines: [Int] = []
        var combiners: [LineCombiner]
        var problems: [RowError] = []
        var measureUnreadable = false
    }

    /// The partition's entries, read as slices of its `bytes`, grouped into accounts, and the
    /// accounts' rows added to `run` in the order of their first lines.
    private func group(
        _ bytes: [UInt8], _ entries: [Entry], into run: inout Run, _ stats: inout (accounts: Int, grouped: Int, conflicts: Int),
        _ conflicts: inout [GroupConflict]
    ) throws(BatchFailure) {
        var index: [ArraySlice<UInt8>: Int] = [:]
        var groups: [Group] = []
        var order: [(line: Int, group: Int?, entry: Int)] = []  // first lines, in file order within the partition
        var cells = [GroupCell](repeating: .blank, count: filler.bindings.count)
        bytes.withUnsafeBufferPointer { all in
            for (e, entry) in entries.enumerated() {
                guard entry.kind == .account else {
                    order.append((entry.line, nil, e))
                    continue
                }
                let key = bytes[entry.key]
                let g: Int
                if let known = index[key] {
                    g = known
                } else {
                    g = groups.count
                    index[key] = g
                    groups.append(Group(first: entry, combiners: aggregates.map { LineCombiner($0, decimalMark: dialect.decimalSeparator) }))
                    order.append((entry.line, g, e))
                }
                add(entry, all, &cells, to: &groups[g])
            }
        }
        for (line, g, e) in order {
            guard let g else {
                try run.add(line: line, bytes.withUnsafeBufferPointer { row(alone: entries[e], $0) })
                continue
            }
            let group = groups[g]
            stats.accounts += 1
            if group.lines.count > 1 {
                stats.grouped += group.lines.count
                for (b, combiner) in group.combiners.enumerated() where combiner.conflict {
                    stats.conflicts += 1
                    if conflicts.count < 100 {
                        conflicts.append(GroupConflict(id: String(decoding: bytes[group.first.key], as: UTF8.self),
                                                       input: mapping.bindings[b].input.name, lines: group.lines))
                    }
                }
            }
            try run.add(line: line, bytes.withUnsafeBufferPointer { row(group, $0) })
        }
    }

    /// Reads one line of an account into its combiners, noting its problems. `cells` is
    /// scratch space, one a binding, kept from line to line.
    private func add(_ entry: Entry, _ bytes: UnsafeBufferPointer<UInt8>, _ cells: inout [GroupCell], to group: inout Group) {
        group.lines.append(entry.line)
        if let problem = filler.fieldCountProblem(entry.fields.count, extraEmpty: entry.extraEmpty(mapping.columns.count), line: entry.line) {
            group.problems.append(problem)
            if measureColumn.map({ $0 >= entry.fields.count }) ?? false { group.measureUnreadable = true }
        }
        for (k, b) in filler.bindings.enumerated() {
            let range = b.column < entry.fields.count ? entry.fields[b.column] : 0..<0
            switch cell(UnsafeBufferPointer(rebasing: bytes[range]), k, line: entry.line) {
            case .success(let c): cells[k] = c
            case .failure(let problem):
                cells[k] = .blank
                group.problems.append(problem)
                if b.column == measureColumn { group.measureUnreadable = true }
            }
        }
        // Every line must bring its sales for the account to count: a blank would make the
        // sum short without saying so.
        if let m = measureIndex, cells[m] == .blank, !group.measureUnreadable {
            let b = filler.bindings[m]
            group.problems.append(RowError(line: entry.line, column: mapping.columns[b.column].header,
                                           message: "`\(mapping.columns[b.column].header)` is empty; every line of an account needs `\(mapping.bindings[m].input.name)`"))
            group.measureUnreadable = true
        }
        for k in group.combiners.indices {
            var weight: Double?
            if let w = weightIndex[k], case .number(let x) = cells[w] { weight = x }
            let range = filler.bindings[k].column < entry.fields.count ? entry.fields[filler.bindings[k].column] : 0..<0
            group.combiners[k].add(cells[k], range, of: bytes, weight: weight)
        }
    }

    /// One cell read as the scoring pass reads it, without making a string of it: its number
    /// or yes/no where one is combined, that text is there otherwise. A cell the scoring pass
    /// would reject is the same problem here, in the same words (`RowFiller.read`).
    private func cell(_ field: UnsafeBufferPointer<UInt8>, _ k: Int, line: Int) -> Result<GroupCell, RowError> {
        let b = filler.bindings[k]
        func slow() -> Result<GroupCell, RowError> {
            switch filler.read(field, b, line: line) {
            case .failure(let problem): return .failure(problem)
            case .success(nil): return .success(.blank)
            case .success(.number(let x)?): return .success(.number(x))
            case .success(.bool(let v)?): return .success(.bool(v))
            case .success(_?): return .success(.text)
            }
        }
        if field.isEmpty { return slow() }  // an `empty` value, unanswered, or required
        switch b.kind {
        case .number:
            guard let x = CSVNumber.parse(field, dialect: dialect), x >= b.minimum && x <= b.maximum else { return slow() }
            return .success(.number(x))
        case .bool:
            guard let v = CSVBool.parse(field) else { return slow() }
            return .success(.bool(v))
        case .choice:
            guard choices[k].contains(where: { $0.elementsEqual(field) }) else { return slow() }
            return .success(.text)
        case .text, .skip:
            return .success(.text)
        }
    }

    /// An account's row: as it was read when it has one line and nothing wrong with its shape;
    /// else each mapped column combined, the rest from its first line, and the problems.
    private func row(_ group: Group, _ bytes: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        let n = mapping.columns.count
        if group.lines.count == 1 {
            let problems = group.problems.filter { $0.column == nil }  // the shape; the scoring pass finds the rest
            return row(group.first.fields, bytes, count: n, line: group.first.line, lines: group.lines, problems: problems)
        }
        var combined = [[UInt8]?](repeating: nil, count: n)
        for (k, b) in mapping.bindings.enumerated() where aggregates[k] != nil {
            combined[b.column] = group.combiners[k].text(decimal: dialect.decimalSeparator, in: bytes) ?? []
        }
        // A sum with a line missing is no sum: the measure is then unreadable, so the account
        // is in no portfolio figure, as a row with an unreadable measure is not.
        if group.measureUnreadable, let m = measureColumn { combined[m] = Array("#".utf8) }
        return row(group.first.fields, bytes, count: n, line: group.first.line, lines: group.lines, problems: group.problems, combined: combined)
    }

    private func row(alone entry: Entry, _ bytes: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        if entry.kind == .blank { return [10] }
        let n = mapping.columns.count
        let shape = filler.fieldCountProblem(entry.fields.count, extraEmpty: entry.extraEmpty(n), line: entry.line)
        return row(entry.fields, bytes, count: n, line: entry.line, lines: [entry.line], problems: shape.map { [$0] } ?? [])
    }

    /// The first line's fields cut or padded to the header's count, combined values in place
    /// of theirs, then the three hidden columns.
    private func row(
        _ fields: [Range<Int>], _ bytes: UnsafeBufferPointer<UInt8>, count n: Int, line: Int, lines: [Int], problems: [RowError],
        combined: [[UInt8]?] = []
    ) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        for c in 0..<n {
            if c > 0 { out.append(dialect.delimiter) }
            if c < combined.count, let value = combined[c] {
                value.withUnsafeBufferPointer { CSVWriter.appendField($0, to: &out, dialect: dialect, neutralizeFormulas: false) }
            } else if c < fields.count {
                CSVWriter.appendField(UnsafeBufferPointer(rebasing: bytes[fields[c]]), to: &out, dialect: dialect, neutralizeFormulas: false)
            }
        }
        out.append(dialect.delimiter)
        Self.digits(line, &out)
        out.append(dialect.delimiter)
        Self.digits(lines.count, &out)
        out.append(dialect.delimiter)
        // One line and nothing wrong: nothing to carry. Else the lines, and their problems.
        if !(problems.isEmpty && lines.count == 1) {
            let encoded = GroupProblems.encode(problems, lines: lines)
            encoded.withUnsafeBufferPointer { CSVWriter.appendField($0, to: &out, dialect: dialect, neutralizeFormulas: false) }
        }
        out.append(10)
        return out
    }

    static func digits(_ x: Int, _ out: inout [UInt8]) {
        if x >= 10 { digits(x / 10, &out) }
        out.append(UInt8(48 + x % 10))
    }
}

/// An account whose lines disagree on an input that keeps its first line's value: two
/// spellings of a name, two regions. The first is used; the report names it.
public struct GroupConflict: Sendable, Equatable {
    public let id: String
    public let input: String
    public let lines: [Int]
}

/// The problems of an account's lines, carried in a hidden column from the grouping pass
/// to the scoring pass: which lines the account has, and each line's first problem.
enum GroupProblems {
    static func encode(_ problems: [RowError], lines: [Int]) -> [UInt8] {
        var out: [UInt8] = []
        for (i, line) in lines.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            LineGrouping.digits(line, &out)
        }
        out.append(0x1E)
        for (i, p) in problems.enumerated() {
            if i > 0 { out.append(0x1E) }
            out += Array("\(p.line)\u{1F}\(p.column ?? "")\u{1F}\(p.message)".utf8)
        }
        return out
    }

    /// The account's lines, and — when any line cannot be read — one problem per line, in
    /// line order: a line's own first problem, or that it goes with its account.
    static func decode(_ text: String, id: String) -> (lines: [Int], problems: [RowError]) {
        let parts = text.split(separator: "\u{1E}", omittingEmptySubsequences: false)
        let lines = parts.first.map { $0.split(separator: ",").compactMap { Int($0) } } ?? []
        var own: [Int: RowError] = [:]
        for part in parts.dropFirst() {
            let f = part.split(separator: "\u{1F}", maxSplits: 2, omittingEmptySubsequences: false)
            guard f.count == 3, let line = Int(f[0]), own[line] == nil else { continue }
            own[line] = RowError(line: line, column: f[1].isEmpty ? nil : String(f[1]), message: String(f[2]))
        }
        guard !own.isEmpty else { return (lines, []) }
        let bad = own.keys.sorted()
        let cause = bad.count == 1 ? "line \(bad[0]) cannot be read" : "lines \(bad.map(String.init).joined(separator: ", ")) cannot be read"
        return (lines, lines.map { line in
            own[line] ?? RowError(line: line, column: nil, message: "rejected with the rest of account `\(id)`: \(cause)")
        })
    }
}
