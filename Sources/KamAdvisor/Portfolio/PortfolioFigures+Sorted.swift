import Dispatch

/// Every account's figures at once, from one sort of the accounts by measure.
///
/// `accounts(pairs:)` places accounts in file order, and at a million accounts each look-up
/// waits for memory: the tables it reads are larger than the cache this machine gets to use.
/// Sorted by measure, the accounts meet the groups in the tables' own order, so their figures
/// come from a running sum with nothing looked up, and the tied groups' keys fall into order
/// on the way. The sort holds 24 bytes an account and the figures kept 24 more, which is why
/// only portfolios up to a size take this way.
extension PortfolioFigures {
    /// One account as sorted: its measure's bits, its id key, its place in file order.
    struct SortEntry: RadixSortable {
        var measure: UInt64
        var key: UInt64
        var index: Int

        /// -0 sorts and groups as 0, as the figures count it.
        var radixKey: UInt64 { measure == 1 << 63 ? 0 : measure }
    }

    /// An account's figures, kept in 24 bytes until its row is scored; rank 0 for an account
    /// only its whole id places (its tied group holds ids that share their first eight bytes).
    struct Placed {
        let share: Double
        let cumulativeShareBefore: Double
        let rank: UInt32
        /// The accounts with a smaller measure, for the percentile.
        let smaller: UInt32

        static let unplaced = Placed(share: 0, cumulativeShareBefore: 0, rank: 0, smaller: 0)

        func account(of accounts: Int) -> Account? {
            rank == 0 ? nil
                : Account(share: share, rank: Int(rank), percentile: Double(smaller) / Double(accounts),
                          cumulativeShareBefore: cumulativeShareBefore)
        }
    }

    /// What one sort of the accounts gives.
    struct Sorted {
        /// Nil when the measures do not add up to a positive total.
        var figures: PortfolioFigures?
        /// Every account's figures, in file order.
        var placed: [Placed] = []
        /// The tied groups whose keys collide, for whole ids to order.
        var colliding: [Int] = []
    }

    /// The figures of the accounts in `entries` (each account's measure bits, id key and index
    /// in file order, indices `0..<count`), and each account's own, by file order, as
    /// `init(measures:)`, `setTies` and `accounts(pairs:)` give them, bit for bit: the same
    /// sums, added in the same order. Sorts `entries`.
    ///
    /// `ids`: the tied groups' keys are set, and the groups where two keys are equal are
    /// returned when `long` (some id is longer than its key): their accounts are left for
    /// whole ids to place.
    ///
    /// Nil when a measure is negative: negative doubles do not sort like their bits.
    static func sorted(_ entries: UnsafeMutableBufferPointer<SortEntry>, ids: Bool, long: Bool, jobs: Int) -> Sorted? {
        let n = entries.count
        guard n > 0, n < Int(UInt32.max), entries.allSatisfy({ $0.radixKey >> 63 == 0 }) else { return nil }
        RadixSort.descending(entries, jobs: jobs)
        let jobs = max(1, jobs)
        var figures: PortfolioFigures?
        var parts: [(start: Int, sums: Prefix)] = []
        var keys: [UInt64] = []
        var results: [Result<[Int], Never>] = []
        let placed = [Placed](unsafeUninitializedCapacity: n) { placed, count in
            // The figures are one ordered sum, on one core; meanwhile the placements' fresh
            // pages, each a fault for the kernel, are first written on another.
            let shared = Shared(entries: entries, keys: .init(start: nil, count: 0), placed: placed)
            let built = Parallel.map(2, jobs: jobs) { (task: Int, _: Int) -> PortfolioFigures? in
                if task == 1 {
                    shared.placed.initialize(repeating: .unplaced)
                    return nil
                }
                return Self.grouped(shared.entries)
            }
            count = n
            guard case .success(let made?) = built[0] else { return }
            figures = made
            // Parts that start where a group starts, each summing from the sums before its group.
            parts = [(0, made.prefix(0))]
            var g = 0, p = 0
            for k in 1..<jobs {
                while p < n * k / jobs {
                    p += Int(made.count(g))
                    g += 1
                }
                if p < n && p > parts.last!.start { parts.append((p, made.prefix(g))) }
            }
            let keyed = ids && made.hasTies
            let last = made.prefix(made.groupCount - 1)
            keys = [UInt64](repeating: 0, count: keyed ? last.tiedBefore + (last.count > 1 ? Int(last.count) : 0) : 0)
            keys.withUnsafeMutableBufferPointer { keys in
                let shared = Shared(entries: entries, keys: keys, placed: placed), parts = parts
                results = Parallel.map(parts.count, jobs: parts.count) { (w: Int, _: Int) -> [Int] in
                    let end = w + 1 < parts.count ? parts[w + 1].start : n
                    return made.sweep(shared, parts[w].start..<end, from: parts[w].sums, keyed: keyed, long: long)
                }
            }
        }
        guard var figures else { return Sorted(figures: nil) }
        var colliding: [Int] = []
        for case .success(let found) in results { colliding += found }
        if ids && figures.hasTies { figures.tieKeys = keys }
        return Sorted(figures: figures, placed: placed, colliding: colliding)
    }

