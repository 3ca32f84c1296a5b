/// Each account's measure and id key from pass 1, in file order, so that the later passes
/// read 16 bytes per account instead of parsing the file again.
final class KeySpill {
    private let file: ScratchFile
    var longIds = false

    init?() {
        guard let file = ScratchFile("the id keys") else { return nil }
        self.file = file
    }

    /// Adds accounts as (measure bits, key) words.
    func append(_ pairs: [UInt64]) throws(BatchFailure) {
        try pairs.withUnsafeBytes { raw in Result { () throws(BatchFailure) in try file.append(raw) } }.get()
    }

    /// The pairs of accounts `range` (counted in file order) as (measure bits, key) words,
    /// into `words`, whose room is kept from call to call.
    func pairs(_ range: Range<Int>, into words: inout [UInt64]) throws(BatchFailure) {
        words.removeAll(keepingCapacity: true)
        words.append(contentsOf: repeatElement(0, count: 2 * range.count))
        try words.withUnsafeMutableBytes { raw in
            Result { () throws(BatchFailure) in try file.read(raw, at: 16 * range.lowerBound) }
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
