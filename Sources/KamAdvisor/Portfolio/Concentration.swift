import KamRules

/// How concentrated sales are across customers: the figures the suitability assessment asks
/// for, computed from the amounts themselves.
public struct Concentration: Sendable, Equatable {
    public let customers: Int
    public let total: Double
    /// Share of the total from the largest 20% of customers (their count rounded up), 0–100.
    public let top20SharePct: Double
    /// Share of the total from the ten largest customers (all of them when fewer), 0–100.
    public let top10SharePct: Double
    /// Share of the total from the single largest customer, 0–100.
    public let largestSharePct: Double
    /// Herfindahl-Hirschman index: the sum of squared percentage shares, 0–10,000.
    public let hhi: Double
    /// Gini coefficient of the amounts, 0 (all equal) to nearly 1 (one customer has all).
    public let gini: Double

    init(customers: Int, total: Double, top20SharePct: Double, top10SharePct: Double, largestSharePct: Double, hhi: Double, gini: Double) {
        self.customers = customers
        self.total = total
        self.top20SharePct = top20SharePct
        self.top10SharePct = top10SharePct
        self.largestSharePct = largestSharePct
        self.hhi = hhi
        self.gini = gini
    }

    /// Nil when there is nothing to measure (no customers, or a total that is not positive).
    /// Amounts must not be negative; the caller reports rows that are.
    public init?(amounts: [Double]) {
        let n = amounts.count
        let total = amounts.reduce(0, +)
        guard n > 0, total > 0, total.isFinite else { return nil }
        let sorted = amounts.sorted(by: >)
        let top = max(1, (n + 4) / 5)
        customers = n
        self.total = total
        top20SharePct = 100 * sorted.prefix(top).reduce(0, +) / total
        top10SharePct = 100 * sorted.prefix(10).reduce(0, +) / total
        largestSharePct = 100 * sorted[0] / total
        hhi = sorted.reduce(0) { sum, x in
            let share = 100 * x / total
            return sum + share * share
        }
        // G = 2 Σ i·x(i) / (n Σ x) − (n + 1) / n, with x ascending and i from 1.
        var weighted = 0.0
        for (i, x) in sorted.reversed().enumerated() { weighted += Double(i + 1) * x }
        gini = max(0, 2 * weighted / (Double(n) * total) - Double(n + 1) / Double(n))
    }
}

extension Concentration {
    /// The questionnaire answers these figures give, for the questions `pack` asks, marked as
    /// computed from data. Shares keep two decimals and the Gini three, as a person reads
    /// them, so a verdict never hangs on a digit nobody sees.
    public func answers(for pack: RulePack) -> [String: Answer] {
        func answer(_ x: Double) -> Answer { Answer(value: .number(x), source: .customerData) }
        func twoDecimals(_ x: Double) -> Double { (x * 100).rounded() / 100 }
        let all = [
            "customer_count": answer(Double(customers)),
            "top20_customers_share_pct": answer(twoDecimals(top20SharePct)),
            "top10_customers_share_pct": answer(twoDecimals(top10SharePct)),
            "largest_customer_share_pct": answer(twoDecimals(largestSharePct)),
            "customer_hhi": answer(twoDecimals(hhi)),
            "customer_gini": answer((gini * 1000).rounded() / 1000),
        ]
        return all.filter { Self.questions(of: pack).contains($0.key) }
    }

    /// The questions of `pack` a customer list answers, known before the list is read.
    public static func questions(of pack: RulePack) -> Set<String> {
        Set(["customer_count", "top20_customers_share_pct", "top10_customers_share_pct", "largest_customer_share_pct", "customer_hhi",
             "customer_gini"]
            .filter { pack.input(named: $0) != nil })
    }
}
