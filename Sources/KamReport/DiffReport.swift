import KamAdvisor
import KamExpr
import KamRules

/// `kam diff` as text for a terminal, Markdown, or JSON (docs/diff.md). Pure functions of
/// the diff: the same two runs give the same bytes.
public enum DiffReport {
    // MARK: Text and Markdown

    public static func text(_ d: RunDiff) -> String { collect { render(d, markdown: false, $0) } }

    /// The diff in `format` (`text`, `markdown`, `json` or `html`), handed to `emit` a piece at
    /// a time, so that ten million accounts' changes need not be one string.
    public static func write(_ d: RunDiff, format: String, _ emit: (String) -> Void) {
        switch format {
        case "markdown": render(d, markdown: true, emit)
        case "json": json(d, emit)
        case "html": emit(html(d))
        default: render(d, markdown: false, emit)
        }
    }

    static func collect(_ body: ((String) -> Void) -> Void) -> String {
        var out = ""
        body { out += $0 }
        return out
    }

    /// One self-contained page, as the report's: the comparison with the chart of moves
    /// between tiers and every move.
    public static func html(_ d: RunDiff) -> String {
        var doc = ReportDocument(title: Messages.current("diff.title"))
        doc.sections.append(ReportBuilder.changes(d, currency: nil, risksOf: nil, limit: nil, standalone: true))
        return HTMLWriter.write(doc)
    }
    public static func markdown(_ d: RunDiff) -> String { collect { render(d, markdown: true, $0) } }

    static func render(_ d: RunDiff, markdown: Bool, _ emit: (String) -> Void) {
        let t = Messages.current
        func esc(_ s: String) -> String { markdown ? Markdown.cell(s) : s.replacingNewlines() }
        func heading(_ s: String) -> String { markdown ? "\n## \(s)\n\n" : "\n\(s)\n" }
        let item = markdown ? "- " : "  "
        let sub = markdown ? "  - " : "    - "
        var out = markdown ? "# \(t("diff.title"))\n\n" : ""
        /// Hands on what is written so far once it is 64 KB, so a long diff is not one string.
        func flushIfLarge() {
            guard out.utf8.count >= 1 << 16 else { return }
            emit(out)
            out = ""
        }
        out += t("diff.files", ["old": esc(d.oldPath), "new": esc(d.newPath)]) + (markdown ? "  \n" : "\n")
        out += t("diff.pack", ["id": d.pack.id, "version": d.pack.version, "hash": d.pack.hash]) + "\n"
        for line in provenanceLines(d) { out += (markdown ? "\n" : "") + line + "\n" }
        out += heading(t("diff.portfolio"))
        for line in portfolioLines(d) { out += item + line + "\n" }
        let up = d.moves.filter { $0.direction == .up }, down = d.moves.filter { $0.direction == .down }
        let across = d.moves.filter { $0.direction == .across }
        out += (markdown ? "\n" : "") + t("diff.counts", ["up": Figures.count(up.count), "down": Figures.count(down.count),
                                                          "across": Figures.count(across.count), "appeared": Figures.count(d.appeared.count),
                                                          "disappeared": Figures.count(d.disappeared.count), "unchanged": Figures.count(d.unchanged)]) + "\n"
        if let line = byRulesLine(d) { out += (markdown ? "\n" : "") + line + "\n" }
        for (title, moves) in [(t("diff.down"), down), (t("diff.up"), up), (t("diff.across"), across)] where !moves.isEmpty {
            out += heading(title)
            for m in moves {
                out += item + (markdown ? "**\(esc(m.name))**" : m.name) + " (\(esc(m.id)))" + (m.sales.map { ", " + t("diff.sales", ["sales": Figures.money($0)]) } ?? "") + ": "
                    + shifts(m)
                    + (m.scoreBefore == m.scoreAfter ? "" : "; " + t("diff.score", ["before": Figures.score(m.scoreBefore), "after": Figures.score(m.scoreAfter)]))
                    + "\n"
                for line in why(m) { out += sub + esc(line) + "\n" }
                flushIfLarge()
            }
        }
        for (title, accounts) in [(t("diff.appeared"), d.appeared), (t("diff.disappeared"), d.disappeared)] where !accounts.isEmpty {
            out += heading(title)
            for a in accounts {
                out += item + esc(a.name) + " (\(esc(a.id)))" + (a.sales.map { ", " + t("diff.sales", ["sales": Figures.money($0)]) } ?? "")
                    + ", " + t("diff.tier", ["tier": a.tier]) + "\n"
                flushIfLarge()
            }
        }
        for (title, fired) in [(t("diff.risks.fired"), true), (t("diff.risks.cleared"), false)] {
            let risks = d.risks.filter { $0.fired == fired }
            guard !risks.isEmpty else { continue }
            out += heading(title)
            for r in risks {
                out += item + esc(r.name) + " (\(esc(r.id))): " + esc(r.title ?? r.risk) + " (`\(r.risk)`)\n"
                flushIfLarge()
            }
        }
        emit(out)
    }

