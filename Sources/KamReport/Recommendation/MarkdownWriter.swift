/// The report as Markdown for pasting into documents: headings, paragraphs, lists and
/// tables only, no HTML. Every text is escaped, so an account named `<script>` or `*x*`
/// prints as written.
enum MarkdownWriter {
    static func write(_ doc: ReportDocument) -> String {
        var out = "# \(Markdown.escape(doc.title))\n"
        for section in doc.sections {
            out += "\n## \(Markdown.escape(section.title))\n"
            for block in section.blocks {
                switch block {
                case .paragraph(let parts): out += "\n" + leading(inline(parts)) + "\n"
                case .heading(let text): out += "\n### \(Markdown.cell(text))\n"
                case .list(let items): out += "\n" + items.map { "- " + leading(inline($0)) }.joined(separator: "\n") + "\n"
                case .table(let t): out += "\n" + table(t)
                case .chart(let chart): out += self.chart(chart)
                }
            }
        }
        return out
    }

    /// A line that starts with `#`, `-`, `+` or `=` would become a heading or a list; a
    /// backslash keeps it text.
    static func leading(_ line: String) -> String {
        guard let first = line.first, "#-+=".contains(first) else { return line }
        return "\\" + line
    }

    static func inline(_ parts: [ReportDocument.Inline]) -> String {
        parts.map { part in
            let text: String
            switch part {
            case .text(let s): text = Markdown.escape(s)
            case .strong(let s): text = "**\(Markdown.escape(s))**"
            case .code(let s): text = "`\(s.replacingOccurrences(of: "`", with: "'"))`"
            }
            return text.replacingNewlines()  // a line break in a name must not start a new block
        }.joined()
    }

    static func table(_ t: ReportDocument.Table) -> String {
        var out = "| " + t.header.map(Markdown.cell).joined(separator: " | ") + " |\n"
        out += "|" + t.align.map { $0 == .right ? "---:|" : "---|" }.joined() + "\n"
        for row in t.rows { out += "| " + row.map { inline($0) }.joined(separator: " | ") + " |\n" }
        return out
    }

    /// The charts' figures are in the neighbouring tables, except the Pareto curve's: a few
    /// of its points as a table.
    static func chart(_ chart: Chart) -> String {
        guard case .pareto(let points, _) = chart, points.count > 1 else { return "" }
        let wanted = [0.01, 0.05, 0.1, 0.2, 0.5]
        let t = Messages.current
        var out = "\n| \(t("column.largest_accounts")) | \(t("column.share_of_sales")) |\n|---:|---:|\n"
        for w in wanted {
            guard let p = points.first(where: { $0.accounts >= w - 1e-9 }) else { continue }
            out += "| \(Figures.share(p.accounts)) | \(Figures.share(p.share)) |\n"
        }
        return out
    }
}
