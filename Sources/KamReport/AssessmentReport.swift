import KamAdvisor
import KamExpr
import KamRules

/// The assessment as text for a terminal, Markdown, or JSON. Pure functions of the result.
public enum AssessmentReport {
    // MARK: JSON (documented in docs/assessment-json.md; renaming a field is a breaking change)

    public static func json(_ a: Assessment) -> String { jsonValue(a).pretty }

    static func jsonValue(_ a: Assessment) -> JSON {
        let t = a.trace
        let factors: [JSON] = t.factors.map { f in
            .object([
                ("id", .string(f.id)), ("title", .string(f.title)), ("status", .string(f.state.rawValue)),
                ("points", f.points.map { .number($0) } ?? .null), ("max", .number(f.maximum)),
                ("band", f.band.map { .number(Double($0)) } ?? .null), ("because", f.because.map(JSON.string) ?? .null),
                ("inputs", .object(f.reads.map { ($0.name, $0.value.map(JSON.init) ?? .null) })),
                ("error", f.error.map(JSON.string) ?? .null),
            ])
        }
        let gates: [JSON] = a.pack.gates.map { gate in
            .object([
                ("id", .string(gate.id)), ("fired", .bool(t.gates.contains { $0.id == gate.id })),
                ("undecided", .bool(t.undecidedGates.contains(gate.id))), ("outcome", .string(gate.outcome)),
                ("because", .string(gate.because)),
            ])
        }
        let risks: [JSON] = t.risks.map { r in
            .object([
                ("id", .string(r.id)), ("title", r.title.map(JSON.string) ?? .null), ("severity", .string(r.severity?.rawValue ?? "")),
                ("because", .string(r.because)), ("mitigation", .string(r.mitigation ?? "")),
            ])
        }
        let advantages: [JSON] = a.advantages.map { .object([("id", .string($0.id)), ("title", $0.title.map(JSON.string) ?? .null), ("because", .string($0.because))]) }
        let unanswered: [JSON] = a.unanswered.map { .object([("name", .string($0.name)), ("question", $0.question.map(JSON.string) ?? .null)]) }
        let fromData: [JSON] = a.answers.filter { $0.answer.source == .customerData }.map { .string($0.input.name) }
        let whatIf: [JSON] = a.whatIf.map { w in
            .object([
                ("input", .string(w.input.name)), ("from", JSON(w.from)), ("to", JSON(w.to)),
                ("direction", .string(w.direction.rawValue)), ("verdict", .string(w.verdict)),
                ("sentence", .string(WhatIfText.sentence(w))),
            ])
        }
        return JSON.object([
            ("supplier", a.supplier.map(JSON.string) ?? .null),
            ("verdict", .string(a.verdict)),
            ("verdict_title", a.verdictTitle.map(JSON.string) ?? .null),
            ("score", .number(rounded(a.score, 1))),
            ("max_score", .number(t.maximum)),
            ("confidence", .number(rounded(a.confidence, 2))),
            ("score_range", .object([("min", .number(rounded(a.scoreRange.lowerBound, 1))), ("max", .number(rounded(a.scoreRange.upperBound, 1)))])),
            ("provisional", .bool(a.provisional)),
            ("blocked_by", t.gates.first.map { .string($0.id) } ?? .null),
            ("factors", .array(factors)),
            ("gates", .array(gates)),
            ("advantages", .array(advantages)),
            ("risks", .array(risks)),
            ("unanswered", .array(unanswered)),
            ("answers_from_data", .array(fromData)),
            ("what_if", .array(whatIf)),
            ("rules", .object([("id", .string(t.packId)), ("version", .string(t.packVersion)), ("sha256", .string(t.packHash))])),
        ])
    }

    // MARK: Text