    /// Which rules made each run, from the summaries, and whether they differ from each other
    /// or from the pack the diff read both with; nothing without summaries.
    static func provenanceLines(_ d: RunDiff) -> [String] {
        let t = Messages.current
        let oldRules = d.oldPack.map { [t("diff.old_rules", ["id": $0.id, "version": $0.version, "hash": $0.hash])] } ?? []
        guard let (old, new) = d.provenance else { return oldRules.isEmpty ? [t("diff.provenance.unknown", ["id": d.pack.id])] : oldRules }
        var lines = [t("diff.provenance.runs", ["old": "\(old.version) (\(old.hash.prefix(12)))", "new": "\(new.version) (\(new.hash.prefix(12)))", "id": old.packId])]
        if old.hash != new.hash && d.oldPack == nil { lines.append(t("diff.provenance.differ")) }
        if old.hash != (d.oldPack ?? d.pack).hash || new.hash != d.pack.hash { lines.append(t("diff.provenance.reread", ["version": d.pack.version])) }
        return lines + oldRules
    }

    /// How many moves the rule change made, when the old rules were given.
    static func byRulesLine(_ d: RunDiff) -> String? {
        guard d.oldPack != nil else { return nil }
        return Messages.current("diff.counts.rules", ["rules": Figures.count(d.moves.count { $0.movedBy == .rules }),
                                                      "both": Figures.count(d.moves.count { $0.movedBy == .both })])
    }

    static func portfolioLines(_ d: RunDiff) -> [String] {
        let t = Messages.current
        func accounts(_ s: BatchSummary) -> Int { s.accounts > 0 ? s.accounts : s.scored }
        var lines = [t("diff.rows", ["before": Figures.count(accounts(d.old)), "after": Figures.count(accounts(d.new))])]
        if let a = d.old.portfolio, let b = d.new.portfolio {
            let change = a.total > 0 ? " (" + (b.total >= a.total ? "+" : "") + Figures.percent(100 * (b.total - a.total) / a.total) + ")" : ""
            lines.append(t("diff.total", ["before": Figures.money(a.total), "after": Figures.money(b.total)]) + change)
            lines.append(t("diff.top10", ["before": Figures.share(a.top10Share), "after": Figures.share(b.top10Share)]))
            lines.append(t("diff.equivalent", ["before": a.hhi > 0 ? Figures.number(1 / a.hhi, digits: 1) : "–",
                                               "after": b.hhi > 0 ? Figures.number(1 / b.hhi, digits: 1) : "–"]))
            lines.append(t("diff.gini", ["before": Figures.number(a.gini), "after": Figures.number(b.gini)]))
        }
        return lines
    }

    static func shifts(_ m: RunDiff.Move) -> String {
        m.shifts.map { "\($0.name) \($0.before) → \($0.after)" }.joined(separator: "; ")
    }

