/// One account's figures (share, rank, percentile, cumulative share before it), found for one
/// measure or sixteen at a time, as the scoring pass asks.
extension PortfolioFigures {
    public struct Account: Sendable {
        public let share: Double
        public let rank: Int
        public let percentile: Double
        public let cumulativeShareBefore: Double
    }

    /// Whether `measure` is one of the measures the figures were built from.
    public func contains(measure: Double) -> Bool { group(of: measure) != nil }

    /// The figures of the account with this measure and id. The measure must be one of those
    /// the figures were built from.
    public func account(measure: Double, id: some Collection<UInt8>) -> Account {
        let g = group(of: measure) ?? 0
        return account(measure, group: g) { tiedBefore in
            if let ids = longIds[g] { return Self.lowerBound(ids.count) { ids[$0].lexicographicallyPrecedes(id) } }
            return position(of: Self.key(id), group: g, tiedBefore: tiedBefore)
        }
    }

    /// The figures of many accounts, as `account(measure:id:)` gives them, from (measure bit
    /// pattern, id key) pairs; `body` gets each pair's index and its figures, or nil when the
    /// key cannot place it: its tied group holds ids that share their first eight bytes, and
    /// only whole ids order those.
    ///
    /// At millions of accounts one look-up is a chain of dependent cache misses (bucket,
    /// group, sums, tied ids). Here sixteen look-ups advance one step at a time together,
    /// searching without branches to mispredict, so the processor waits for sixteen misses
    /// at once, not one after another.
    ///
    /// `known`: each pair's group, as `groups(pairs:)` gave it (-1 for none), which skips
    /// the search for it: half of a look-up's misses.
    public func accounts(pairs: UnsafeBufferPointer<UInt64>, groups known: UnsafeBufferPointer<Int32>? = nil, _ body: (Int, Account?) -> Void) {
        let n = pairs.count / 2
        let lanes = 16
        withUnsafeTemporaryAllocation(of: Int.self, capacity: 2 * lanes) { state in
            withUnsafeTemporaryAllocation(of: Prefix.self, capacity: lanes) { sums in
                let base = UnsafeMutableBufferPointer(rebasing: state[..<lanes])
                let length = UnsafeMutableBufferPointer(rebasing: state[lanes...])
                var start = 0
                while start < n {
                    let width = min(lanes, n - start)
                    func measure(_ j: Int) -> Double { Double(bitPattern: pairs[2 * (start + j)]) }
                    if let known {
                        for j in 0..<width { base[j] = Int(known[start + j]) }
                    } else {
                        groups(base, length, width, measure)
                    }
                    for j in 0..<width where base[j] < 0 { base[j] = 0 }  // not a measure of the portfolio
                    // The sums before each group, then each tied account's place among its group's ids.
                    // Every lane's checkpoint and first group are loaded before any lane sums the
                    // rest of its block, so the sixteen lanes' cache misses overlap instead of
                    // waiting one after another behind each lane's running sum.
                    for j in 0..<width { sums.initializeElement(at: j, to: prefixStart(base[j])) }
                    for j in 0..<width { prefixFinish(&sums[j]) }
                    for j in 0..<width {
                        (base[j], length[j]) = (sums[j].tiedBefore, sums[j].count > 1 && !tieKeys.isEmpty ? Int(sums[j].count) : 0)
                    }
                    Self.search(base, length, width) { j, i in tieKeys[i] < pairs[2 * (start + j) + 1] }
                    for j in 0..<width {
                        let g = sums[j].group, m = measure(j)
                        if !longIds.isEmpty && sums[j].count > 1 && longIds[g] != nil {
                            body(start + j, nil)
                            continue
                        }
                        var place = 0
                        if length[j] > 0 {
                            place = base[j] - sums[j].tiedBefore + (length[j] == 1 && tieKeys[base[j]] < pairs[2 * (start + j) + 1] ? 1 : 0)
                        }
                        body(start + j, account(m, sums[j], place: place))
                    }
                    start += width
                }
            }
        }
    }

    /// The group of each account among (measure bit pattern, id key) pairs, and whether it
    /// is tied (shared by more than one account); nil for a measure not among the
    /// portfolio's. Found sixteen at a time as `accounts(pairs:)` does.
    public func groups(pairs: UnsafeBufferPointer<UInt64>, _ body: (Int, (group: Int, tied: Bool)?) -> Void) {
        let n = pairs.count / 2
        let lanes = 16
        withUnsafeTemporaryAllocation(of: Int.self, capacity: 2 * lanes) { state in
            let base = UnsafeMutableBufferPointer(rebasing: state[..<lanes])
            let length = UnsafeMutableBufferPointer(rebasing: state[lanes...])
            var start = 0
            while start < n {
                let width = min(lanes, n - start)
                groups(base, length, width) { Double(bitPattern: pairs[2 * (start + $0)]) }
                for j in 0..<width {
                    let g = base[j]
                    body(start + j, g >= 0 ? (g, count(g) > 1) : nil)
                }
                start += width
            }
        }
    }

