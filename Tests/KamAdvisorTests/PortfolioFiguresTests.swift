import Foundation
import KamAdvisor
import KamTestSupport
import Testing

/// The portfolio figures against a plain computation: sort everything, walk it.
struct PortfolioFiguresTests {
    /// `offset` below zero makes some measures negative (a pack may allow them): then there is
    /// no bucket index and every look-up searches all values.
    @Test(arguments: [(50, 3, 0.0), (5_000, 40, 0.0), (5_000, 40, -100.0)])
    func everyFigureMatchesAPlainComputation(_ count: Int, _ distinct: Int, _ offset: Double) {
        var random = SplitMix64(seed: UInt64(count))
        // Few distinct values so that many accounts tie; some zeros; ids of varied length.
        let accounts: [(Double, [UInt8])] = (0..<count).map { i in
            let value = Double(random.next() % UInt64(distinct)) * 12.5 + offset
            let id = Array("C\(random.next() % 1_000_000)-\(i)".utf8)
            return (value, id)
        }
        var measures = accounts.map(\.0)
        guard var figures = PortfolioFigures(measures: &measures) else {
            Issue.record("no figures")
            return
        }
        var builder = figures.tieBuilder()
        for (value, id) in accounts {
            if let g = figures.tiedGroup(value) { builder.add(group: Int32(g), key: PortfolioFigures.key(id)) }
        }
        let colliding = Set(figures.setTies(&builder))
        var whole: [Int: [[UInt8]]] = [:]
        for (value, id) in accounts {
            if let g = figures.tiedGroup(value), colliding.contains(g) { whole[g, default: []].append(id) }
        }
        figures.setWholeIds(whole)

        let order = accounts.indices.sorted { a, b in
            let (x, y) = (accounts[a], accounts[b])
            return x.0 != y.0 ? x.0 > y.0 : x.1.lexicographicallyPrecedes(y.1)
        }
        let total = accounts.reduce(0) { $0 + $1.0 }
        #expect(abs(figures.total - total) <= total * 1e-12)
        #expect(figures.accounts == count)
        var before = 0.0
        for (rank, index) in order.enumerated() {
            let (value, id) = accounts[index]
            let account = figures.account(measure: value, id: id)
            #expect(account.rank == rank + 1)
            #expect(abs(account.cumulativeShareBefore - before / total) <= 1e-9)
            let smaller = accounts.filter { $0.0 < value }.count
            if rank % 997 == 0 { #expect(account.percentile == Double(smaller) / Double(count)) }
            before += value
        }
        let shares = accounts.map { $0.0 / total }
        #expect(abs(figures.hhi - shares.reduce(0) { $0 + $1 * $1 }) <= 1e-12)
        expectBatchesAgree(figures, accounts, colliding: colliding)
    }

    @Test func concentrationFromAmounts() throws {
        let c = try #require(Concentration(amounts: [50, 20, 10, 10, 5, 5]))
        #expect(c.customers == 6)
        #expect(c.largestSharePct == 50)
        #expect(c.top20SharePct == 70)  // the largest ⌈6/5⌉ = 2 customers
        #expect(c.top10SharePct == 100)  // fewer than ten: all of them
        let many = try #require(Concentration(amounts: Array(repeating: 1, count: 40)))
        #expect(many.top10SharePct == 25)
        #expect(abs(c.hhi - (2500 + 400 + 100 + 100 + 25 + 25)) < 1e-9)
        #expect(Concentration(amounts: []) == nil)
        #expect(Concentration(amounts: [0, 0]) == nil)
        let equal = try #require(Concentration(amounts: [3, 3, 3, 3]))
        #expect(abs(equal.gini) < 1e-12)
    }
}

extension PortfolioFiguresTests {
    /// Large enough for the two-core sort; checked in bulk so the test stays quick.
    @Test func aLargePortfolioIsRankedInOrder() throws {
        var random = SplitMix64(seed: 7)
        let values = (0..<200_000).map { _ in Double(random.next() % 50_000) / 4 }
        var measures = values
        let figures = try #require(PortfolioFigures(measures: &measures))
        let sorted = values.sorted(by: >)
        // Without ids the first of each tied group is reported: its rank is 1 + the number of
        // larger values, which the plain sort gives as the first index of the value.
        var firstIndex: [Double: Int] = [:]
        for (i, v) in sorted.enumerated() where firstIndex[v] == nil { firstIndex[v] = i }
        var wrong = 0
        for v in values.prefix(20_000) where figures.account(measure: v, id: [UInt8]()).rank != firstIndex[v]! + 1 {
            wrong += 1
        }
        #expect(wrong == 0)
        #expect(figures.accounts == 200_000)
    }
}

extension PortfolioFiguresTests {
    /// Sales-like measures: heavy-tailed, in cents, most of them in a few binades, which is
    /// what the bucket index has to spread; plus a zero, a subnormal and a huge value.
    @Test func skewedMeasuresAreFoundAndPlaced() throws {
        var random = SplitMix64(seed: 11)
        var accounts: [(Double, [UInt8])] = (0..<100_000).map { i in
            let u = Double(random.next() % 1_000_000 + 1) / 1_000_001
            let value = (10_000 / pow(u, 1 / 1.16) * 100).rounded() / 100
            return (value, Array(String(format: "A%07d", i).utf8))
        }
        accounts += [(0, Array("Z0".utf8)), (Double.leastNonzeroMagnitude, Array("Z1".utf8)), (1e300, Array("Z2".utf8)), (0, Array("Z3".utf8))]
        var measures = accounts.map(\.0)
        var figures = try #require(PortfolioFigures(measures: &measures))
        var builder = figures.tieBuilder()
        for (value, id) in accounts {
            if let g = figures.tiedGroup(value) { builder.add(group: Int32(g), key: PortfolioFigures.key(id)) }
        }
        #expect(figures.setTies(&builder).isEmpty)  // eight-byte ids never collide
        let sorted = accounts.sorted { $0.0 != $1.0 ? $0.0 > $1.0 : $0.1.lexicographicallyPrecedes($1.1) }
        var rank: [[UInt8]: Int] = [:]
        for (i, account) in sorted.enumerated() { rank[account.1] = i + 1 }
        var wrong = 0
        for (value, id) in accounts where figures.account(measure: value, id: id).rank != rank[id] { wrong += 1 }
        #expect(wrong == 0)
        expectBatchesAgree(figures, accounts, colliding: [])
    }

