import KamCSV
import KamRules

/// What becomes of scored rows. A sink's `collector` takes each row on the worker that scored
/// it, into that chunk's part; the sink merges the parts in file order on the calling thread.
/// So a sink keeps only what it needs: every row rendered in order, or the best few.
public protocol RowSink {
    associatedtype Collector: RowCollector
    var collector: Collector { get }
    /// A chunk's part, in file order; `scoredBefore` counts the scored rows of the chunks before it.
    mutating func merge(_ part: Collector.Part, scoredBefore: Int) throws(BatchFailure)
    /// After the last row; not called when the run fails.
    mutating func finish() throws(BatchFailure)
}

public protocol RowCollector: Sendable {
    associatedtype Part: Sendable
    /// An empty part for a chunk of `bytes` bytes, the `chunk`-th of its block.
    func part(bytes: Int, chunk: Int) -> Part
    /// A scored row; `order` counts the chunk's scored rows before it.
    func add(_ record: CSVRecord, _ evaluation: Evaluation, _ values: BatchRow, order: Int, to part: inout Part)
}

/// Every scored row rendered, in file order, to `output`. The header waits for the first
/// rows: a file that fails in its first block (invalid UTF-8, say) then writes nothing at
/// all, even to standard output.
public struct OrderedRows: RowSink {
    public struct Collector: RowCollector {
        let renderer: any RowRenderer
        let separator: [UInt8]
        let spares: SpareBuffers

        public func part(bytes: Int, chunk: Int) -> Part {
            var part = Part(bytes: spares.take(chunk), chunk: chunk)
            part.bytes.reserveCapacity(bytes)
            return part
        }

        public func add(_ record: CSVRecord, _ evaluation: Evaluation, _ values: BatchRow, order: Int, to part: inout Part) {
            if !part.bytes.isEmpty { part.bytes += separator }
            renderer.row(record, evaluation, into: &part.bytes)
        }
    }

    public struct Part: Sendable {
        var bytes: [UInt8]
        let chunk: Int
    }

    public let collector: Collector
    private let output: (UnsafeBufferPointer<UInt8>) throws(BatchFailure) -> Void
    private var header: [UInt8]?
    private var anyRow = false

    public init(_ renderer: any RowRenderer, output: @escaping (UnsafeBufferPointer<UInt8>) throws(BatchFailure) -> Void) {
        collector = Collector(renderer: renderer, separator: renderer.separator(), spares: SpareBuffers())
        self.output = output
        var header: [UInt8] = []
        renderer.begin(into: &header)
        self.header = header
    }

    public mutating func merge(_ part: Part, scoredBefore: Int) throws(BatchFailure) {
        defer { collector.spares.put(part.bytes, part.chunk) }
        guard !part.bytes.isEmpty else { return }
        try writeHeader()
        if anyRow { try write(collector.separator) }
        try write(part.bytes)
        anyRow = true
    }

    public mutating func finish() throws(BatchFailure) {
        try writeHeader()
        var footer: [UInt8] = []
        collector.renderer.end(into: &footer)
        try write(footer)
    }

    private mutating func writeHeader() throws(BatchFailure) {
        guard let bytes = header else { return }
        header = nil
        try write(bytes)
    }

    private func write(_ bytes: [UInt8]) throws(BatchFailure) {
        try bytes.withUnsafeBufferPointer { (p) throws(BatchFailure) in try output(p) }
    }
}

/// The output buffers of the last block's chunks, kept for the same chunks of the next
/// block. A chunk's rendered rows run to a megabyte or more; fresh buffers every block were
/// a page fault per 4 KB written and a copy each time one grew. By the time a block's chunks
/// start, the previous block's parts are merged and dropped, so each buffer taken here is
/// held by nothing else and is cleared in place.
public final class SpareBuffers: @unchecked Sendable {
    /// One slot per chunk of a block (chunks beyond get fresh buffers). A worker touches only
    /// its chunk's slot, and `put` runs while no worker does.
    private let slots = UnsafeMutableBufferPointer<[UInt8]>.allocate(capacity: 256)

    init() { slots.initialize(repeating: []) }

    deinit {
        _ = slots.deinitialize()
        slots.deallocate()
    }

    func take(_ chunk: Int) -> [UInt8] {
        guard chunk < slots.count else { return [] }
        var bytes = slots[chunk]
        slots[chunk] = []
        bytes.removeAll(keepingCapacity: true)
        return bytes
    }

    func put(_ bytes: [UInt8], _ chunk: Int) {
        if chunk < slots.count { slots[chunk] = bytes }
    }
}

