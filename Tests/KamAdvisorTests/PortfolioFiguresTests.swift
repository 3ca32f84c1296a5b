import KamAdvisor
import KamTestSupport
import Testing

/// The portfolio figures against a plain computation: sort everything, walk it.
struct PortfolioFiguresTests {
    @Test(arguments: [(50, 3), (5_000, 40)])
    func everyFigureMatchesAPlainComputation(_ count: Int, _ distinct: Int) {
        var random = SplitMix64(seed: UInt64(count))
        // Few distinct values so that many accounts tie; some zeros; ids of varied length.
        let accounts: [(Double, [UInt8])] = (0..<count).map { i in
            let value = Double(random.next() % UInt64(distinct)) * 12.5
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
        let colliding = Set(figures.setTies(builder))
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
    }

    @Test func concentrationFromAmounts() throws {
        let c = try #require(Concentration(amounts: [50, 20, 10, 10, 5, 5]))
        #expect(c.customers == 6)
        #expect(c.largestSharePct == 50)
        #expect(c.top20SharePct == 70)  // the largest ⌈6/5⌉ = 2 customers
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
