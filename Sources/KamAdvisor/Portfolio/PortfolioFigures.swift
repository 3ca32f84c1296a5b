import Foundation

/// The figures an account-scoring pack reads about the whole portfolio: each account's share
/// of the measure (our 12-month sales), rank, percentile and the combined share of all larger
/// accounts (for ABC and Pareto), and the portfolio's total, HHI and Gini.
///
/// Built from the measures alone (the sorted distinct values, their counts and the sums before
/// every eighth, 15 bytes per distinct value), so memory stays a few bytes per account.
/// Accounts with equal measures are ordered by id, ascending: for those only, an 8-byte key of
/// the id is kept (the id's first eight bytes, which order ids as their bytes do), and the
/// whole id only where two tied ids share those eight bytes.
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

    /// The distinct measures, descending, with how many accounts have each, and before every
    /// `stride` of them (a block) the sum of value × count, the accounts and the tied accounts
    /// of the groups before: `blockWords` words a block, its three sums, its eight values,
    /// then its eight counts two to a word (`value(_:)`, `count(_:)`, `checkpoint(_:)`).
    ///
    /// Kept together because placing an account reads a group's value, the sums before its
    /// block and the counts up to it, and at a million accounts these tables come from memory,
    /// not the cache: in three arrays that was three or four lines in three places; here it
    /// is one stretch of 120 bytes. Blocks of sixteen took 10% less memory, but placing an
    /// account summed twice as many groups, from twice as many lines: at ten million rows
    /// the scoring pass took 10% more CPU time.
    let blocks: [UInt64]
    /// How many distinct measures.
    let groupCount: Int

    struct Checkpoint: Sendable {
        let sum: Double
        let accounts: Int
        let tied: Int
    }
    static let stride = 8
    static let blockWords = 3 + stride + stride / 2

    @inline(__always)
    func value(_ g: Int) -> Double {
        Double(bitPattern: blocks[g / Self.stride * Self.blockWords + 3 + g % Self.stride])
    }

    @inline(__always)
    func count(_ g: Int) -> Int32 {
        let word = blocks[g / Self.stride * Self.blockWords + 3 + Self.stride + g % Self.stride / 2]
        return Int32(truncatingIfNeeded: word >> (32 * UInt64(g & 1)))
    }

    /// The sums before block `b`.
    @inline(__always)
    func checkpoint(_ b: Int) -> Checkpoint {
        let at = b * Self.blockWords
        return Checkpoint(
            sum: Double(bitPattern: blocks[at]), accounts: Int(truncatingIfNeeded: blocks[at + 1]),
            tied: Int(truncatingIfNeeded: blocks[at + 2]))
    }

    /// An index into the groups by the measure's bit pattern (non-negative doubles sort like
    /// their bits), so that finding a value's group reads one or two cache lines instead of
    /// binary-searching millions of values. Each binary exponent gets a share of the buckets
    /// in proportion to the values it holds, split by the top bits of the mantissa: skewed
    /// measures such as sales, where most accounts sit in a few binades, still get about
    /// eight values a bucket.
    /// `binades[e]` is the first bucket of exponent `e` (high bits) and how far to shift the
    /// mantissa (low 8 bits); `below[k]` is how many values fall in buckets before `k`.
    let binades: [UInt64]
    let below: [Int32]
    public let hasTies: Bool
    /// One bit per hash of a tied value: most rows are not tied, and a clear bit says so
    /// without searching the table of values.
    let tiedBits: [UInt64]
    /// The id keys of the accounts in tied groups, group by group in descending order, each
    /// group's keys ascending.
    var tieKeys: [UInt64] = []
    /// Whole ids, ascending, for the groups where two keys are equal.
    var longIds: [Int: [[UInt8]]] = [:]

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
    static func release(beyond array: inout [Double]) {
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
    ///
    /// The blocks are a copy, so for a moment the arrays are held twice: at ten million
    /// accounts (5.1 million distinct measures) 130 MB, below the peak of the ties step.
    public init?(descending values: [Double], counts: [Int32]) {
        var total = 0.0
        for (v, c) in zip(values, counts) { total += v * Double(c) }
        guard total > 0, total.isFinite else { return nil }
        var blocks = [UInt64](repeating: 0, count: (values.count + Self.stride - 1) / Self.stride * Self.blockWords)
        var running = 0.0, seen = 0, tied = 0
        var hhi = 0.0, top10 = 0.0, taken = 0
        for (g, (v, c)) in zip(values, counts).enumerated() {
            let block = g / Self.stride * Self.blockWords, k = g % Self.stride
            if k == 0 {
                (blocks[block], blocks[block + 1], blocks[block + 2]) = (running.bitPattern, UInt64(seen), UInt64(tied))
            }
            blocks[block + 3 + k] = v.bitPattern
            blocks[block + 3 + Self.stride + k / 2] |= UInt64(UInt32(bitPattern: c)) << (32 * UInt64(k & 1))
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
        self.blocks = blocks
        self.groupCount = values.count
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

    static let mantissa: UInt64 = (1 << 52) - 1

    /// The bucket index of `values` (descending, non-negative): about eight values a bucket,
    /// so at most a quarter as many buckets as values, plus one per exponent.
    static func index(_ values: [Double]) -> ([UInt64], [Int32]) {
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

    static func bucket(_ value: Double, _ binades: [UInt64]) -> Int {
        let bits = bits(value)
        let entry = binades[Int(bits >> 52)]
        return Int(entry >> 8) + Int((bits & mantissa) >> (entry & 0xFF))
    }

    /// The bit pattern of a non-negative value, -0 counted as 0.
    static func bits(_ value: Double) -> UInt64 { (value == 0 ? 0 : value).bitPattern }

    /// The share of the total held by the `n` largest accounts.
    public func shareOfLargest(_ n: Int) -> Double {
        var taken = 0, sum = 0.0
        for g in 0..<groupCount where taken < n {
            let k = min(n - taken, Int(count(g)))
            sum += value(g) * Double(k)
            taken += k
        }
        return min(1, sum / total)
    }

    /// The largest account's measure.
    public var largest: Double { groupCount > 0 ? value(0) : 0 }

    /// The Pareto curve: the share of the total held by the largest accounts, at `points`
    /// evenly spaced shares of the accounts (plus the origin), largest first. A chart needs a
    /// few hundred points, not one per account.
    public func paretoCurve(points: Int = 100) -> [(accounts: Double, share: Double)] {
        var curve: [(accounts: Double, share: Double)] = [(0, 0)]
        var group = 0, used = 0, taken = 0, sum = 0.0
        for k in Swift.stride(from: 1, through: points, by: 1) {
            let target = Int((Double(accounts) * Double(k) / Double(points)).rounded())
            while taken < target {
                let n = min(Int(count(group)) - used, target - taken)
                sum += value(group) * Double(n)
                taken += n
                used += n
                if used == Int(count(group)) { (group, used) = (group + 1, 0) }
            }
            curve.append((Double(taken) / Double(accounts), min(1, sum / total)))
        }
        return curve
    }

    /// The first index in 0..<count for which `less` is false.
    static func lowerBound(_ count: Int, _ less: (Int) -> Bool) -> Int {
        var lo = 0, hi = count
        while lo < hi {
            let mid = (lo + hi) / 2
            if less(mid) { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    func group(of measure: Double) -> Int? {
        var lo = 0, hi = groupCount
        if !binades.isEmpty {
            guard measure >= 0 else { return nil }
            // The buckets count ascending values, the groups are descending.
            let k = Self.bucket(measure, binades)
            (lo, hi) = (groupCount - Int(below[k + 1]), groupCount - Int(below[k]))
        }
        while lo < hi {
            let mid = (lo + hi) / 2
            if value(mid) > measure { lo = mid + 1 } else { hi = mid }
        }
        return lo < groupCount && value(lo) == measure ? lo : nil
    }
}
