import Foundation

/// Whether any account id occurs on more than one row — an ERP report with a line per
/// invoice — found while pass 1 reads the ids anyway. Each id's 64-bit hash goes to a
/// scratch file (8 bytes a row); after the pass the hashes are sorted a slice at a time and
/// neighbours compared, so the answer is exact for distinct hashes and memory stays at one
/// slice. Two different ids sharing a hash (about one chance in 10^5 at ten million rows)
/// only send the list through the grouping pass, which compares ids whole and finds
/// nothing to group.
final class RepeatedIds {
    private let spill: ScratchFile?
    /// The hashes, when no scratch file can be made.
    private var kept: [UInt64] = []
    private(set) var count = 0

    /// Hashes sorted at a time: 16 MB.
    static let slice = 2 << 20

    init() {
        spill = ScratchFile("the id hashes")
    }

    /// The hash of an id, its spaces at either end left out (`C-17 ` is `C-17`).
    @inline(__always)
    static func hash(_ field: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var start = 0, end = field.count
        while start < end, field[start] == 0x20 || field[start] == 0x09 { start += 1 }
        while end > start, field[end - 1] == 0x20 || field[end - 1] == 0x09 { end -= 1 }
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(end - start)
        var i = start
        guard let p = field.baseAddress else { return mix(h) }
        while i + 8 <= end {
            h = mix(h ^ UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self))
            i += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < end {
            tail |= UInt64(p[i]) << shift
            shift += 8
            i += 1
        }
        return mix(h ^ tail)
    }

    @inline(__always)
    private static func mix(_ x: UInt64) -> UInt64 {
        var x = x
        x ^= x >> 32
        x &*= 0xD6E8_FEB8_6659_FD93
        x ^= x >> 32
        x &*= 0xD6E8_FEB8_6659_FD93
        x ^= x >> 32
        return x
    }

    /// A chunk's hashes, in any order.
    func add(_ hashes: [UInt64]) throws(BatchFailure) {
        count += hashes.count
        guard let spill else {
            kept += hashes
            return
        }
        try hashes.withUnsafeBytes { raw in Result { () throws(BatchFailure) in try spill.append(raw) } }.get()
    }

    /// Whether two hashes are equal, reading the spill once per slice of the hash space.
    func found(jobs: Int) throws(BatchFailure) -> Bool { try firstRepeat(jobs: jobs) != nil }

    /// A hash that occurs twice, if one does.
    func firstRepeat(jobs: Int) throws(BatchFailure) -> UInt64? {
        guard count > 1 else { return nil }
        let rounds = (count + Self.slice - 1) / Self.slice
        var slice: [UInt64] = []
        slice.reserveCapacity(min(count, Self.slice + Self.slice / 4))
        for round in 0..<rounds {
            slice.removeAll(keepingCapacity: true)
            // Each round keeps the hashes whose top bits fall in its share of the range.
            let low = UInt64(round) * (UInt64.max / UInt64(rounds)), high = round == rounds - 1 ? UInt64.max : low + UInt64.max / UInt64(rounds) - 1
            func take(_ hashes: UnsafeBufferPointer<UInt64>) {
                for h in hashes where h >= low && h <= high { slice.append(h) }
            }
            if let spill {
                try spill.forEachSlice(stride: 8) { (raw) throws(BatchFailure) in take(raw.assumingMemoryBound(to: UInt64.self)) }
            } else {
                kept.withUnsafeBufferPointer(take)
            }
            let repeated = slice.withUnsafeMutableBufferPointer { keys -> UInt64? in
                RadixSort.descending(keys, jobs: jobs)
                for k in keys.indices.dropFirst() where keys[k] == keys[k - 1] { return keys[k] }
                return nil
            }
            if let repeated { return repeated }
        }
        return nil
    }
}
