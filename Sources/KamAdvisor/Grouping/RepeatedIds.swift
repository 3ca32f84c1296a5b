import Foundation

/// Whether any account id occurs on more than one row — an ERP report with a line per
/// invoice — found while pass 1 reads the ids anyway. Each id's 64-bit hash is kept in one of
/// sixteen parts by its top bits: in memory up to a million hashes in all, past that in one
/// scratch file a part (8 bytes a row, in the page cache). After the pass each part goes into
/// a table of its own, open addressing on the hash's low bits, where a hash that finds itself
/// already there is a repeat: exact for distinct hashes, two parts at a time on two cores,
/// memory one part and its table. Two different ids sharing a hash (about one chance in 10^5
/// at ten million rows) only send the list through the grouping pass, which compares ids
/// whole and finds nothing to group.
final class RepeatedIds: @unchecked Sendable {
    static let parts = 16
    /// Hashes held in memory before the parts go to files: 8 MB.
    static let inMemory = 1 << 20
    /// Once in files, what a part gathers before it is written.
    static let buffered = 8 << 10

    /// Each part's hashes not yet written (all of them while there are no files).
    private var held = [[UInt64]](repeating: [], count: parts)
    private var files: [ScratchFile] = []
    private var written = [Int](repeating: 0, count: parts)
    private var filesUnusable = false
    private(set) var count = 0

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
            h = (h ^ UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)) &* 0xD6E8_FEB8_6659_FD93
            h ^= h >> 32
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

    @inline(__always)
    private static func part(_ h: UInt64) -> Int { Int(h >> 60) }

    /// Hashes ordered by part, and where each part's run ends, into `grouped`, whose arrays
    /// are reused from chunk to chunk: a counting sort on the top bits, done on the worker's
    /// thread so that only whole runs are copied when they are added.
    static func byPart(_ hashes: [UInt64], into grouped: inout (hashes: [UInt64], ends: [Int])) {
        // Each part's start, then moved past each hash placed: the starts become the ends.
        grouped.ends.removeAll(keepingCapacity: true)
        grouped.ends.append(contentsOf: repeatElement(0, count: parts + 1))
        for h in hashes { grouped.ends[part(h) + 1] += 1 }
        for p in 0..<parts { grouped.ends[p + 1] += grouped.ends[p] }
        grouped.hashes.removeAll(keepingCapacity: true)
        grouped.hashes.append(contentsOf: repeatElement(0, count: hashes.count))
        for h in hashes {
            let p = part(h)
            grouped.hashes[grouped.ends[p]] = h
            grouped.ends[p] += 1
        }
        grouped.ends.removeLast()
    }

    /// A chunk's hashes, in any order.
    func add(_ hashes: [UInt64]) throws(BatchFailure) {
        var grouped: (hashes: [UInt64], ends: [Int]) = ([], [])
        Self.byPart(hashes, into: &grouped)
        try add(grouped)
    }

    /// A chunk's hashes grouped by part (`byPart`).
    func add(_ grouped: (hashes: [UInt64], ends: [Int])) throws(BatchFailure) {
        count += grouped.hashes.count
        var start = 0
        for p in 0..<Self.parts {
            let end = grouped.ends[p]
            held[p] += grouped.hashes[start..<end]
            start = end
            if !files.isEmpty, held[p].count >= Self.buffered { try write(p) }
        }
        if files.isEmpty, count > Self.inMemory, !filesUnusable { try spill() }
    }

    /// From memory to the files, one a part.
    private func spill() throws(BatchFailure) {
        for _ in 0..<Self.parts {
            // Without a usable temporary folder the hashes stay in memory: 8 bytes a row.
            guard let file = ScratchFile("the id hashes") else {
                files = []
                filesUnusable = true
                return
            }
            files.append(file)
        }
        for p in 0..<Self.parts { try write(p) }
    }

    private func write(_ p: Int) throws(BatchFailure) {
        try held[p].withUnsafeBytes { raw in Result { () throws(BatchFailure) in try files[p].append(raw) } }.get()
        written[p] += held[p].count
        held[p].removeAll(keepingCapacity: true)
    }

    /// Whether two hashes are equal.
    func found(jobs: Int) throws(BatchFailure) -> Bool { try firstRepeat(jobs: jobs) != nil }

    /// Lets go of the hashes held in memory, once the answer is known.
    func release() {
        held = [[UInt64]](repeating: [], count: Self.parts)
    }

    /// A hash that occurs twice, if one does.
    func firstRepeat(jobs: Int) throws(BatchFailure) -> UInt64? {
        guard count > 1 else { return nil }
        let workers = max(1, min(2, jobs))
        // Each worker keeps one table and one list of hashes, sized for the largest part, from
        // part to part: new ones for every part were 20 MB of fresh pages a part at ten
        // million rows, zeroed by the kernel and then again here.
        let largest = (0..<Self.parts).map { written[$0] + held[$0].count }.max() ?? 0
        let scratch = (0..<workers).map { _ in Scratch(hashes: largest, slots: Self.slots(largest)) }
        defer { for s in scratch { s.free() } }
        let found = Parallel.map(Self.parts, jobs: workers) { (p: Int, w: Int) throws(BatchFailure) -> UInt64? in
            let s = scratch[w], written = self.written[p], held = self.held[p]
            if written > 0 {
                try self.files[p].read(UnsafeMutableRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(s.hashes)[..<(8 * written)]), at: 0)
            }
            _ = UnsafeMutableBufferPointer(rebasing: s.hashes[written...]).initialize(fromContentsOf: held)
            return Self.repeated(UnsafeBufferPointer(rebasing: s.hashes[..<(written + held.count)]), in: s.table)
        }
        for result in found { if let h = try result.get() { return h } }
        return nil
    }

    /// One worker's room for a part: its hashes and its table.
    private final class Scratch: @unchecked Sendable {
        let hashes: UnsafeMutableBufferPointer<UInt64>
        let table: UnsafeMutableBufferPointer<UInt64>

        init(hashes: Int, slots: Int) {
            self.hashes = .allocate(capacity: max(1, hashes))
            table = .allocate(capacity: slots)
        }

        func free() {
            hashes.deallocate()
            table.deallocate()
        }
    }

    /// The slots of a table for `count` hashes: a power of two, at least twice as many.
    static func slots(_ count: Int) -> Int {
        var size = 16
        while size < 2 * count { size *= 2 }
        return size
    }

    /// A hash that occurs twice among `hashes`: each put in a table of twice as many slots at
    /// the place its low bits say (the hashes are uniform, so they need no hashing again), the
    /// next free slot on a collision. `room` must hold `slots(hashes.count)`; its start is the
    /// table, cleared here.
    static func repeated(_ hashes: UnsafeBufferPointer<UInt64>, in room: UnsafeMutableBufferPointer<UInt64>) -> UInt64? {
        let size = slots(hashes.count)
        let table = UnsafeMutableBufferPointer(rebasing: room[..<size])
        table.initialize(repeating: 0)
        let mask = size - 1
        for h in hashes {
            let h = h == 0 ? 1 : h  // 0 marks a free slot
            var i = Int(truncatingIfNeeded: h) & mask
            while true {
                let there = table[i]
                if there == 0 {
                    table[i] = h
                    break
                }
                if there == h { return h }
                i = (i + 1) & mask
            }
        }
        return nil
    }
}
