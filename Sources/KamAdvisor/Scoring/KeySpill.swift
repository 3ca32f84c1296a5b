import Dispatch
import Synchronization

/// Each account's measure and id key from pass 1, in file order, so that the later passes
/// read 16 bytes per account instead of parsing the file again.
final class KeySpill: @unchecked Sendable {
    private let file: ScratchFile
    /// The pairs are written on a thread of their own: at ten million accounts, 160 MB copied
    /// into the page cache by the pass's merge held up every chunk after it.
    private let writer = DispatchQueue(label: "kam.key-spill")
    /// Chunks given and not yet written, so that a slow disk holds the pass back instead of
    /// letting them pile up in memory.
    private let room = DispatchSemaphore(value: 8)
    private let writes = DispatchGroup()
    private let failure = Mutex<BatchFailure?>(nil)
    var longIds = false
    /// Each account's group among the distinct measures, in file order, where the ties step
    /// found them all: placing an account then starts from its group, and does not search
    /// for it a second time.
    private lazy var groupFile = ScratchFile("the accounts' groups")
    private var accounts = 0, grouped = 0, groupsLost = false

    init?() {
        guard let file = ScratchFile("the id keys") else { return nil }
        self.file = file
    }

    /// Adds accounts as (measure bits, key) words, written in the order given once earlier
    /// ones are; `written` runs after, on the writing thread, so the caller can reuse what
    /// holds them. Throws the failure of an earlier write; `finishWriting` the last one's.
    func append(_ pairs: [UInt64], written: @escaping @Sendable () -> Void) throws(BatchFailure) {
        if let failed = failure.withLock({ $0 }) { throw failed }
        accounts += pairs.count / 2
        room.wait()
        writer.async(group: writes) { [self] in
            defer {
                written()
                room.signal()
            }
            guard failure.withLock({ $0 == nil }) else { return }
            do throws(BatchFailure) {
                try pairs.withUnsafeBytes { raw in Result { () throws(BatchFailure) in try file.append(raw) } }.get()
            } catch {
                failure.withLock { $0 = error }
            }
        }
    }

    /// Waits for the pairs given to be written; throws the first failure.
    func finishWriting() throws(BatchFailure) {
        writes.wait()
        if let failed = failure.withLock({ $0 }) { throw failed }
    }

    /// Adds the groups of the next accounts, in file order. Where the temporary folder has
    /// no room for them, none are used, and placing searches as it did: they only save time.
    func append(groups: [Int32]) {
        guard !groupsLost, let groupFile else { return }
        do {
            try groups.withUnsafeBytes { raw in Result { () throws(BatchFailure) in try groupFile.append(raw) } }.get()
            grouped += groups.count
        } catch {
            groupsLost = true
        }
    }

    /// Whether every account's group was added.
    var hasGroups: Bool { !groupsLost && grouped > 0 && grouped == accounts }

    /// The groups of accounts `range` (counted in file order), into `groups`, whose room is
    /// kept from call to call. Only when `hasGroups`.
    func groups(_ range: Range<Int>, into groups: inout [Int32]) throws(BatchFailure) {
        try Self.read(groupFile!, count: range.count, at: 4 * range.lowerBound, into: &groups)
    }

    /// The pairs of accounts `range` (counted in file order) as (measure bits, key) words,
    /// into `words`, whose room is kept from call to call.
    func pairs(_ range: Range<Int>, into words: inout [UInt64]) throws(BatchFailure) {
        try Self.read(file, count: 2 * range.count, at: 16 * range.lowerBound, into: &words)
    }

    /// `count` values from `file` at byte `offset`, into `values`, whose room is kept.
    private static func read<T: FixedWidthInteger>(_ file: ScratchFile, count: Int, at offset: Int, into values: inout [T]) throws(BatchFailure) {
        values.removeAll(keepingCapacity: true)
        values.append(contentsOf: repeatElement(0, count: count))
        try values.withUnsafeMutableBytes { raw in
            Result { () throws(BatchFailure) in try file.read(raw, at: offset) }
        }.get()
    }

    /// Every pair at once, in place, for `body`; nil when the file cannot be mapped.
    func withPairs<R>(_ body: (UnsafeBufferPointer<UInt64>) -> R) -> R? {
        file.withMapped { raw in body(raw.assumingMemoryBound(to: UInt64.self)) }
    }

    /// Reads the pairs back in slices of (measure bits, key) words, in file order.
    func forEachSlice(_ body: (UnsafeBufferPointer<UInt64>) throws(BatchFailure) -> Void) throws(BatchFailure) {
        try file.forEachSlice(stride: 16) { (raw) throws(BatchFailure) in
            try body(raw.assumingMemoryBound(to: UInt64.self))
        }
    }
}
