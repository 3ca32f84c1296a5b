import Dispatch
import Synchronization
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
    /// An empty part for a chunk of `bytes` bytes.
    func part(bytes: Int) -> Part
    /// A scored row, its result read in its batch; `order` counts the chunk's scored rows before it.
    /// The record is only read: `inout` hands over its address, where a borrowed record was
    /// copied at this unspecialised call, its two arrays retained and released on every row.
    func add(_ record: inout CSVRecord, _ result: BatchEvaluator.RowResult, _ values: BatchRow, order: Int, to part: inout Part)
}

/// Every scored row rendered, in file order, to `output`. The header waits for the first
/// rows: a file that fails in its first block (invalid UTF-8, say) then writes nothing at
/// all, even to standard output.
///
/// Writing happens on a thread of its own, in order, while the next block is scored: with
/// every column written the output is twice the input, and writing it between blocks kept
/// both cores waiting.
public struct OrderedRows: RowSink {
    public struct Collector: RowCollector {
        let renderer: any RowRenderer
        let separator: [UInt8]
        let spares: SpareBuffers

        public func part(bytes: Int) -> [UInt8] {
            var part = spares.take()
            part.reserveCapacity(bytes)
            return part
        }

        public func add(_ record: inout CSVRecord, _ result: BatchEvaluator.RowResult, _ values: BatchRow, order: Int, to part: inout [UInt8]) {
            if !part.isEmpty { part += separator }
            renderer.row(record, result, into: &part)
        }
    }

    public let collector: Collector
    private let writer: BackgroundWriter
    private var header: [UInt8]?
    private var anyRow = false

    public init(_ renderer: any RowRenderer, output: @escaping (UnsafeBufferPointer<UInt8>) throws(BatchFailure) -> Void) {
        let spares = SpareBuffers()
        collector = Collector(renderer: renderer, separator: renderer.separator(), spares: spares)
        writer = BackgroundWriter(output, spares: spares)
        var header: [UInt8] = []
        renderer.begin(into: &header)
        self.header = header
    }

    public mutating func merge(_ part: [UInt8], scoredBefore: Int) throws(BatchFailure) {
        guard !part.isEmpty else { return collector.spares.put(part) }
        try writeHeader()
        if anyRow { try writer.write(collector.separator) }
        try writer.write(part)
        anyRow = true
    }

    public mutating func finish() throws(BatchFailure) {
        try writeHeader()
        var footer: [UInt8] = []
        collector.renderer.end(into: &footer)
        try writer.write(footer)
        try writer.drain()
    }

    private mutating func writeHeader() throws(BatchFailure) {
        guard let bytes = header else { return }
        header = nil
        try writer.write(bytes)
    }
}

/// Writes pieces in order on a thread of its own, at most 32 waiting; a failure stops the
/// writing and is thrown at the next `write` or at `drain`. Dropped (a run that failed), it
/// finishes what it was given first, so nothing writes to an output its owner has already
/// abandoned. The queued work holds the `Shared` state, never the writer itself: otherwise
/// the writer could be released last on its own queue, and wait there for itself.
final class BackgroundWriter: Sendable {
    private let queue = DispatchQueue(label: "kam.output")
    private let shared: Shared

    private final class Shared: @unchecked Sendable {
        let room = DispatchSemaphore(value: 32)
        /// Called on the queue only, one piece after another.
        let output: (UnsafeBufferPointer<UInt8>) throws(BatchFailure) -> Void
        let spares: SpareBuffers
        let failure = Mutex<BatchFailure?>(nil)

        init(_ output: @escaping (UnsafeBufferPointer<UInt8>) throws(BatchFailure) -> Void, _ spares: SpareBuffers) {
            self.output = output
            self.spares = spares
        }

        var failed: BatchFailure? { failure.withLock { $0 } }
    }

    init(_ output: @escaping (UnsafeBufferPointer<UInt8>) throws(BatchFailure) -> Void, spares: SpareBuffers) {
        shared = Shared(output, spares)
    }

    deinit { queue.sync {} }

    /// Queues `bytes`; an empty piece only goes back to the spares.
    func write(_ bytes: consuming [UInt8]) throws(BatchFailure) {
        if let failed = shared.failed { throw failed }
        shared.room.wait()
        let piece = Piece(bytes), shared = self.shared
        queue.async {
            defer { shared.room.signal() }
            let bytes = piece.take()
            if shared.failed == nil && !bytes.isEmpty {
                do throws(BatchFailure) {
                    try bytes.withUnsafeBufferPointer { (p) throws(BatchFailure) in try shared.output(p) }
                } catch {
                    shared.failure.withLock { $0 = error }
                }
            }
            shared.spares.put(bytes)
        }
    }

    /// Waits for everything queued to be written.
    func drain() throws(BatchFailure) {
        queue.sync {}
        if let failed = shared.failed { throw failed }
    }

    /// Hands a buffer to the writing thread, which takes it as its only owner.
    private final class Piece: @unchecked Sendable {
        private var bytes: [UInt8]
        init(_ bytes: consuming [UInt8]) { self.bytes = bytes }
        func take() -> [UInt8] {
            defer { bytes = [] }
            return bytes
        }
    }
}

/// Buffers of chunks written out, for the chunks of the next blocks. A chunk's rendered rows
/// run to a megabyte or more; fresh buffers every block were a page fault per 4 KB written
/// and a copy each time one grew.
public final class SpareBuffers: Sendable {
    private let free = Spares<[UInt8]>()

    func take() -> [UInt8] {
        var bytes = free.take() ?? []
        bytes.removeAll(keepingCapacity: true)
        return bytes
    }

    /// Keeps chunk-sized buffers only (not a header or a separator).
    func put(_ bytes: consuming [UInt8]) {
        guard bytes.capacity >= 64 << 10 else { return }
        free.put(bytes)
    }
}

/// The `top` best rows, highest score first and earlier rows first among equals, then the
/// rows `alsoKeep` holds whatever their score (a report's vital accounts), in file order; each
/// kept as `keep` makes it. Memory is about twice `top` rows a chunk.
public struct BestRows<Kept: Sendable>: RowSink {
    public struct Collector: RowCollector {
        let top: Int
        let alsoKeep: (@Sendable (BatchEvaluator.RowResult, BatchRow) -> Bool)?
        let keep: @Sendable (CSVRecord, BatchEvaluator.RowResult) -> Kept

        public func part(bytes: Int) -> Part { Part() }

        public func add(_ record: inout CSVRecord, _ result: BatchEvaluator.RowResult, _ values: BatchRow, order: Int, to part: inout Part) {
            let kept = keep(record, result)
            if let alsoKeep, alsoKeep(result, values) { part.also.append((order, kept)) }
            part.best.append((result.score, order, kept))
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

    public init(
        top: Int, alsoKeep: (@Sendable (BatchEvaluator.RowResult, BatchRow) -> Bool)? = nil,
        keep: @escaping @Sendable (CSVRecord, BatchEvaluator.RowResult) -> Kept
    ) {
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
        best = BestRows(top: top) { record, result in
            var bytes: [UInt8] = []
            renderer.row(record, result, into: &bytes)
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
        public func part(bytes: Int) {}
        public func add(_ record: inout CSVRecord, _ result: BatchEvaluator.RowResult, _ values: BatchRow, order: Int, to part: inout Void) {}
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
