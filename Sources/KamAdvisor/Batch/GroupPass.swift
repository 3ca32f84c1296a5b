import Foundation
import KamCSV

/// The group pass: when account ids repeat (one line per invoice, say), the lines are grouped
/// into accounts before anything is ranked or scored, and the grouped list is then scored as
/// any list is, its hidden columns giving each account's first line, its number of lines and
/// its problems.
extension BatchScorer {
    /// Whether any account id repeats, from a pass that reads the ids only.
    func repeatsIn(_ engine: PassEngine, _ id: ColumnMapping.Binding, _ progress: (Int, Int, Int) -> Void) throws(BatchFailure) -> Bool {
        let ids = RepeatedIds()
        let column = id.column
        try engine.run(.measure, progress, { context throws(CSVError) -> [UInt64] in
            var hashes: [UInt64] = []
            func take(_ field: UnsafeBufferPointer<UInt8>?, _: UnsafeBufferPointer<UInt8>?) {
                if let field, AccountId.isAccount(field) { hashes.append(RepeatedIds.hash(field)) }
            }
            if context.scan(columns: (column, column), take) { return hashes }
            hashes.removeAll()
            var reader = context.reader(validateUTF8: false)
            var record = CSVRecord()
            while try reader.next(into: &record) { record.withCell(column) { take($0, nil) } }
            return hashes
        }) { (hashes: [UInt64]) throws(BatchFailure) -> Int in
            try ids.add(hashes)
            return hashes.count
        }
        return try ids.found(jobs: jobs)
    }

    /// Groups the lines (`LineGrouping`) into a temporary list, and scores that.
    func scoreGrouped<Sink: RowSink>(
        _ engine: PassEngine, _ clock: StepClock, _ sink: inout Sink, _ rejected: (RowError) -> Void, _ skipped: (SkippedRow) -> Void,
        _ progress: (Int, Int, Int) -> Void
    ) throws(BatchFailure) -> BatchSummary {
        guard let id else { preconditionFailure("only a pack with an id groups") }
        let missing = LineGrouping.uncombinable(mapping, pack)
        guard missing.isEmpty else { throw .uncombinable(missing) }
        let source = engine.source
        let size = (try? FileManager.default.attributesOfItem(atPath: source.path)[.size] as? Int) ?? 0
        let grouping = LineGrouping(mapping: mapping, pack: pack, dialect: source.dialect, id: id, measure: measure)
        let partitions = LineGrouping.partitionCount(fileSize: size, perPartition: options.groupingPartitionBytes)
        let grouped = try grouping.run(engine, partitions: partitions, progress: progress)
        clock.lap()
        var inner = options
        (inner.dialect, inner.encoding, inner.headerRecords, inner.groupedColumns) = (source.dialect, .utf8, 1, mapping.columns.count)
        let scorer = BatchScorer(pack: pack, mapping: mapping, options: inner)
        var result: BatchSummary
        do throws(BatchFailure) {
            result = try scorer.run(path: grouped.path, into: &sink, rejected: rejected, skipped: skipped, progress: progress)
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
        clock.record(in: &result)
        return result
    }
}
