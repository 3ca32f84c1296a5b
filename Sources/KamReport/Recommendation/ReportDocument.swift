/// The report as a document: sections of paragraphs, lists, tables and charts, built once
/// and written out as Markdown or HTML. Text from input files stays plain text here; each
/// writer escapes it for its own format, so nothing in an input can become markup.
struct ReportDocument {
    enum Inline {
        case text(String)
        case strong(String)
        case code(String)
    }

    enum Align { case left, right }

    struct Table {
        var header: [String]
        var align: [Align]
        var rows: [[[Inline]]]
    }

    enum Block {
        case paragraph([Inline])
        case list([[Inline]])
        case table(Table)
        case heading(String)
        case chart(Chart)
    }

    struct Section {
        let id: String
        let title: String
        var blocks: [Block] = []

        init(_ id: String, _ title: String) {
            self.id = id
            self.title = title
        }

        mutating func paragraph(_ parts: Inline...) { blocks.append(.paragraph(parts)) }
        mutating func add(_ block: Block) { blocks.append(block) }
    }

    let title: String
    var sections: [Section] = []
}

/// Data for the charts the HTML report draws; the Markdown report shows the same figures
/// as tables.
enum Chart {
    /// Share of sales against share of accounts, largest first, with the ABC cut-offs.
    case pareto(points: [(accounts: Double, share: Double)], cuts: [Double])
    /// Each suitability factor's points against its maximum.
    case factors([(title: String, points: Double?, maximum: Double)])
    /// Accounts per tier, best tier first.
    case tiers([(name: String, count: Int)])
    /// Candidates placed by strength (x, 1–5) and score (y, 0–100).
    case matrix(accounts: [(label: String, strength: Double, score: Double)], quadrants: [String])
    /// The programme's net as accounts join it (vital first), with how many it takes at most
    /// while it still pays.
    case economics(steps: [(label: String, net: Double)], paying: Int?, vital: Int)
    /// Accounts by tier before (left) and after (right), a line for each pair of tiers as
    /// thick as the accounts that took it.
    case flows(tiers: [String], flows: [(from: String, to: String, count: Int)])
}