    public static func text(_ a: Assessment) -> String {
        let m = Messages.current
        let t = a.trace
        var out = headline(a) + "\n"
        if let range = rangeSentence(a) { out += range + "\n" }
        if let gate = a.pack.gates.first(where: { g in t.gates.contains { $0.id == g.id } }) {
            out += "\n" + m("assess.blocked", ["gate": gate.id, "because": gate.because]) + "\n"
        } else if let because = t.outcomeBecause {
            out += "\n\(capitalised(because)).\n"
        }
        for r in t.risks where r.severity == .critical {
            out += "\n" + m("assess.text.critical", ["risk": r.title ?? r.id, "because": r.because]) + "\n    "
                + m("assess.text.what_to_do", ["mitigation": r.mitigation ?? ""]) + "\n"
        }
        out += "\n" + m("assess.factors") + "\n"
        for f in t.factors {
            let points = f.points.map { Figures.score($0) } ?? "–"
            let score = "\(points)/\(Figures.plain(f.maximum))".leftPadded(7)
            switch f.state {
            case .scored: out += "  \(score)  \(f.title): \(f.because ?? "")\n"
            case .missing: out += "  \(score)  \(f.title): \(m("factor.unanswered"))\n"
            case .failed: out += "  \(score)  \(f.title): \(m("factor.failed", ["error": f.error ?? ""]))\n"
            }
            let values = f.reads.map { "\($0.name) = \($0.value.map(display) ?? m("factor.unanswered"))" }
            if !values.isEmpty { out += "           " + values.joined(separator: ", ") + "\n" }
        }
        if !a.advantages.isEmpty {
            out += "\n" + m("risks.advantages") + "\n"
            for adv in a.advantages { out += "  + \(adv.title ?? adv.id): \(adv.because)\n" }
        }
        if !t.risks.isEmpty {
            out += "\n" + m("risks.heading") + "\n"
            for r in t.risks {
                out += "  [\(ReportBuilder.severity(r.severity))] \(r.title ?? r.id): \(r.because)\n"
                out += "      " + m("assess.text.what_to_do", ["mitigation": r.mitigation ?? ""]) + "\n"
            }
        } else {
            out += "\n" + m("assess.text.no_risks") + "\n"
        }
        if !a.unanswered.isEmpty {
            out += "\n" + m("assess.text.unanswered") + "\n"
            for input in a.unanswered { out += "  - \(input.name): \(input.question ?? "")\n" }
        }
        let fromData = a.answers.filter { $0.answer.source == .customerData }
        if !fromData.isEmpty {
            out += "\n" + m("assess.from_data", ["names": fromData.map(\.input.name).joined(separator: ", ")]) + "\n"
        }
        out += "\n" + m("factors.what_if") + "\n"
        if a.whatIf.isEmpty {
            out += "  " + m("assess.what_if.none") + "\n"
        } else {
            for w in a.whatIf { out += "  - \(WhatIfText.sentence(w))\n" }
        }
        out += "\n" + m("assess.rules", ["id": t.packId, "version": t.packVersion, "hash": t.packHash]) + "\n"
        return out
    }

    /// What the unanswered questions leave open, or nil when every factor was answered.
    public static func rangeSentence(_ a: Assessment) -> String? {
        let m = Messages.current
        let range = a.scoreRange
        guard range.lowerBound < range.upperBound || a.provisional else { return nil }
        let span = range.lowerBound < range.upperBound
            ? m("assess.range", ["low": Figures.score(range.lowerBound), "high": Figures.score(range.upperBound)])
            : m("assess.range.gate")
        return span + (a.provisional ? m("assess.range.provisional") : m("assess.range.settled"))
    }

    static func headline(_ a: Assessment) -> String {
        let m = Messages.current
        let who = a.supplier.map { $0 + ": " } ?? ""
        let title = a.verdictTitle.map { " — " + $0 } ?? ""
        return "\(who)\(a.verdict)\(title)\(a.provisional ? m("summary.provisional") : "")"
            + m("assess.score", ["score": Figures.score(a.score), "maximum": Figures.plain(a.trace.maximum),
                                 "confidence": Figures.count(Int((a.confidence * 100).rounded()))])
    }

    // MARK: Markdown