    /// Why an account moved, one line per cause; first, when the old rules were given and
    /// they played a part, that the rule change did.
    static func why(_ m: RunDiff.Move) -> [String] {
        let t = Messages.current
        let byRules = switch m.movedBy {
        case .data: [String]()
        case .rules: [t("diff.moved_by.rules")]
        case .both: [t("diff.moved_by.both")]
        }
        return byRules + m.factors.map(factorLine) + m.classInputs.map(inputLine)
            + m.thresholds.map { t("diff.threshold", ["tier": $0.tier, "before": $0.before.map(Figures.score) ?? "–", "after": $0.after.map(Figures.score) ?? "–"]) }
            + (m.portfolioOnly ? [t("diff.cause.portfolio.class")] : [])
    }

    static func factorLine(_ f: RunDiff.FactorChange) -> String {
        let t = Messages.current
        let points = t("diff.points", ["title": f.title, "before": f.before.map(Figures.score) ?? "–", "after": f.after.map(Figures.score) ?? "–"])
        switch f.cause {
        case .inputs: return points + ": " + f.inputs.map(inputLine).joined(separator: "; ")
        case .portfolio: return points + ": " + t("diff.cause.portfolio")
        case .rules: return points + ": " + t("diff.cause.rules")
        }
    }

    static func inputLine(_ i: (name: String, before: String?, after: String?)) -> String {
        Messages.current("diff.input", ["input": i.name, "before": show(i.before), "after": show(i.after)])
    }

    static func show(_ cell: String?) -> String {
        guard let cell else { return Messages.current("diff.no_column") }
        return cell.isEmpty ? Messages.current("diff.empty") : cell
    }

    // MARK: JSON (docs/diff.md; renaming a field is a breaking change)

    public static func json(_ d: RunDiff) -> String { collect { json(d, $0) } }

    /// The JSON document, its long lists written an element at a time; the same bytes as
    /// `jsonValue(d).pretty`.
    static func json(_ d: RunDiff, _ emit: (String) -> Void) {
        let members = jsonMembers(d)
        emit("{\n")
        for (i, (key, value)) in members.enumerated() {
            emit("  " + JSONString.quote(key) + ": ")
            switch value {
            case .value(let v): emit(v.pretty(indent: "  "))
            case .items(let count, _) where count == 0: emit("[]")
            case .items(let count, let item):
                emit("[\n")
                for k in 0..<count { emit("    " + item(k).pretty(indent: "    ") + (k == count - 1 ? "\n" : ",\n")) }
                emit("  ]")
            }
            emit(i == members.count - 1 ? "\n" : ",\n")
        }
        emit("}\n\n")
    }

    /// A member of the JSON document: a value, or a list made an element at a time.
    enum Member {
        case value(JSON)
        case items(Int, (Int) -> JSON)
    }

    static func jsonValue(_ d: RunDiff) -> JSON {
        .object(jsonMembers(d).map { key, member in
            switch member {
            case .value(let v): (key, v)
            case .items(let count, let item): (key, .array((0..<count).map(item)))
            }
        })
    }

