import KamCSV
import KamAdvisor
import KamExpr

/// Numbers as the reports print them, the same in every format so they can be compared, and
/// as the run's language writes them: `1,234,567` and `12.5%` in English; `1 234 567` (a
/// no-break space between groups) and `12,5 %` in Russian.
enum Figures {
    private struct Style {
        let group: String
        let decimal: String
        let percent: String
        let minus: String
    }

    private static var style: Style {
        switch Messages.current.language {
        case "ru": Style(group: "\u{A0}", decimal: ",", percent: "\u{A0}%", minus: "\u{2212}")
        default: Style(group: ",", decimal: ".", percent: "%", minus: "-")
        }
    }

    /// Whole amounts with thousands grouped; `–` for none.
    static func money(_ x: Double?) -> String {
        guard let x, x.isFinite else { return "–" }
        // Beyond 2^53 whole numbers are not exact anyway, and Int64 would trap near 2^63.
        guard abs(x) < 1e15 else { return decimal(NumberFormat.shortest(x)) }
        return grouped(Int64(x.rounded()))
    }

    static func count(_ n: Int) -> String { grouped(Int64(n)) }

    private static func grouped(_ n: Int64) -> String {
        let digits = String(n.magnitude)
        let separator = style.group
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out += separator }
            out.append(c)
        }
        return (n < 0 ? style.minus : "") + out
    }

    /// A percentage with one decimal: `12.5%`.
    static func percent(_ x: Double?) -> String {
        guard let x, x.isFinite else { return "–" }
        return decimal(NumberFormat.shortest(rounded(x, 1))) + style.percent
    }

    /// A share (0–1) as a percentage.
    static func share(_ x: Double?) -> String { percent(x.map { $0 * 100 }) }

    static func score(_ x: Double) -> String { decimal(NumberFormat.shortest(rounded(x, 1))) }

    static func number(_ x: Double?, digits: Int = 2) -> String {
        guard let x, x.isFinite else { return "–" }
        return decimal(NumberFormat.shortest(rounded(x, digits)))
    }

    /// A number exactly as the engine prints it (the shortest decimal that reads back the
    /// same), with the language's decimal mark: for values a rule decided on.
    static func plain(_ x: Double) -> String { decimal(NumberFormat.shortest(x)) }

    /// A day as the language writes it: `2026-11-30` in English reports (ISO, unambiguous to
    /// every reader), `30.11.2026` in Russian.
    static func date(_ d: CalendarDay) -> String {
        guard Messages.current.language == "ru" else { return d.description }
        let iso = d.description.split(separator: "-")
        return "\(iso[2]).\(iso[1]).\(iso[0])"
    }

    /// A number as the engine prints it, with the language's decimal mark.
    private static func decimal(_ text: String) -> String {
        let style = style
        guard style.decimal != "." else { return text }
        let marked = text.replacingOccurrences(of: ".", with: style.decimal)
        return marked.hasPrefix("-") ? style.minus + marked.dropFirst() : marked
    }
}