/// The `top` best rows, highest score first and earlier rows first among equals, then the
/// rows `alsoKeep` holds whatever their score (a report's vital accounts), in file order; each
/// kept as `keep` makes it. Memory is about twice `top` rows a chunk.
public struct BestRows<Kept: Sendable>: RowSink {
    public struct Collector: RowCollector {
        let top: Int
        let alsoKeep: (@Sendable (Evaluation, BatchRow) -> Bool)?
        let keep: @Sendable (CSVRecord, Evaluation) -> Kept

        public func part(bytes: Int, chunk: Int) -> Part { Part() }

        public func add(_ record: CSVRecord, _ evaluation: Evaluation, _ values: BatchRow, order: Int, to part: inout Part) {
            let kept = keep(record, evaluation)
            if let alsoKeep, alsoKeep(evaluation, values) { part.also.append((order, kept)) }
            part.best.append((evaluation.score, order, kept))
            if part.best.count > 2 * top { BestRows.keepBest(&part.best, top) }
        }
    }

    public struct Part: Sendable {
        var best: [(Double, Int, Kept)] = []
        var also: [(Int, Kept)] = []
    }

    public let collector: Collector
    private var best: [(Double, Int, Kept)] = []
    private var also: [(Int, Kept)] = []
    /// The rows kept, once finished: the best, then the others `alsoKeep` held.
    public private(set) var rows: [Kept] = []
    /// Rows `alsoKeep` asked for beyond `alsoKeepLimit`, not kept.
    public private(set) var alsoKeptBeyond = 0

    public init(top: Int, alsoKeep: (@Sendable (Evaluation, BatchRow) -> Bool)? = nil, keep: @escaping @Sendable (CSVRecord, Evaluation) -> Kept) {
        collector = Collector(top: top, alsoKeep: alsoKeep, keep: keep)
    }

    public mutating func merge(_ part: Part, scoredBefore: Int) throws(BatchFailure) {
        best += part.best.map { ($0.0, scoredBefore + $0.1, $0.2) }
        for (k, kept) in part.also {
            if also.count < AlsoKept.limit { also.append((scoredBefore + k, kept)) } else { alsoKeptBeyond += 1 }
        }
        Self.keepBest(&best, collector.top)
    }

    public mutating func finish() throws(BatchFailure) {
        let inBest = Set(best.map(\.1))
        rows = best.map(\.2) + also.filter { !inBest.contains($0.0) }.map(\.1)
        (best, also) = ([], [])
    }

    static func keepBest(_ rows: inout [(Double, Int, Kept)], _ n: Int) {
        rows.sort { $0.0 != $1.0 ? $0.0 > $1.0 : $0.1 < $1.1 }
        if rows.count > n { rows.removeLast(rows.count - n) }
    }
}

/// `--top`: the best rows rendered, written once the whole file is scored.
public struct TopRows: RowSink {
    private var best: BestRows<[UInt8]>
    private let renderer: any RowRenderer
    private let output: (UnsafeBufferPointer<UInt8>) throws(BatchFailure) -> Void

    public init(_ top: Int, _ renderer: any RowRenderer, output: @escaping (UnsafeBufferPointer<UInt8>) throws(BatchFailure) -> Void) {
        best = BestRows(top: top) { record, evaluation in
            var bytes: [UInt8] = []
            renderer.row(record, evaluation, into: &bytes)
            return bytes
        }
        self.renderer = renderer
        self.output = output
    }

    public var collector: BestRows<[UInt8]>.Collector { best.collector }

    public mutating func merge(_ part: BestRows<[UInt8]>.Part, scoredBefore: Int) throws(BatchFailure) {
        try best.merge(part, scoredBefore: scoredBefore)
    }

    public mutating func finish() throws(BatchFailure) {
        try best.finish()
        var bytes: [UInt8] = []
        renderer.begin(into: &bytes)
        let separator = renderer.separator()
        for (n, row) in best.rows.enumerated() {
            if n > 0 { bytes += separator }
            bytes += row
        }
        renderer.end(into: &bytes)
        try bytes.withUnsafeBufferPointer { (p) throws(BatchFailure) in try output(p) }
    }
}

/// Rows are scored for their summary only.
public struct NoRows: RowSink {
    public struct Collector: RowCollector {
        public func part(bytes: Int, chunk: Int) {}
        public func add(_ record: CSVRecord, _ evaluation: Evaluation, _ values: BatchRow, order: Int, to part: inout Void) {}
    }

    public init() {}
    public var collector: Collector { Collector() }
    public mutating func merge(_ part: Void, scoredBefore: Int) throws(BatchFailure) {}
    public mutating func finish() throws(BatchFailure) {}
}

public enum AlsoKept {
    /// How many rows `BestRows` keeps beyond the best: a report's vital accounts are a few
    /// hundred at most, and each kept row is held in memory.
    public static let limit = 10_000
}
