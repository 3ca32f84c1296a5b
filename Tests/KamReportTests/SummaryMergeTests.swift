import Foundation
import KamAdvisor
import KamSource
import Testing

@testable import KamReport

/// `kam summary merge` reads each partition's counts back into a `BatchSummary` and adds them
/// with `+`, as the runs themselves would add.
struct SummaryMergeTests {
    /// A partition's summary as `kam score --summary` writes it, with a pack whose outcome is
    /// called `segment`, not `tier`.
    func summary(read: Int, scored: Int, key: Int, other: Int, none: Int, sum: String, total: String = "1000") -> SourceFile {
        SourceFile(path: "s\(read).json", text: """
            {
              "rows_read": \(read), "scored": \(scored), "rejected": \(read - scored), "skipped_totals": 0, "footer_lines": 0,
              "accounts": \(read), "grouped_lines": 0, "conflicting_values": 0, "accounts_in_portfolio": 9, "total": \(total),
              "segments": {"key": \(key), "other": \(other)},
              "classes": {"abc": {"none": \(none), "A": 1, "B": 0}},
              "score_sum": \(sum), "rules": {"id": "p", "version": "1", "sha256": "x"}, "columns": {"id": "account_id"}
            }
            """)
    }

    @Test func countsAddUpWhateverTheOutcomeIsCalled() throws {
        let (merged, diagnostics) = SummaryMerge.merge([
            summary(read: 4, scored: 3, key: 1, other: 2, none: 2, sum: "0.1"),
            summary(read: 5, scored: 5, key: 2, other: 3, none: 4, sum: "0.2"),
        ])
        #expect(diagnostics.isEmpty, "\(diagnostics)")
        let text = try #require(merged)
        #expect(text.contains("\"rows_read\": 9"))
        #expect(text.contains("\"rejected\": 1"))
        #expect(text.contains("\"key\": 3"), "\(text)")
        #expect(text.contains("\"other\": 5"))
        #expect(text.contains("\"none\": 6"))
        #expect(text.contains("\"A\": 2"))
        // Added as whole millionths: 0.1 + 0.2 is 0.3, not 0.30000000000000004.
        #expect(text.contains("\"score_sum\": 0.3\n") || text.contains("\"score_sum\": 0.3,"), "\(text)")
        #expect(text.contains("\"total\": 1000"))
    }

    @Test func figuresOfTheWholeListMustAgree() {
        let (merged, diagnostics) = SummaryMerge.merge([
            summary(read: 4, scored: 3, key: 1, other: 2, none: 2, sum: "1"),
            summary(read: 5, scored: 5, key: 2, other: 3, none: 4, sum: "2", total: "999"),
        ])
        #expect(merged == nil)
        #expect(diagnostics.contains { $0.message.contains("`total` differs") })
    }

    @Test func aCountThatIsNoWholeNumberIsRefused() {
        let bad = SourceFile(path: "bad.json", text: String(decoding: summary(read: 4, scored: 3, key: 1, other: 2, none: 2, sum: "1").bytes, as: UTF8.self)
            .replacingOccurrences(of: "\"scored\": 3", with: "\"scored\": 2.5"))
        let (merged, diagnostics) = SummaryMerge.merge([summary(read: 5, scored: 5, key: 2, other: 3, none: 4, sum: "2"), bad])
        #expect(merged == nil)
        #expect(diagnostics.contains { $0.message.contains("`scored` must be a whole number") })
    }

    @Test func aPartitionWithoutTheOutcomeOrWithBrokenCountsIsRefused() {
        func without(_ text: String, _ cut: String, _ by: String = "") -> SourceFile {
            let base = String(decoding: summary(read: 4, scored: 3, key: 1, other: 2, none: 2, sum: "1").bytes, as: UTF8.self)
            return SourceFile(path: text, text: base.replacingOccurrences(of: cut, with: by))
        }
        let good = summary(read: 5, scored: 5, key: 2, other: 3, none: 4, sum: "2")
        for (bad, message) in [
            (without("no-outcome.json", "\"segments\": {\"key\": 1, \"other\": 2},"), "`segments` is missing"),
            (without("text-count.json", "\"key\": 1", "\"key\": \"1\""), "`segments` must hold whole counts"),
            (without("half-count.json", "\"key\": 1", "\"key\": 1.5"), "`segments` must hold whole counts"),
            (without("no-classes.json", "\"classes\": {\"abc\": {\"none\": 2, \"A\": 1, \"B\": 0}},"), "`classes` is missing"),
        ] {
            let (merged, diagnostics) = SummaryMerge.merge([good, bad])
            #expect(merged == nil, "\(bad.path)")
            #expect(diagnostics.contains { $0.message.contains(message) }, "\(bad.path): \(diagnostics.map(\.message))")
        }
    }

    @Test func summariesAddAsRuns() {
        var a = BatchSummary(), b = BatchSummary()
        (a.rowsRead, a.scored, a.scoreMillionths, a.outcomes, a.classes) = (3, 2, 1_500_000, ["key": 1], ["abc": ["A": 1]])
        (b.rowsRead, b.scored, b.scoreMillionths, b.outcomes, b.classes) = (4, 4, 2_500_000, ["key": 2, "blocked": 1], ["abc": ["A": 1, "": 3]])
        let sum = a + b
        #expect(sum.rowsRead == 7 && sum.scored == 6)
        #expect(sum.scoreSum == 4)
        #expect(sum.outcomes == ["key": 3, "blocked": 1])
        #expect(sum.classes == ["abc": ["A": 2, "": 3]])
    }
}
