import KamExpr

/// Numbers as the reports print them; the same in every format, so they can be compared.
enum Figures {
    /// Whole amounts with thousands grouped by commas: `1,234,567`; `-` for none.
    static func money(_ x: Double?) -> String {
        guard let x, x.isFinite else { return "–" }
        // Beyond 2^53 whole numbers are not exact anyway, and Int64 would trap near 2^63.
        guard abs(x) < 1e15 else { return NumberFormat.shortest(x) }
        let n = Int64(x.rounded())
        let digits = String(abs(n))
        var grouped = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { grouped.append(",") }
            grouped.append(c)
        }
        return (n < 0 ? "-" : "") + grouped
    }

    /// A percentage with one decimal: `12.5%`.
    static func percent(_ x: Double?) -> String {
        guard let x, x.isFinite else { return "–" }
        return NumberFormat.shortest(rounded(x, 1)) + "%"
    }

    /// A share (0–1) as a percentage.
    static func share(_ x: Double?) -> String { percent(x.map { $0 * 100 }) }

    static func score(_ x: Double) -> String { NumberFormat.shortest(rounded(x, 1)) }

    static func number(_ x: Double?, digits: Int = 2) -> String {
        guard let x, x.isFinite else { return "–" }
        return NumberFormat.shortest(rounded(x, digits))
    }
}