    public static func markdown(_ a: Assessment) -> String {
        let m = Messages.current
        let t = a.trace
        var out = "# " + (a.supplier.map { m("assess.title.supplier", ["supplier": Markdown.escape($0)]) } ?? m("assess.title")) + "\n\n"
        out += "**\(m("summary.verdict"))`\(a.verdict)`**\(a.verdictTitle.map { " — " + Markdown.escape($0) } ?? "")\(a.provisional ? m("summary.provisional") : "")  \n"
        out += m("assess.markdown.score", ["score": Figures.score(a.score), "maximum": Figures.plain(t.maximum),
                                           "confidence": Figures.count(Int((a.confidence * 100).rounded()))]) + "\n\n"
        if let range = rangeSentence(a) { out += range + "\n\n" }
        if let gate = a.pack.gates.first(where: { g in t.gates.contains { $0.id == g.id } }) {
            out += m("assess.blocked", ["gate": gate.id, "because": Markdown.escape(gate.because)]) + "\n\n"
        } else if let because = t.outcomeBecause {
            out += Markdown.escape(capitalised(because)) + ".\n\n"
        }
        for r in t.risks where r.severity == .critical {
            out += "> **" + m("summary.critical", ["risk": Markdown.escape(r.title ?? r.id)]) + "**: \(Markdown.escape(r.because)).  \n> *"
                + m("assess.markdown.what_to_do") + "* \(Markdown.escape(r.mitigation ?? "")).\n\n"
        }
        out += "## \(m("assess.factors"))\n\n| \(m("column.factor")) | \(m("column.points")) | \(m("column.why")) | \(m("column.answers_used")) |\n|---|---:|---|---|\n"
        for f in t.factors {
            let points = f.points.map { Figures.score($0) } ?? "–"
            let why = f.state == .scored ? f.because ?? "" : f.state == .missing ? m("factor.unanswered") : m("factor.failed", ["error": f.error ?? ""])
            let used = f.reads.map { "`\($0.name)` = \(Markdown.cell($0.value.map(display) ?? m("factor.unanswered")))" }.joined(separator: ", ")
            out += "| \(Markdown.cell(f.title)) | \(points) / \(Figures.plain(f.maximum)) | \(Markdown.cell(why)) | \(used) |\n"
        }
        if !a.advantages.isEmpty {
            out += "\n## \(m("risks.advantages"))\n\n"
            for adv in a.advantages { out += "- **\(Markdown.escape(adv.title ?? adv.id))**: \(Markdown.escape(adv.because)).\n" }
        }
        out += "\n## \(m("risks.heading"))\n\n"
        if t.risks.isEmpty { out += m("risks.none") + "\n" }
        for r in t.risks {
            out += "- **\(Markdown.escape(r.title ?? r.id))** (\(ReportBuilder.severity(r.severity))): \(Markdown.escape(r.because)).  \n  *"
                + m("assess.markdown.what_to_do") + "* \(Markdown.escape(r.mitigation ?? "")).\n"
        }
        if !a.unanswered.isEmpty {
            out += "\n## \(m("assess.unanswered"))\n\n\(m("assess.unanswered.why"))\n\n"
            for input in a.unanswered { out += "- `\(input.name)`: \(Markdown.escape(input.question ?? ""))\n" }
        }
        let fromData = a.answers.filter { $0.answer.source == .customerData }
        if !fromData.isEmpty {
            out += "\n" + m("assess.from_data", ["names": fromData.map { "`\($0.input.name)`" }.joined(separator: ", ")]) + ".\n"
        }
        out += "\n## \(m("factors.what_if"))\n\n"
        if a.whatIf.isEmpty { out += m("assess.what_if.none") + "\n" }
        for w in a.whatIf { out += "- \(WhatIfText.sentence(w, text: Markdown.escape))\n" }
        out += "\n---\n" + m("assess.markdown.rules", ["id": t.packId, "version": Markdown.escape(t.packVersion), "hash": t.packHash]) + "\n"
        return out
    }

    static func display(_ v: Value) -> String {
        switch v {
        case .bool(let b): Messages.current(b ? "yes" : "no")
        case .string(let s): s
        default: v.json
        }
    }

    static func capitalised(_ s: String) -> String { s.prefix(1).uppercased() + s.dropFirst() }
}

/// Escaping for Markdown, so that text from input files cannot become markup.
enum Markdown {
    static func escape(_ s: String) -> String {
        var out = ""
        for c in s {
            // What can start markup inside a line; `_` inside words and `(` never do.
            if "\\`*[]<>|".contains(c) { out.append("\\") }
            out.append(c)
        }
        return out
    }

    static func cell(_ s: String) -> String {
        escape(s).replacingNewlines()
    }
}

extension String {
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }

    func replacingNewlines() -> String {
        String(map { $0 == "\n" || $0 == "\r" ? " " : $0 })
    }
}