    /// Leaves in `base[j]` the group of `measure(j)` for each of `width` lanes, or -1 for a
    /// value that is not among the portfolio's: its bucket, then the first value not above it.
    func groups(
        _ base: UnsafeMutableBufferPointer<Int>, _ length: UnsafeMutableBufferPointer<Int>, _ width: Int, _ measure: (Int) -> Double
    ) {
        for j in 0..<width {
            let m = measure(j)
            if !binades.isEmpty && m >= 0 {
                let k = Self.bucket(m, binades)
                (base[j], length[j]) = (groupCount - Int(below[k + 1]), Int(below[k + 1] - below[k]))
            } else {
                (base[j], length[j]) = (0, groupCount)
            }
        }
        Self.search(base, length, width) { j, i in value(i) > measure(j) }
        for j in 0..<width {
            let m = measure(j)
            let g = base[j] + (length[j] == 1 && value(base[j]) > m ? 1 : 0)
            base[j] = g < groupCount && value(g) == m ? g : -1
        }
    }

    /// Halves every lane's range `base[j]..<base[j] + length[j]` in step until one element is
    /// left, keeping the part where `before(j, i)` turns false; the answer is that element, or
    /// the one after it where `before` still holds for it.
    static func search(
        _ base: UnsafeMutableBufferPointer<Int>, _ length: UnsafeMutableBufferPointer<Int>, _ width: Int,
        _ before: (_ lane: Int, _ index: Int) -> Bool
    ) {
        var longest = 2
        while longest > 1 {
            longest = 0
            for j in 0..<width where length[j] > 1 {
                let half = length[j] / 2
                base[j] = before(j, base[j] + half) ? base[j] + half : base[j]
                length[j] -= half
                longest = max(longest, length[j])
            }
        }
    }

    /// `position` gives an account's place among the tied accounts of its group, from the
    /// number of tied accounts in the groups before; it is asked only for a tied group.
    func account(_ measure: Double, group g: Int, position: (_ tiedBefore: Int) -> Int) -> Account {
        let sums = prefix(g)
        return account(measure, sums, place: sums.count > 1 ? position(sums.tiedBefore) : 0)
    }

    /// What comes before a group: the sum of its larger values, their accounts, and the tied
    /// accounts among those.
    struct Prefix {
        var group: Int
        var sum: Double
        var before: Int
        var tiedBefore: Int
        /// The group's own count, read with the others.
        var count: Int32 = 0

        mutating func add(_ value: Double, _ count: Int32) {
            sum += value * Double(count)
            before += Int(count)
            if count > 1 { tiedBefore += Int(count) }
        }
    }

    func prefix(_ g: Int) -> Prefix {
        var sums = prefixStart(g)
        prefixFinish(&sums)
        return sums
    }

    /// The sums at the checkpoint of group `g`'s block, with the block's first group added
    /// when it comes before `g`.
    func prefixStart(_ g: Int) -> Prefix {
        let first = g / Self.stride * Self.stride
        let checkpoint = checkpoint(first / Self.stride)
        var sums = Prefix(group: g, sum: checkpoint.sum, before: checkpoint.accounts, tiedBefore: checkpoint.tied)
        if first < g { sums.add(value(first), count(first)) }
        return sums
    }

    /// `prefixStart`'s sums with the rest of the block's groups before `g` added, in order,
    /// and the group's own count.
    func prefixFinish(_ sums: inout Prefix) {
        let first = sums.group / Self.stride * Self.stride
        if first + 1 < sums.group {
            for h in (first + 1)..<sums.group { sums.add(value(h), count(h)) }
        }
        sums.count = count(sums.group)
    }

    func account(_ measure: Double, _ sums: Prefix, place: Int) -> Account {
        let smaller = accounts - sums.before - Int(sums.count)
        return Account(
            share: measure / total, rank: sums.before + place + 1, percentile: Double(smaller) / Double(accounts),
            cumulativeShareBefore: (sums.sum + measure * Double(place)) / total)
    }

    func position(of key: UInt64, group g: Int, tiedBefore start: Int) -> Int {
        guard !tieKeys.isEmpty else { return 0 }
        return Self.lowerBound(Int(count(g))) { tieKeys[start + $0] < key }
    }
}
