import Dispatch

/// Accounts with equal measures, ordered by id: the bit filter that says most accounts are
/// not tied, the 8-byte id keys, and the builder that gathers them into their groups.
extension PortfolioFigures {
    static let tiedBitWords = 1 << 15  // 2^21 bits, 256 KiB

    static func bit(_ x: Double) -> Int {
        Int(truncatingIfNeeded: (x.bitPattern &* 0x9E37_79B9_7F4A_7C15) >> 43)  // 21 bits
    }

    /// The group of a measure shared by more than one account, or nil.
    public func tiedGroup(_ measure: Double) -> Int? {
        guard mayBeTied(measure), let g = group(of: measure), count(g) > 1 else { return nil }
        return g
    }

    /// False when no tied value has the measure's bit: most accounts are alone with their
    /// measure, and this says so without searching.
    func mayBeTied(_ measure: Double) -> Bool {
        guard !tiedBits.isEmpty else { return false }
        let h = Self.bit(measure == 0 ? 0 : measure)
        return tiedBits[h >> 6] & (1 << UInt64(h & 63)) != 0
    }

    /// The key that orders ids: their first eight bytes, big-endian, zero-padded. Zero sorts
    /// below every byte an id holds, so a shorter id sorts first, as byte order wants.
    public static func key(_ id: some Collection<UInt8>) -> UInt64 {
        var key: UInt64 = 0
        var n = 0
        for b in id.prefix(8) {
            key = key << 8 | UInt64(b)
            n += 1
        }
        return n == 8 ? key : key << (8 * UInt64(8 - n))
    }

    /// Collects the id keys of tied accounts straight into their final place, so that memory
    /// is one key per tied account and one cursor per group, nothing more.
    public struct TieBuilder: Sendable {
        fileprivate var keys: [UInt64]
        fileprivate var cursor: [Int32]
        /// Ranges of groups holding about the same number of keys, one per thread of
        /// `add(groups:pairs:jobs:)`, fixed at its first call (before any key moves a cursor).
        fileprivate var bounds: [Int32] = []

        /// Adds one tied account: its group (from `tiedGroup`) and its id's `key`.
        public mutating func add(group: Int32, key: UInt64) {
            let g = Int(group)
            keys[Int(cursor[g])] = key
            cursor[g] += 1
        }

        /// Adds accounts in file order: `groups[p]` is account `p`'s tied group (from
        /// `groups(pairs:)`, or -1 for one alone) and `pairs[2p + 1]` its key. Placing a key is a
        /// cache miss or two at millions of accounts, so `jobs` threads share the work, each
        /// placing the keys of its own range of groups: every group's keys stay in file order.
        public mutating func add(groups: [Int32], pairs: UnsafeBufferPointer<UInt64>, jobs: Int) {
            let parts = max(1, jobs)
            if bounds.count != parts + 1 {
                bounds = [Int32](repeating: Int32(cursor.count), count: parts + 1)
                bounds[0] = 0
                var part = 1
                for (g, start) in cursor.enumerated() where start >= 0 && part < parts && Int(start) >= keys.count * part / parts {
                    bounds[part] = Int32(g)
                    part += 1
                }
            }
            let bounds = self.bounds
            keys.withUnsafeMutableBufferPointer { keys in
                cursor.withUnsafeMutableBufferPointer { cursor in
                    groups.withUnsafeBufferPointer { groups in
                        let shared = Shared(keys: keys, cursor: cursor, groups: groups, pairs: pairs)
                        DispatchQueue.concurrentPerform(iterations: parts) { w in
                            let (low, high) = (bounds[w], bounds[w + 1])
                            for (p, g) in shared.groups.enumerated() where g >= low && g < high {
                                shared.keys[Int(shared.cursor[Int(g)])] = shared.pairs[2 * p + 1]
                                shared.cursor[Int(g)] += 1
                            }
                        }
                    }
                }
            }
        }

        /// What the threads of `add(groups:pairs:jobs:)` share; each writes only its own groups.
        private struct Shared: @unchecked Sendable {
            let keys: UnsafeMutableBufferPointer<UInt64>
            let cursor: UnsafeMutableBufferPointer<Int32>
            let groups: UnsafeBufferPointer<Int32>
            let pairs: UnsafeBufferPointer<UInt64>
        }
    }

    public func tieBuilder() -> TieBuilder {
        var cursor = [Int32](repeating: -1, count: groupCount)
        var next = 0
        for g in 0..<groupCount {
            let c = count(g)
            guard c > 1 else { continue }
            cursor[g] = Int32(next)
            next += Int(c)
        }
        return TieBuilder(keys: [UInt64](repeating: 0, count: next), cursor: cursor)
    }

    /// Sorts each tied group's keys. Returns the groups where two keys are equal: the ids there
    /// share their first eight bytes, so the caller supplies their whole ids with
    /// `setWholeIds` (unless every id is eight bytes or less, when equal keys are equal ids).
    @discardableResult
    public mutating func setTies(_ builder: inout TieBuilder) -> [Int] {
        // Taken out, not copied: at ten million accounts the keys are 50 MB.
        var keys: [UInt64] = []
        swap(&keys, &builder.keys)
        builder.cursor = []
        var start = 0
        var colliding: [Int] = []
        for g in 0..<groupCount {
            let c = count(g)
            guard c > 1 else { continue }
            let end = start + Int(c)
            keys[start..<end].sort()
            if (start + 1..<end).contains(where: { keys[$0] == keys[$0 - 1] }) { colliding.append(g) }
            start = end
        }
        tieKeys = keys
        return colliding
    }

    /// The whole ids of the accounts of the given tied groups, for groups whose keys collide.
    public mutating func setWholeIds(_ ids: [Int: [[UInt8]]]) {
        for (g, list) in ids { longIds[g] = list.sorted { $0.lexicographicallyPrecedes($1) } }
    }
}
