import Dispatch
import Foundation
import KamCSV
import KamExpr
import KamRules
import Synchronization

extension BatchScorer {
    /// Pass 1: every readable measure, how many each chunk held, and, when the pack has an id,
    /// each of those accounts' measure and id key spilled to `spill` in file order for the
    /// later passes.
    func collectMeasures(
        _ source: Source, _ measure: ColumnMapping.Binding, _ id: ColumnMapping.Binding?, _ spill: KeySpill?, _ ids: RepeatedIds?,
        _ progress: (Int, Int, Int) -> Void
    ) throws(BatchFailure) -> (measures: [Double], chunkCounts: [Int]) {
        var all: [Double] = []
        var chunkCounts: [Int] = []
        try forEachChunk(source, pass: 1, progress, measuresOfChunk(source, measure, id, keys: spill != nil, hashes: ids != nil), { (part: MeasuresOfChunk) throws(BatchFailure) -> Int in
            try ids?.add(part.hashesByPart)
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
    struct MeasuresOfChunk {
        var measures: [Double] = []
        var keys: [UInt64] = []
        /// Whether an id is longer than its eight-byte key.
        var long = false
        /// The hash of every row's id, to find ids that repeat; grouped by part at the end.
        var hashes: [UInt64] = []
        var hashesByPart: (hashes: [UInt64], ends: [Int]) = ([], [])

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
    func measuresOfChunk(
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
            if scanned {
                if hashing { (part.hashesByPart, part.hashes) = (RepeatedIds.byPart(part.hashes), []) }
                return part
            }
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
            if hashing { (part.hashesByPart, part.hashes) = (RepeatedIds.byPart(part.hashes), []) }
            return part
        }
    }

    /// The tie pass: each tied account's id key put in its place in its group, from the
    /// spill (16 bytes per account) or, without one (no usable temporary folder), from the
    /// file again. Returns the tied groups whose keys collide and whose ids are longer than
    /// their keys: only whole ids order those.
    func collectTies(
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
    func collectWholeIds(
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

}

/// A slice read by several threads at once, each looking at its own part.
struct SliceBox: @unchecked Sendable {
    let slice: UnsafeBufferPointer<UInt64>
    init(_ slice: UnsafeBufferPointer<UInt64>) { self.slice = slice }
}

/// The groups of a slice's accounts, each thread writing its own range.
struct GroupsBox: @unchecked Sendable {
    let groups: UnsafeMutableBufferPointer<Int32>
    init(_ groups: UnsafeMutableBufferPointer<Int32>) { self.groups = groups }
}
