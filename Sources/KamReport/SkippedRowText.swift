import KamAdvisor
import KamExpr

/// How a skipped row is told to a reader, on standard error and in the report.
public enum SkippedRowText {
    public static func describe(_ row: SkippedRow) -> String {
        switch row.reason {
        case .totalsLabel(let label):
            "skipped a totals line (\(JSONString.quote(label))): it sums other rows and is no account"
        case .totalsSum(let value, let sinceStart):
            "skipped a totals line: it has no id and its \(NumberFormat.shortest(value)) is the sum of the rows "
                + (sinceStart ? "above it" : "since the previous totals line")
        case .footer(let text):
            "skipped a note after the data: \(JSONString.quote(String(text.prefix(80))))"
        }
    }

    /// The reason as a word, for JSON: `totals_label`, `totals_sum` or `footer`.
    public static func kind(_ row: SkippedRow) -> String {
        switch row.reason {
        case .totalsLabel: "totals_label"
        case .totalsSum: "totals_sum"
        case .footer: "footer"
        }
    }
}
