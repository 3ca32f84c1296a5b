import Foundation
import KamCSV

/// Pass 1: the measure of every account of the portfolio, which the figures need before any
/// row can be scored; each account's measure and id key spilled in file order, so the later
/// passes read 16 bytes an account instead of the file; and, when asked, the ids' hashes, to
/// find ids that repeat (lines of one customer) in the same read.
struct MeasurePass {
    let membership: PortfolioMembership
    let measureColumn: Int
    let idColumn: Int?
    /// Chunks merged, whose arrays the next chunks fill.
    let spares = Spares<Chunk>()

    init(measure: ColumnMapping.Binding, id: ColumnMapping.Binding?, dialect: CSVDialect) {
        membership = PortfolioMembership(measure: measure, id: id, dialect: dialect)
        measureColumn = measure.column
        idColumn = id?.column
    }

    struct Measures {
        var values: [Double] = []
        /// How many accounts each chunk held, by chunk ordinal.
        var chunkCounts: [Int] = []
    }

    func run(
        _ engine: PassEngine, spill: KeySpill?, repeats: RepeatedIds?, _ progress: (Int, Int, Int) -> Void
    ) throws(BatchFailure) -> Measures {
        var measures = Measures()
        let path = engine.source.path
        try engine.run(.measure, progress, chunkReader(keys: spill != nil, hashes: repeats != nil)) { (part: Chunk) throws(BatchFailure) -> Int in
            try repeats?.add(part.hashesByPart)
            if measures.values.isEmpty && !part.measures.isEmpty {
                // Reserve for the whole file from the first piece's density, so the array is
                // not copied as it grows (at ten million rows that copy is 80 MB).
                let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
                measures.values.reserveCapacity(Int(Double(size) / Double(engine.source.chunkSize) * Double(part.measures.count) * 1.05))
            }
            measures.values.append(contentsOf: part.measures)
            measures.chunkCounts.append(part.measures.count)
            let count = part.measures.count
            if let spill {
                if part.long { spill.longIds = true }
                // The chunk is reused once its pairs are written.
                try spill.append(part.pairs) { [spares] in spares.put(part) }
            } else {
                spares.put(part)
            }
            return count
        }
        try spill?.finishWriting()
        return measures
    }

    /// The accounts of one chunk, in order.
    struct Chunk: Sendable {
        var measures: [Double] = []
        /// (measure bits, id key) words, account by account, as the spill holds them.
        var pairs: [UInt64] = []
        /// Whether an id is longer than its eight-byte key.
        var long = false
        /// The hash of every row's id, to find ids that repeat; grouped by part at the end.
        var hashes: [UInt64] = []
        var hashesByPart: (hashes: [UInt64], ends: [Int]) = ([], [])

        mutating func clear() {
            measures.removeAll(keepingCapacity: true)
            pairs.removeAll(keepingCapacity: true)
            long = false
            hashes.removeAll(keepingCapacity: true)
            hashesByPart.hashes.removeAll(keepingCapacity: true)
            hashesByPart.ends.removeAll(keepingCapacity: true)
        }

        /// What a chunk's reading keeps, fixed for the pass.
        struct Reading: Sendable {
            let membership: PortfolioMembership
            let keys: Bool
            let hashes: Bool
            let hasId: Bool
        }

        /// One record's measure and id fields. A method, not a closure over the chunk: a
        /// captured variable is checked for exclusive access at run time, on every row.
        mutating func take(_ field: UnsafeBufferPointer<UInt8>?, _ idField: UnsafeBufferPointer<UInt8>?, _ reading: Reading) {
            if reading.hasId {
                guard let idField, AccountId.isAccount(idField) else { return }
                if reading.hashes { hashes.append(RepeatedIds.hash(idField)) }
            }
            guard let x = reading.membership.value(field) else { return }
            measures.append(x)
            if reading.keys {
                pairs.append(x.bitPattern)
                pairs.append(idField.map { PortfolioFigures.key($0) } ?? 0)
                if (idField?.count ?? 0) > 8 { long = true }
            }
        }
    }

    /// Reads a chunk's measures (and, with `keys`, id keys): the two columns only, with the
    /// column scanner, or with the reader where the scanner cannot be sure of the reader's
    /// answer. The rank pass reads the file with it again when there is no spill. The merge
    /// puts each chunk back in `spares`.
    func chunkReader(keys keep: Bool, hashes hashing: Bool = false) -> @Sendable (ChunkContext) throws(CSVError) -> Chunk {
        let reading = Chunk.Reading(membership: membership, keys: keep, hashes: hashing, hasId: idColumn != nil)
        let column = measureColumn, idColumn = self.idColumn ?? measureColumn, spares = self.spares
        return { context throws(CSVError) -> Chunk in
            var part = spares.take() ?? Chunk()
            part.clear()
            if !context.scan(columns: (column, idColumn), { part.take($0, $1, reading) }) {
                part.clear()
                // Text is checked for valid UTF-8 in the scoring pass; here only numbers are read.
                var reader = context.reader(validateUTF8: false)
                var record = CSVRecord()
                while try reader.next(into: &record) {
                    record.withCell(column) { m in record.withCell(idColumn) { part.take(m, m == nil ? nil : $0, reading) } }
                }
            }
            if hashing { RepeatedIds.byPart(part.hashes, into: &part.hashesByPart) }
            return part
        }
    }
}