    /// The figures of the sorted entries: their distinct measures and how many accounts have
    /// each. Nil when the measures do not add up to a positive total.
    private static func grouped(_ entries: UnsafeMutableBufferPointer<SortEntry>) -> PortfolioFigures? {
        let n = entries.count
        // Room for every account: pages never written to cost nothing, and growing by
        // doubling would copy.
        var values: [Double] = [], counts: [Int32] = []
        values.reserveCapacity(n)
        counts.reserveCapacity(n)
        var i = 0
        while i < n {
            let bits = entries[i].radixKey
            var j = i + 1
            while j < n && entries[j].radixKey == bits { j += 1 }
            values.append(Double(bitPattern: bits))
            counts.append(Int32(j - i))
            i = j
        }
        return PortfolioFigures(descending: values, counts: counts)
    }

    private struct Shared: @unchecked Sendable {
        let entries: UnsafeMutableBufferPointer<SortEntry>
        let keys: UnsafeMutableBufferPointer<UInt64>
        let placed: UnsafeMutableBufferPointer<Placed>
    }

    /// One part of `sorted`'s work: the sorted entries `range`, whose first group's sums
    /// before it are `sums`; each group's accounts are the next `count(g)` entries, as the
    /// figures were built from them. Returns the colliding groups.
    private func sweep(_ shared: Shared, _ range: Range<Int>, from sums: Prefix, keyed: Bool, long: Bool) -> [Int] {
        let entries = shared.entries, placed = shared.placed
        var running = sums.sum, seen = sums.before, tied = sums.tiedBefore, g = sums.group
        var colliding: [Int] = []
        var i = range.lowerBound
        while i < range.upperBound {
            let c = Int(count(g)), j = i + c, v = value(g)
            var whole = false
            if c > 1 && keyed {
                // A tied group's accounts follow their ids; equal keys share a place, as a
                // search among the group's keys gives them.
                var run = UnsafeMutableBufferPointer(rebasing: entries[i..<j])
                run.sort { $0.key < $1.key }
                for k in 0..<c { shared.keys[tied + k] = run[k].key }
                if long && (1..<c).contains(where: { run[$0].key == run[$0 - 1].key }) {
                    colliding.append(g)
                    whole = true
                }
            }
            if c > 1 { tied += c }
            let smaller = UInt32(accounts - seen - c)
            var place = 0
            for k in i..<j {
                let e = entries[k]
                if c > 1 && keyed && k > i && e.key != entries[k - 1].key { place = k - i }
                let m = Double(bitPattern: e.measure)
                placed[e.index] = whole ? .unplaced
                    : Placed(share: m / total, cumulativeShareBefore: (running + m * Double(place)) / total,
                             rank: UInt32(seen + place + 1), smaller: smaller)
            }
            running += v * Double(c)
            seen += c
            g += 1
            i = j
        }
        return colliding
    }
}