    static func jsonMembers(_ d: RunDiff) -> [(String, Member)] {
        func side(_ path: String, _ s: BatchSummary) -> JSON {
            let p = s.portfolio
            return .object([
                ("file", .string(path)), ("rows_read", .number(Double(s.rowsRead))), ("scored", .number(Double(s.scored))),
                ("total", p.map { .number(rounded($0.total, 2)) } ?? .null),
                ("top10_share", p.map { .number(rounded($0.top10Share, 6)) } ?? .null),
                ("equivalent_customers", p.flatMap { $0.hhi > 0 ? .number(rounded(1 / $0.hhi, 2)) : nil } ?? .null),
                ("gini", p.map { .number(rounded($0.gini, 6)) } ?? .null),
            ])
        }
        func cells(_ list: [(name: String, before: String?, after: String?)]) -> JSON {
            .array(list.map { .object([("input", .string($0.name)), ("before", $0.before.map(JSON.string) ?? .null), ("after", $0.after.map(JSON.string) ?? .null)]) })
        }
        func account(_ a: RunDiff.Account) -> JSON {
            .object([("id", .string(a.id)), ("name", .string(a.name)), ("sales", a.sales.map { .number(rounded($0, 2)) } ?? .null), ("tier", .string(a.tier))])
        }
        let move = { (m: RunDiff.Move) -> JSON in
            .object([
                ("id", .string(m.id)), ("name", .string(m.name)), ("sales", m.sales.map { .number(rounded($0, 2)) } ?? .null),
                ("direction", .string(m.direction.rawValue)), ("moved_by", .string(m.movedBy.rawValue)),
                ("shifts", .array(m.shifts.map { .object([("name", .string($0.name)), ("before", .string($0.before)), ("after", .string($0.after))]) })),
                ("score", .object([("before", .number(rounded(m.scoreBefore, 2))), ("after", .number(rounded(m.scoreAfter, 2)))])),
                ("factors", .array(m.factors.map { f in
                    .object([
                        ("id", .string(f.id)), ("title", .string(f.title)),
                        ("before", f.before.map { .number($0) } ?? .null), ("after", f.after.map { .number($0) } ?? .null),
                        ("cause", .string(f.cause.rawValue)), ("inputs", cells(f.inputs)),
                    ])
                })),
                ("class_inputs", cells(m.classInputs)),
                ("portfolio_only", .bool(m.portfolioOnly)),
                ("thresholds", .array(m.thresholds.map { threshold($0) })),
            ])
        }
        func threshold(_ x: RunDiff.Threshold) -> JSON {
            .object([("tier", .string(x.tier)), ("before", x.before.map { .number($0) } ?? .null), ("after", x.after.map { .number($0) } ?? .null)])
        }
        let risk = { (r: RunDiff.RiskChange) -> JSON in
            .object([("id", .string(r.id)), ("name", .string(r.name)), ("risk", .string(r.risk)), ("title", r.title.map(JSON.string) ?? .null)])
        }
        var oldRules = JSON.null
        if let p = d.oldPack {
            let thresholds: [JSON] = d.thresholds.map { threshold($0) }
            oldRules = .object([("id", .string(p.id)), ("version", .string(p.version)), ("sha256", .string(p.hash)), ("thresholds", .array(thresholds))])
        }
        let fired = d.risks.indices.filter { d.risks[$0].fired }, cleared = d.risks.indices.filter { !d.risks[$0].fired }
        return [
            ("pack", .value(.object([("id", .string(d.pack.id)), ("version", .string(d.pack.version)), ("sha256", .string(d.pack.hash))]))),
            ("old_rules", .value(oldRules)),
            ("runs", .value(d.provenance.map { p in
                .object([("old", .object([("version", .string(p.old.version)), ("sha256", .string(p.old.hash))])),
                         ("new", .object([("version", .string(p.new.version)), ("sha256", .string(p.new.hash))])),
                         ("rules_differ", .bool(p.old.hash != p.new.hash))])
            } ?? .null)),
            ("old", .value(side(d.oldPath, d.old))), ("new", .value(side(d.newPath, d.new))),
            ("moves", .items(d.moves.count) { move(d.moves[$0]) }),
            ("appeared", .items(d.appeared.count) { account(d.appeared[$0]) }),
            ("disappeared", .items(d.disappeared.count) { account(d.disappeared[$0]) }),
            ("risks_fired", .items(fired.count) { risk(d.risks[fired[$0]]) }),
            ("risks_cleared", .items(cleared.count) { risk(d.risks[cleared[$0]]) }),
            ("unchanged", .value(.number(Double(d.unchanged)))),
            ("tier_flows", .value(.array(d.tierFlows.map { .object([("from", .string($0.from)), ("to", .string($0.to)), ("count", .number(Double($0.count)))]) }))),
        ]
    }
}
