import Dispatch
import Foundation

/// The figures an account-scoring pack reads about the whole portfolio: each account's share
/// of the measure (our 12-month sales), rank, percentile and the combined share of all larger
/// accounts (for ABC and Pareto), and the portfolio's total, HHI and Gini.
///
/// Built from the measures alone (the sorted distinct values and their counts, about 12 bytes
/// per distinct value), so memory stays a few bytes per account. Accounts with equal measures
/// are ordered by id, ascending: for those only, an 8-byte key of the id is kept (the id's
/// first eight bytes, which order ids as their bytes do), and the whole id only where two
/// tied ids share those eight bytes.
///
/// The cumulative share before an account is defined exactly: the sum, in descending order
/// of value, of value × count over all larger values, plus value × (tied accounts with a
/// smaller id), divided by the total. The same inputs give the same figures however the file
/// was split into chunks.
public struct PortfolioFigures: Sendable {
    public let accounts: Int
    public let total: Double
    /// Sum of squared shares, 0–1.
    public let hhi: Double
    public let gini: Double
    /// Combined share of the ten largest accounts.
    public let top10Share: Double

    /// Distinct measures, descending, with how many accounts have each.
    private let values: [Double]
    private let counts: [Int32]
    /// Every `stride`-th group's sum of value × count, accounts, and tied accounts before it.
    private let checkpoints: [Checkpoint]

    /// Kept together so that one cache line answers all three for a look-up.
    private struct Checkpoint: Sendable {
        let sum: Double
        let accounts: Int
        let tied: Int
    }
    private static let stride = 16
    /// An index into `values` by bit pattern (non-negative doubles sort like their bits), so
    /// that finding a value's group reads one or two cache lines instead of binary-searching
    /// millions of values. Each binary exponent gets a share of the buckets in proportion to
    /// the values it holds, split by the top bits of the mantissa: skewed measures such as
    /// sales, where most accounts sit in a few binades, still get about eight values a bucket.
    /// `binades[e]` is the first bucket of exponent `e` (high bits) and how far to shift the
    /// mantissa (low 8 bits); `below[k]` is how many values fall in buckets before `k`.
    private let binades: [UInt64]
    private let below: [Int32]
    public let hasTies: Bool
    /// One bit per hash of a tied value: most rows are not tied, and a clear bit says so
    /// without searching the table of values.
    private let tiedBits: [UInt64]
    /// The id keys of the accounts in tied groups, group by group in `values` order, each
    /// group's keys ascending.
    private var tieKeys: [UInt64] = []
    /// Whole ids, ascending, for the groups where two keys are equal.
    private var longIds: [Int: [[UInt8]]] = [:]

    /// Figures from every account's measure (in any order). Nil when the measures do not add
    /// up to a positive total. The array is sorted in place and emptied, so that a list of
    /// ten million accounts is never held twice.
    public init?(measures sorted: inout [Double]) {
        if sorted.allSatisfy({ $0 >= 0 }) {
            // Non-negative doubles order like their bit patterns, which sort faster.
            sorted.withUnsafeMutableBufferPointer { buffer in
                for i in buffer.indices where buffer[i] == 0 { buffer[i] = 0 }  // -0 is 0
                UnsafeMutableRawBufferPointer(buffer).withMemoryRebound(to: UInt64.self) { RadixSort.descending($0, jobs: System.cores) }
            }
        } else {
            sorted.sort(by: >)
        }
        // Distinct values and their counts, compacted in place. The counts get room for every
        // account at once: growing by doubling would copy them, and room never written to
        // costs no memory.
        var counts: [Int32] = []
        counts.reserveCapacity(sorted.count)
        var distinct = 0
        sorted.withUnsafeMutableBufferPointer { buffer in
            for i in buffer.indices {
                if distinct > 0 && buffer[distinct - 1] == buffer[i] {
                    counts[distinct - 1] += 1
                } else {
                    buffer[distinct] = buffer[i]
                    counts.append(1)
                    distinct += 1
                }
            }
        }
        // The distinct values stay where they are: a copy would hold both at once, at ten
        // million accounts 160 MB. The memory past them goes back to the system instead.
        sorted.removeLast(sorted.count - distinct)
        Self.release(beyond: &sorted)
        let values = sorted
        sorted = []
        self.init(descending: values, counts: counts)
    }

