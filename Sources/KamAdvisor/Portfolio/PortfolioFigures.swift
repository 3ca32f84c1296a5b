/// The figures an account-scoring pack reads about the whole portfolio: each account's share
/// of the measure (our 12-month sales), rank, percentile and the combined share of all larger
/// accounts (for ABC and Pareto), and the portfolio's total, HHI and Gini.
///
/// Built from the measures alone (the sorted distinct values and their counts, about 12 bytes
/// per distinct value), so memory stays a few bytes per account. Accounts with equal measures
/// are ordered by id, ascending; only their ids are kept, and only when there are ties.
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
    /// Every `stride`-th group's sum of value × count and account count before it.
    private let checkpointSums: [Double]
    private let checkpointCounts: [Int]
    private static let stride = 16
    /// A coarse index into `values` by the top bits of each value's bit pattern (non-negative
    /// doubles sort like their bits), so that finding a value's group is a short search in
    /// one bucket rather than a binary search over millions of values.
    private let bucketShift: UInt64
    private let bucketLow: UInt64
    private let bucketStarts: [Int32]
    /// For tied values only: the ids of the accounts sharing it, ascending.
    private var tiedIds: [Double: [[UInt8]]] = [:]
    /// The values more than one account has, for a quick test per row.
    private let tiedValues: Set<Double>

    /// Figures from every account's measure (in any order). Nil when the measures do not add
    /// up to a positive total. The array is sorted in place and emptied, so that a list of
    /// ten million accounts is never held twice.
    public init?(measures sorted: inout [Double]) {
        sorted.sort(by: >)
        var values: [Double] = []
        var counts: [Int32] = []
        for x in sorted {
            if let last = values.last, last == x {
                counts[counts.count - 1] += 1
            } else {
                values.append(x)
                counts.append(1)
            }
        }
        sorted = []
        var total = 0.0
        for (v, c) in zip(values, counts) { total += v * Double(c) }
        guard total > 0, total.isFinite else { return nil }
        var sums: [Double] = [], before: [Int] = []
        var running = 0.0, seen = 0
        var hhi = 0.0, top10 = 0.0, taken = 0
        for (g, (v, c)) in zip(values, counts).enumerated() {
            if g % Self.stride == 0 {
                sums.append(running)
                before.append(seen)
            }
            running += v * Double(c)
            seen += Int(c)
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
        for (v, c) in zip(values, counts).reversed() {
            let c = Int(c)
            // Σ of positions index+1 … index+c, times v.
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
        self.checkpointSums = sums
        self.checkpointCounts = before
        // Buckets by the value's top bits; at most about a million of them.
        if let smallest = values.last, let largest = values.first, smallest >= 0 {
            var shift: UInt64 = 32
            while (largest.bitPattern >> shift) - (smallest.bitPattern >> shift) > 1 << 20 { shift += 1 }
            let low = smallest.bitPattern >> shift, high = largest.bitPattern >> shift
            // starts[k] = first index (descending order) whose bucket is at most low + k.
            var starts = [Int32](repeating: Int32(values.count), count: Int(high - low) + 2)
            var index = values.count - 1
            for k in 0...Int(high - low) {
                while index >= 0 && (values[index].bitPattern >> shift) - low <= UInt64(k) { index -= 1 }
                starts[k] = Int32(index + 1)
            }
            bucketShift = shift
            bucketLow = low
            bucketStarts = starts
        } else {
            bucketShift = 0
            bucketLow = 0
            bucketStarts = []
        }
        var tied = Set<Double>()
        for (v, c) in zip(values, counts) where c > 1 { tied.insert(v) }
        self.tiedValues = tied
    }

    /// Whether more than one account has this measure, so ids are needed to order them.
    public func isTied(_ measure: Double) -> Bool { tiedValues.contains(measure) }

    public var hasTies: Bool { !tiedValues.isEmpty }

    /// Records the ids of tied accounts (from a pass over the file), in any order.
    public mutating func setTiedIds(_ ids: [Double: [[UInt8]]]) {
        tiedIds = ids.mapValues { $0.sorted { $0.lexicographicallyPrecedes($1) } }
    }

    public struct Account: Sendable {
        public let share: Double
        public let rank: Int
        public let percentile: Double
        public let cumulativeShareBefore: Double
    }

    /// The figures of the account with this measure and id. The measure must be one of those
    /// the figures were built from.
    public func account(measure: Double, id: some Collection<UInt8>) -> Account {
        let g = group(of: measure) ?? 0
        let block = g / Self.stride
        var sum = checkpointSums[block], before = checkpointCounts[block]
        for h in (block * Self.stride)..<g {
            sum += values[h] * Double(counts[h])
            before += Int(counts[h])
        }
        var position = 0
        if counts[g] > 1, let ids = tiedIds[measure] {
            // Accounts with this measure and a smaller id come first.
            var lo = 0, hi = ids.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if ids[mid].lexicographicallyPrecedes(id) { lo = mid + 1 } else { hi = mid }
            }
            position = lo
        }
        let smaller = accounts - before - Int(counts[g])
        return Account(
            share: measure / total, rank: before + position + 1, percentile: Double(smaller) / Double(accounts),
            cumulativeShareBefore: (sum + measure * Double(position)) / total)
    }

    private func group(of measure: Double) -> Int? {
        var lo = 0, hi = values.count
        if !bucketStarts.isEmpty, measure >= 0 {
            let key = measure.bitPattern >> bucketShift
            guard key >= bucketLow, Int(key - bucketLow) + 1 < bucketStarts.count else { return nil }
            let k = Int(key - bucketLow)
            // Values in bucket k sit from starts[k] (inclusive) back to starts[k - 1].
            lo = Int(bucketStarts[k])
            hi = k == 0 ? values.count : Int(bucketStarts[k - 1])
            (lo, hi) = (min(lo, hi), max(lo, hi))
        }
        while lo < hi {
            let mid = (lo + hi) / 2
            if values[mid] > measure { lo = mid + 1 } else { hi = mid }
        }
        return lo < values.count && values[lo] == measure ? lo : nil
    }
}
