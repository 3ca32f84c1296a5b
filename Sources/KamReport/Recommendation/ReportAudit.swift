import KamAdvisor
import KamExpr
import KamRules

/// What a report was made from, for its appendix: a decision can be traced to the exact
/// files and rules behind it.
public struct ReportAudit: Sendable {
    public struct InputFile: Sendable {
        public let role: String
        public let path: String
        public let sha256: String
        public let bytes: Int
        /// Data rows read, for a customer list.
        public let rows: Int?

        public init(role: String, path: String, sha256: String, bytes: Int, rows: Int?) {
            self.role = role
            self.path = path
            self.sha256 = sha256
            self.bytes = bytes
            self.rows = rows
        }
    }

    public let kamVersion: String
    public let packs: [RulePack]
    public let inputs: [InputFile]

    public init(kamVersion: String, packs: [RulePack], inputs: [InputFile]) {
        self.kamVersion = kamVersion
        self.packs = packs
        self.inputs = inputs
    }
}

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

extension Recommendation {
    /// The three factors that gave the assessment the most points, best first.
    var mainReasons: [String] {
        guard let trace = assessment?.trace else { return [] }
        return trace.factors.enumerated()
            .filter { $0.element.state == .scored && ($0.element.points ?? 0) > 0 }
            .sorted { ($0.element.points ?? 0) != ($1.element.points ?? 0) ? ($0.element.points ?? 0) > ($1.element.points ?? 0) : $0.offset < $1.offset }
            .prefix(3).compactMap { $0.element.because }
    }

    /// What the report could not cover, and why.
    var missingInputs: [String] {
        var missing: [String] = []
        if assessment == nil { missing.append("questionnaire") }
        if review == nil { missing.append("customers") }
        return missing
    }
}
