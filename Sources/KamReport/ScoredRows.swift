import KamAdvisor
import KamRules
import KamSource

/// The columns of `kam score`'s output: the input's own columns, then `score`, `confidence`,
/// the outcome (`tier`), each classification and `reasons` — or the subset `--columns` asks for.
public struct OutputColumns: Sendable {
    public enum Column: Sendable, Equatable {
        case input(Int)
        case score
        /// The share of the pack's points whose inputs the row answered (0 to 1).
        case confidence
        case outcome
        case classification(Int)
        case reasons
    }

    public let columns: [Column]
    public let names: [String]

    /// All columns, or those named in `requested`; nil and a message when a name is unknown.
    public static func make(requested: [String]?, headers: [String], pack: RulePack) -> (OutputColumns?, String?) {
        var all: [(String, Column)] = headers.enumerated().map { ($1, .input($0)) }
        all.append(("score", .score))
        all.append(("confidence", .confidence))
        all.append((pack.outcome.name, .outcome))
        all += pack.classifications.enumerated().map { ($1.name, .classification($0)) }
        all.append(("reasons", .reasons))
        guard let requested else { return (OutputColumns(columns: all.map(\.1), names: all.map(\.0)), nil) }
        var picked: [(String, Column)] = []
        for name in requested {
            guard let found = all.first(where: { $0.0 == name }) else {
                let help = Suggestion.didYouMean(name, among: all.map(\.0)).map { "; \($0)" } ?? ""
                return (nil, "unknown output column `\(name)`\(help)")
            }
            picked.append(found)
        }
        return (OutputColumns(columns: picked.map(\.1), names: picked.map(\.0)), nil)
    }
}

/// The `--summary` file: what was read, scored and rejected, and the portfolio's figures.
public enum ScoreSummary {
    public static func json(_ s: BatchSummary, pack: RulePack, mapping: ColumnMapping) -> String {
        let p = s.portfolio
        return JSON.object(countFields.map { ($0.key, .number(Double(s[keyPath: $0.field]))) } + [
            ("accounts_in_portfolio", p.map { .number(Double($0.accounts)) } ?? .null),
            ("total", p.map { .number(rounded($0.total, 2)) } ?? .null),
            (pack.outcome.name + "s", counts(s.outcomes)),
            ("classes", .object(pack.classifications.map { ($0.name, counts(s.classes[$0.name] ?? [:])) })),
            ("score_sum", count("score_sum", of: s)!),
            ("top10_share", p.map { .number(rounded($0.top10Share, 6)) } ?? .null),
            ("hhi", p.map { .number(rounded($0.hhi, 6)) } ?? .null),
            ("equivalent_customers", p.map { $0.hhi > 0 ? .number(rounded(1 / $0.hhi, 2)) : .null } ?? .null),
            ("gini", p.map { .number(rounded($0.gini, 6)) } ?? .null),
            ("rules", .object([("id", .string(pack.id)), ("version", .string(pack.version)), ("sha256", .string(pack.hash))])),
            ("columns", .object(mapping.columns.map { ($0.header, $0.input.map(JSON.string) ?? .null) })),
        ]).pretty
    }

    /// The members that count rows and add up across partitions, in the file's order, and
    /// where each sits in a summary: the writer and `kam summary merge`'s reader both go by it.
    static var countFields: [(key: String, field: WritableKeyPath<BatchSummary, Int>)] {
        [
            ("rows_read", \.rowsRead), ("scored", \.scored), ("rejected", \.rejected), ("skipped_totals", \.skippedTotals),
            ("footer_lines", \.footerLines), ("accounts", \.accounts), ("grouped_lines", \.groupedLines),
            ("conflicting_values", \.conflictingValues),
        ]
    }

    /// The value of one of `countFields`' keys or `score_sum`; nil for any other key.
    static func count(_ key: String, of s: BatchSummary) -> JSON? {
        if key == "score_sum" { return .number(s.scoreSum) }
        return countFields.first { $0.key == key }.map { .number(Double(s[keyPath: $0.field])) }
    }

    /// Counts by name, sorted, rows no option held (the empty name) as `none`, first.
    static func counts(_ d: [String: Int]) -> JSON {
        .object(d.keys.sorted().map { ($0.isEmpty ? "none" : $0, .number(Double(d[$0]!))) })
    }
}