    /// Gives the pages of an array's spare capacity back to the system (they were written to
    /// and are no longer needed); the capacity itself stays, so nothing is copied.
    private static func release(beyond array: inout [Double]) {
        #if os(Linux)
        let page = Int(sysconf(Int32(_SC_PAGESIZE))), capacity = array.capacity
        array.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            let used = Int(bitPattern: UnsafeMutableRawPointer(base + buffer.count))
            let end = Int(bitPattern: UnsafeMutableRawPointer(base)) + capacity * MemoryLayout<Double>.stride
            let first = (used + page - 1) / page * page
            if end - first >= page {
                _ = madvise(UnsafeMutableRawPointer(bitPattern: first), (end - first) / page * page, MADV_DONTNEED)
            }
        }
        #endif
    }

    /// Figures from the distinct measures, descending, and how many accounts have each (as a
    /// merged portfolio file holds them). Nil when they do not add up to a positive total.
    public init?(descending values: [Double], counts: [Int32]) {
        var total = 0.0
        for (v, c) in zip(values, counts) { total += v * Double(c) }
        guard total > 0, total.isFinite else { return nil }
        var checkpoints: [Checkpoint] = []
        var running = 0.0, seen = 0, tied = 0
        var hhi = 0.0, top10 = 0.0, taken = 0
        for (g, (v, c)) in zip(values, counts).enumerated() {
            if g % Self.stride == 0 { checkpoints.append(Checkpoint(sum: running, accounts: seen, tied: tied)) }
            running += v * Double(c)
            seen += Int(c)
            if c > 1 { tied += Int(c) }
            let share = v / total
            hhi += share * share * Double(c)
            if taken < 10 {
                let k = min(10 - taken, Int(c))
                top10 += v * Double(k)
                taken += k
            }
        }
        // Gini from the ascending order: G = 2 Σ i·x(i) / (n Σ x) − (n + 1) / n.
        let n = seen
        var weighted = 0.0
        var index = 0  // accounts below the current group, ascending
        for g in values.indices.reversed() {  // (zip(...).reversed() would copy both arrays)
            let v = values[g], c = Int(counts[g])
            weighted += v * (Double(index + 1) + Double(index + c)) * Double(c) / 2
            index += c
        }
        self.accounts = n
        self.total = total
        self.hhi = hhi
        self.gini = max(0, 2 * weighted / (Double(n) * total) - Double(n + 1) / Double(n))
        self.top10Share = top10 / total
        self.values = values
        self.counts = counts
        self.checkpoints = checkpoints
        self.hasTies = tied > 0
        var bits = [UInt64](repeating: 0, count: tied > 0 ? Self.tiedBitWords : 0)
        if tied > 0 {
            for (v, c) in zip(values, counts) where c > 1 {
                let h = Self.bit(v)
                bits[h >> 6] |= 1 << UInt64(h & 63)
            }
        }
        self.tiedBits = bits
        (binades, below) = values.last.map { $0 >= 0 } == true ? Self.index(values) : ([], [])
    }

    private static let mantissa: UInt64 = (1 << 52) - 1

    /// The bucket index of `values` (descending, non-negative): about eight values a bucket,
    /// so at most a quarter as many buckets as values, plus one per exponent.
    private static func index(_ values: [Double]) -> ([UInt64], [Int32]) {
        var perBinade = [Int](repeating: 0, count: 2048)
        for v in values { perBinade[Int(bits(v) >> 52)] += 1 }
        var binades = [UInt64](repeating: 0, count: 2048)
        var buckets = 0
        for e in 0..<2048 {
            var bits = 0  // 2^bits buckets for this exponent: the fewest that give at most 8 values on average
            while bits < 52 && perBinade[e] > 8 << bits { bits += 1 }
            binades[e] = UInt64(buckets) << 8 | UInt64(52 - bits)
            buckets += 1 << bits
        }
        var below = [Int32](repeating: 0, count: buckets + 1)
        for v in values { below[bucket(v, binades) + 1] += 1 }
        for k in 0..<buckets { below[k + 1] += below[k] }
        return (binades, below)
    }

    private static func bucket(_ value: Double, _ binades: [UInt64]) -> Int {
        let bits = bits(value)
        let entry = binades[Int(bits >> 52)]
        return Int(entry >> 8) + Int((bits & mantissa) >> (entry & 0xFF))
    }

    /// The bit pattern of a non-negative value, -0 counted as 0.
    private static func bits(_ value: Double) -> UInt64 { (value == 0 ? 0 : value).bitPattern }

    private static let tiedBitWords = 1 << 15  // 2^21 bits, 256 KiB

    private static func bit(_ x: Double) -> Int {
        Int(truncatingIfNeeded: (x.bitPattern &* 0x9E37_79B9_7F4A_7C15) >> 43)  // 21 bits
    }

    /// The group of a measure shared by more than one account, or nil.
    public func tiedGroup(_ measure: Double) -> Int? {
        guard mayBeTied(measure), let g = group(of: measure), counts[g] > 1 else { return nil }
        return g
    }

    /// False when no tied value has the measure's bit: most accounts are alone with their
    /// measure, and this says so without searching.
    private func mayBeTied(_ measure: Double) -> Bool {
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
        /// `tiedGroups`, or -1 for one alone) and `pairs[2p + 1]` its key. Placing a key is a
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
        var cursor = [Int32](repeating: -1, count: values.count)
        var next = 0
        for (g, c) in counts.enumerated() where c > 1 {
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
        for (g, c) in counts.enumerated() where c > 1 {
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
    public func accounts(pairs: UnsafeBufferPointer<UInt64>, _ body: (Int, Account?) -> Void) {
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
                    groups(base, length, width, measure)
                    for j in 0..<width where base[j] < 0 { base[j] = 0 }  // not a measure of the portfolio
                    // The sums before each group, then each tied account's place among its group's ids.
                    for j in 0..<width { sums.initializeElement(at: j, to: prefix(base[j])) }
                    for j in 0..<width {
                        let g = base[j]
                        (base[j], length[j]) = (sums[j].tiedBefore, counts[g] > 1 && !tieKeys.isEmpty ? Int(counts[g]) : 0)
                    }
                    Self.search(base, length, width) { j, i in tieKeys[i] < pairs[2 * (start + j) + 1] }
                    for j in 0..<width {
                        let g = sums[j].group, m = measure(j)
                        if !longIds.isEmpty && counts[g] > 1 && longIds[g] != nil {
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

    /// The groups of the tied accounts among (measure bit pattern, id key) pairs, nil for an
    /// account alone with its measure, found sixteen at a time as `accounts(pairs:)` does.
    public func tiedGroups(pairs: UnsafeBufferPointer<UInt64>, _ body: (Int, Int?) -> Void) {
        let n = pairs.count / 2
        let lanes = 16
        withUnsafeTemporaryAllocation(of: Int.self, capacity: 2 * lanes) { state in
            let base = UnsafeMutableBufferPointer(rebasing: state[..<lanes])
            let length = UnsafeMutableBufferPointer(rebasing: state[lanes...])
            var start = 0
            while start < n {
                let width = min(lanes, n - start)
                groups(base, length, width, tiedOnly: true) { Double(bitPattern: pairs[2 * (start + $0)]) }
                for j in 0..<width {
                    let g = base[j]
                    body(start + j, g >= 0 && counts[g] > 1 ? g : nil)
                }
                start += width
            }
        }
    }

    /// Leaves in `base[j]` the group of `measure(j)` for each of `width` lanes, or -1 for a
    /// value that is not among the portfolio's: its bucket, then the first value not above it.
    /// `tiedOnly`: -1 also for a value the bits of tied values say is alone, without a search.
    private func groups(
        _ base: UnsafeMutableBufferPointer<Int>, _ length: UnsafeMutableBufferPointer<Int>, _ width: Int,
        tiedOnly: Bool = false, _ measure: (Int) -> Double
    ) {
        for j in 0..<width {
            let m = measure(j)
            if tiedOnly && !mayBeTied(m) {
                (base[j], length[j]) = (values.count, 0)  // found nowhere
            } else if !binades.isEmpty && m >= 0 {
                let k = Self.bucket(m, binades)
                (base[j], length[j]) = (values.count - Int(below[k + 1]), Int(below[k + 1] - below[k]))
            } else {
                (base[j], length[j]) = (0, values.count)
            }
        }
        Self.search(base, length, width) { j, i in values[i] > measure(j) }
        for j in 0..<width {
            let m = measure(j)
            let g = base[j] + (length[j] == 1 && values[base[j]] > m ? 1 : 0)
            base[j] = g < values.count && values[g] == m ? g : -1
        }
    }

    /// Halves every lane's range `base[j]..<base[j] + length[j]` in step until one element is
    /// left, keeping the part where `before(j, i)` turns false; the answer is that element, or
    /// the one after it where `before` still holds for it.
    private static func search(
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
    private func account(_ measure: Double, group g: Int, position: (_ tiedBefore: Int) -> Int) -> Account {
        let sums = prefix(g)
        return account(measure, sums, place: counts[g] > 1 ? position(sums.tiedBefore) : 0)
    }

    /// What comes before a group: the sum of its larger values, their accounts, and the tied
    /// accounts among those.
    private struct Prefix {
        var group: Int
        var sum: Double
        var before: Int
        var tiedBefore: Int
    }

    private func prefix(_ g: Int) -> Prefix {
        let block = g / Self.stride
        let checkpoint = checkpoints[block]
        var sums = Prefix(group: g, sum: checkpoint.sum, before: checkpoint.accounts, tiedBefore: checkpoint.tied)
        for h in (block * Self.stride)..<g {
            let c = counts[h]
            sums.sum += values[h] * Double(c)
            sums.before += Int(c)
            if c > 1 { sums.tiedBefore += Int(c) }
        }
        return sums
    }

    private func account(_ measure: Double, _ sums: Prefix, place: Int) -> Account {
        let smaller = accounts - sums.before - Int(counts[sums.group])
        return Account(
            share: measure / total, rank: sums.before + place + 1, percentile: Double(smaller) / Double(accounts),
            cumulativeShareBefore: (sums.sum + measure * Double(place)) / total)
    }

    private func position(of key: UInt64, group g: Int, tiedBefore start: Int) -> Int {
        guard !tieKeys.isEmpty else { return 0 }
        return Self.lowerBound(Int(counts[g])) { tieKeys[start + $0] < key }
    }

    /// The share of the total held by the `n` largest accounts.
    public func shareOfLargest(_ n: Int) -> Double {
        var taken = 0, sum = 0.0
        for (v, c) in zip(values, counts) where taken < n {
            let k = min(n - taken, Int(c))
            sum += v * Double(k)
            taken += k
        }
        return min(1, sum / total)
    }

    /// The largest account's measure.
    public var largest: Double { values.first ?? 0 }

    /// The Pareto curve: the share of the total held by the largest accounts, at `points`
    /// evenly spaced shares of the accounts (plus the origin), largest first. A chart needs a
    /// few hundred points, not one per account.
    public func paretoCurve(points: Int = 100) -> [(accounts: Double, share: Double)] {
        var curve: [(accounts: Double, share: Double)] = [(0, 0)]
        var group = 0, used = 0, taken = 0, sum = 0.0
        for k in Swift.stride(from: 1, through: points, by: 1) {
            let target = Int((Double(accounts) * Double(k) / Double(points)).rounded())
            while taken < target {
                let n = min(Int(counts[group]) - used, target - taken)
                sum += values[group] * Double(n)
                taken += n
                used += n
                if used == Int(counts[group]) { (group, used) = (group + 1, 0) }
            }
            curve.append((Double(taken) / Double(accounts), min(1, sum / total)))
        }
        return curve
    }

    /// The first index in 0..<count for which `less` is false.
    private static func lowerBound(_ count: Int, _ less: (Int) -> Bool) -> Int {
        var lo = 0, hi = count
        while lo < hi {
            let mid = (lo + hi) / 2
            if less(mid) { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    private func group(of measure: Double) -> Int? {
        var lo = 0, hi = values.count
        if !binades.isEmpty {
            guard measure >= 0 else { return nil }
            // The buckets count ascending values, `values` is descending.
            let k = Self.bucket(measure, binades)
            (lo, hi) = (values.count - Int(below[k + 1]), values.count - Int(below[k]))
        }
        while lo < hi {
            let mid = (lo + hi) / 2
            if values[mid] > measure { lo = mid + 1 } else { hi = mid }
        }
        return lo < values.count && values[lo] == measure ? lo : nil
    }
}
