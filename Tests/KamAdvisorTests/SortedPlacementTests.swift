import Foundation
@testable import KamAdvisor
import KamTestSupport
import Testing

/// Placing every account by one sort (`PortfolioFigures.sorted`) against the way it replaces
/// up to a size: the figures from the measures, the ties ordered by the builder, each account
/// looked up (`accounts(pairs:)`). Every figure must be the same bit for bit, or a scored
/// file would change with its size.
struct SortedPlacementTests {
    /// Many ties (few distinct values), zeros and a negative zero, ids of every length, ids
    /// that share their first eight bytes in one tied group, and a repeated short id.
    static func accounts(_ count: Int, seed: UInt64) -> [(Double, [UInt8])] {
        var random = SplitMix64(seed: seed)
        var accounts: [(Double, [UInt8])] = (0..<count).map { i in
            let value = random.next() % 4 == 0
                ? (10_000 / pow(Double(random.next() % 1_000 + 1) / 1_001, 1 / 1.16)).rounded() / 100
                : Double(random.next() % 30) * 12.5
            let id = random.next() % 3 == 0 ? "C\(random.next() % 1_000)-\(i)" : "\(i)"
            return (value, Array(id.utf8))
        }
        accounts += [(-0.0, Array("negative zero".utf8)), (0, Array("zero".utf8)),
                     (25, Array("SAMEPREFIX-1".utf8)), (25, Array("SAMEPREFIX-2".utf8)), (25, Array("SAMEPREFIX".utf8)),
                     (37.5, Array("twin".utf8)), (37.5, Array("twin".utf8))]
        var order = Array(accounts.indices)
        for i in order.indices.reversed() { order.swapAt(i, Int(random.next() % UInt64(i + 1))) }
        return order.map { accounts[$0] }
    }

    /// The figures, the ordered ties and every account's figures, the way `RankPass` takes
    /// beyond the sort's limit.
    static func lookedUp(_ accounts: [(Double, [UInt8])], long: Bool) throws -> (PortfolioFigures, [Int], [PortfolioFigures.Account?]) {
        var measures = accounts.map(\.0)
        var figures = try #require(PortfolioFigures(measures: &measures))
        var builder = figures.tieBuilder()
        for (value, id) in accounts {
            if let g = figures.tiedGroup(value) { builder.add(group: Int32(g), key: PortfolioFigures.key(id)) }
        }
        let colliding = long ? figures.setTies(&builder) : { figures.setTies(&builder); return [] }()
        var whole: [Int: [[UInt8]]] = [:]
        for (value, id) in accounts {
            if let g = figures.tiedGroup(value), colliding.contains(g) { whole[g, default: []].append(id) }
        }
        figures.setWholeIds(whole)
        var placed = [PortfolioFigures.Account?](repeating: nil, count: accounts.count)
        let pairs = accounts.flatMap { [$0.0.bitPattern, PortfolioFigures.key($0.1)] }
        pairs.withUnsafeBufferPointer { pairs in figures.accounts(pairs: pairs) { p, account in placed[p] = account } }
        return (figures, colliding, placed)
    }

    static func sorted(_ accounts: [(Double, [UInt8])], ids: Bool = true, long: Bool, jobs: Int) -> PortfolioFigures.Sorted? {
        var entries = accounts.enumerated().map { p, account in
            PortfolioFigures.SortEntry(measure: account.0.bitPattern, key: ids ? PortfolioFigures.key(account.1) : 0, index: p)
        }
        return entries.withUnsafeMutableBufferPointer { PortfolioFigures.sorted($0, ids: ids, long: long, jobs: jobs) }
    }

    @Test(arguments: [(1, true), (2, true), (3, false), (5, true)])
    func theSortGivesWhatTheLookUpsGive(_ jobs: Int, _ long: Bool) throws {
        let accounts = Self.accounts(20_000, seed: UInt64(jobs))
        let (expected, colliding, placements) = try Self.lookedUp(accounts, long: long)
        let sorted = try #require(Self.sorted(accounts, long: long, jobs: jobs))
        let figures = try #require(sorted.figures)
        #expect(figures.accounts == expected.accounts)
        #expect(figures.total.bitPattern == expected.total.bitPattern)
        #expect(figures.hhi.bitPattern == expected.hhi.bitPattern)
        #expect(figures.gini.bitPattern == expected.gini.bitPattern)
        #expect(figures.top10Share.bitPattern == expected.top10Share.bitPattern)
        #expect(figures.blocks == expected.blocks)
        #expect(figures.below == expected.below)
        #expect(figures.tiedBits == expected.tiedBits)
        #expect(figures.tieKeys == expected.tieKeys)
        #expect(Set(sorted.colliding) == Set(colliding))
        #expect(colliding.isEmpty != long)  // the SAMEPREFIX group collides only where ids are long
        var wrong = 0, unplaced = 0
        for (p, account) in placements.enumerated() {
            let other = sorted.placed[p].account(of: figures.accounts)
            if account == nil { unplaced += 1 }
            guard let account, let other else {
                if (account == nil) != (other == nil) { wrong += 1 }
                continue
            }
            if account.rank != other.rank || account.share.bitPattern != other.share.bitPattern
                || account.percentile.bitPattern != other.percentile.bitPattern
                || account.cumulativeShareBefore.bitPattern != other.cumulativeShareBefore.bitPattern
            {
                wrong += 1
            }
        }
        #expect(wrong == 0)
        // Whole ids place the accounts of the groups whose keys collide, and only those.
        #expect(unplaced == accounts.filter { colliding.contains(expected.tiedGroup($0.0) ?? -1) }.count)
    }

    /// Without ids, tied accounts share the first place of their group, as the look-ups give.
    @Test func withoutIdsTiedAccountsShareAPlace() throws {
        let accounts = Self.accounts(2_000, seed: 9)
        var measures = accounts.map(\.0)
        let expected = try #require(PortfolioFigures(measures: &measures))
        let sorted = try #require(Self.sorted(accounts, ids: false, long: false, jobs: 2))
        let figures = try #require(sorted.figures)
        #expect(figures.tieKeys.isEmpty)
        let pairs: [UInt64] = accounts.flatMap { [$0.0.bitPattern, 0] }
        var wrong = 0
        pairs.withUnsafeBufferPointer { pairs in
            expected.accounts(pairs: pairs) { p, account in
                if account?.rank != sorted.placed[p].account(of: figures.accounts)?.rank { wrong += 1 }
            }
        }
        #expect(wrong == 0)
    }

    /// Negative measures do not sort like their bits: the sort declines, and the look-ups
    /// place those accounts. Measures that add up to nothing give no figures either way.
    @Test func negativeMeasuresAndAZeroTotalAreLeftToTheLookUps() throws {
        #expect(Self.sorted([(5, Array("a".utf8)), (-1, Array("b".utf8))], long: false, jobs: 2) == nil)
        let zero = try #require(Self.sorted([(0, Array("a".utf8)), (0, Array("b".utf8))], long: false, jobs: 2))
        #expect(zero.figures == nil)
        var measures = [0.0, 0.0]
        #expect(PortfolioFigures(measures: &measures) == nil)
    }
}