    /// The batched look-ups give what the single ones give, figure for figure; an account of a
    /// group whose ids collide in their first eight bytes gets none (its whole id places it).
    func expectBatchesAgree(_ figures: PortfolioFigures, _ accounts: [(Double, [UInt8])], colliding: Set<Int>) {
        let pairs = accounts.flatMap { [$0.0.bitPattern, PortfolioFigures.key($0.1)] }
        var placed = 0, tied = 0, wrong = 0
        pairs.withUnsafeBufferPointer { pairs in
            figures.accounts(pairs: pairs) { p, batched in
                let (value, id) = accounts[p]
                let single = figures.account(measure: value, id: id)
                placed += 1
                guard let batched else {
                    if !colliding.contains(figures.tiedGroup(value) ?? -1) { wrong += 1 }
                    return
                }
                if batched.rank != single.rank || batched.share != single.share || batched.percentile != single.percentile
                    || batched.cumulativeShareBefore != single.cumulativeShareBefore
                {
                    wrong += 1
                }
            }
            var known: [Int32] = []
            figures.groups(pairs: pairs) { p, found in
                if found?.tied == true ? found?.group != figures.tiedGroup(accounts[p].0) : figures.tiedGroup(accounts[p].0) != nil { wrong += 1 }
                if found?.tied == true { tied += 1 }
                known.append(Int32(found?.group ?? -1))
            }
            // Starting from the groups found, the look-ups give the same figures.
            known.withUnsafeBufferPointer { known in
                figures.accounts(pairs: pairs, groups: known) { p, fromGroup in
                    let (value, id) = accounts[p]
                    guard let fromGroup else {
                        if !colliding.contains(figures.tiedGroup(value) ?? -1) { wrong += 1 }
                        return
                    }
                    let single = figures.account(measure: value, id: id)
                    if fromGroup.rank != single.rank || fromGroup.share != single.share || fromGroup.percentile != single.percentile
                        || fromGroup.cumulativeShareBefore != single.cumulativeShareBefore
                    {
                        wrong += 1
                    }
                }
            }
        }
        #expect(placed == accounts.count)
        #expect(wrong == 0)
        #expect(tied == accounts.filter { figures.tiedGroup($0.0) != nil }.count)
    }
}

/// The concentration a portfolio gives equals the one computed from the amounts directly.
struct ConcentrationFromPortfolioTests {
    @Test(arguments: [1, 2, 3])
    func bothWaysAgree(_ seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        var amounts = (0..<(1 + Int(rng.next() % 500))).map { _ in Double(rng.next() % 1_000) * (rng.next() % 9 == 0 ? 100 : 1) }
        amounts[0] += 1
        let direct = try #require(Concentration(amounts: amounts))
        var measures = amounts
        let figures = try #require(PortfolioFigures(measures: &measures))
        let viaPortfolio = try #require(Concentration(portfolio: figures))
        #expect(viaPortfolio.customers == direct.customers)
        #expect(abs(viaPortfolio.total - direct.total) <= 1e-9 * direct.total)
        #expect(abs(viaPortfolio.top20SharePct - direct.top20SharePct) < 1e-9)
        #expect(abs(viaPortfolio.top10SharePct - direct.top10SharePct) < 1e-9)
        #expect(abs(viaPortfolio.largestSharePct - direct.largestSharePct) < 1e-9)
        #expect(abs(viaPortfolio.hhi - direct.hhi) < 1e-6)
        #expect(abs(viaPortfolio.gini - direct.gini) < 1e-9)
    }
}
