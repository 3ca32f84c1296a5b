/// `kam score`'s answer on a terminal: the accounts it was given as an aligned table for a
/// person to read, where CSV would be a wall of commas. It only lays out what it is handed
/// (`ScoreTableRows` collects it), so the same rows always give the same text.
public struct ScoreTable: Sendable {
    public enum Column: Sendable, Equatable {
        case id, name, sales, score, tier, reason
    }

    public struct Row: Sendable, Equatable {
        public var id = ""
        public var name = ""
        /// Nil when the cell holds no number.
        public var sales: Double?
        public var score = 0.0
        public var tier = ""
        /// The reason that gave the most points; empty when no factor gave any.
        public var reason = ""

        public init(id: String = "", name: String = "", sales: Double? = nil, score: Double = 0, tier: String = "", reason: String = "") {
            (self.id, self.name, self.sales, self.score, self.tier, self.reason) = (id, name, sales, score, tier, reason)
        }
    }

    /// The columns shown, in order: those the pack has a value for.
    public var columns: [Column]
    public var rows: [Row]
    /// Accounts scored but not shown.
    public var more: Int
    /// The command that writes every account, offered on the line saying how many more there are.
    public var everything: String

    public init(columns: [Column], rows: [Row], more: Int, everything: String) {
        (self.columns, self.rows, self.more, self.everything) = (columns, rows, more, everything)
    }

    /// Cells between columns.
    static let gap = 2
    /// The fewest cells a name or reason is cut to, however narrow the terminal.
    static let narrowest = 6

    /// The table in at most `width` cells a line (unless even the narrowest columns need more),
    /// in the run's language: headings from the catalogue, figures as the reports write them.
    /// Names and reasons too long for the width end in `…`; numbers are right-aligned.
    public func text(width: Int) -> String {
        let t = Messages.current
        let headings = columns.map { column in
            switch column {
            case .id: t("column.id")
            case .name: t("column.account")
            case .sales: t("column.sales")
            case .score: t("column.score")
            case .tier: t("column.tier")
            case .reason: t("column.main_reason")
            }
        }
        let cells = rows.map { row in columns.map { Self.cell($0, of: row) } }
        var widths = columns.indices.map { c in cells.reduce(DisplayWidth.of(headings[c])) { max($0, DisplayWidth.of($1[c])) } }
        let flexible = columns.indices.filter { columns[$0] == .name || columns[$0] == .reason }
        let fixed = columns.indices.filter { !flexible.contains($0) }.reduce(Self.gap * (columns.count - 1)) { $0 + widths[$1] }
        Self.share(width - fixed, among: flexible, &widths)
        func line(_ cells: [String]) -> String {
            cells.indices.map { c in
                let text = DisplayWidth.truncated(cells[c], to: widths[c])
                let right = columns[c] == .sales || columns[c] == .score
                // The last column is not padded on the right, so no line ends in spaces.
                return c == cells.count - 1 && !right ? text : DisplayWidth.padded(text, to: widths[c], right: right)
            }.joined(separator: String(repeating: " ", count: Self.gap)) + "\n"
        }
        var out = line(headings)
        for row in cells { out += line(row) }
        if more > 0 { out += t("table.more", count: more, ["command": everything]) + "\n" }
        return out
    }

    /// A cell as the table shows it: figures in the language's style, and any character that
    /// would move the cursor or reorder the line (a line break inside a quoted CSV field, an
    /// escape sequence, a bidirectional override) made a space or dropped.
    static func cell(_ column: Column, of row: Row) -> String {
        switch column {
        case .id: printable(row.id)
        case .name: printable(row.name)
        case .sales: Figures.money(row.sales)
        case .score: Figures.score(row.score)
        case .tier: printable(row.tier)
        case .reason: row.reason.isEmpty ? "–" : printable(row.reason)
        }
    }

    static func printable(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for s in text.unicodeScalars {
            switch s.value {
            case 0x202A...0x202E, 0x2066...0x2069: continue
            case 0x2028, 0x2029: out.append(" ")
            default: out.append(s.properties.generalCategory == .control ? " " : s)
            }
        }
        return String(out)
    }

    /// Shares `room` cells among the flexible columns: a column narrower than an even share of
    /// what is left keeps its width, and the wider ones split the rest. Nothing changes when
    /// everything fits.
    static func share(_ room: Int, among flexible: [Int], _ widths: inout [Int]) {
        guard flexible.reduce(0, { $0 + widths[$1] }) > room else { return }
        var left = room
        let narrowestFirst = flexible.sorted { widths[$0] < widths[$1] }
        for (k, c) in narrowestFirst.enumerated() {
            let share = left / (narrowestFirst.count - k)
            widths[c] = max(min(widths[c], share), min(widths[c], narrowest))
            left -= widths[c]
        }
    }
}
