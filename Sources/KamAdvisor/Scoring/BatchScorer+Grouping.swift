import Dispatch
import Foundation
import KamCSV

extension BatchScorer {
    // MARK: Grouping

    /// Whether any account id repeats, from a pass that reads the ids only.
    func repeatsIn(_ source: Source, _ id: ColumnMapping.Binding, _ progress: (Int, Int, Int) -> Void) throws(BatchFailure) -> Bool {
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
    func scoreGrouped(
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
        let grouped = try grouping.run(&blocks, partitions: partitions, jobs: jobs) { bytes, lines in progress(0, bytes, lines) }
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

}
