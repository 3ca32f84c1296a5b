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
                ("sentence", .string(w.sentence)),
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
        let t = a.trace
        var out = headline(a) + "\n"
        if let range = rangeSentence(a) { out += range + "\n" }
        if let gate = a.pack.gates.first(where: { g in t.gates.contains { $0.id == g.id } }) {
            out += "\nBlocked by `\(gate.id)`: \(gate.because).\n"
        } else if let because = t.outcomeBecause {
            out += "\n\(capitalised(because)).\n"
        }
        for r in t.risks where r.severity == .critical {
            out += "\nCRITICAL: \(r.title ?? r.id): \(r.because).\n    what to do: \(r.mitigation ?? "")\n"
        }
        out += "\nFactors\n"
        for f in t.factors {
            let points = f.points.map { NumberFormat.shortest(rounded($0, 1)) } ?? "–"
            let score = "\(points)/\(NumberFormat.shortest(f.maximum))".leftPadded(7)
            switch f.state {
            case .scored: out += "  \(score)  \(f.title): \(f.because ?? "")\n"
            case .missing: out += "  \(score)  \(f.title): unanswered\n"
            case .failed: out += "  \(score)  \(f.title): could not be scored: \(f.error ?? "")\n"
            }
            let values = f.reads.map { "\($0.name) = \($0.value.map(display) ?? "unanswered")" }
            if !values.isEmpty { out += "           " + values.joined(separator: ", ") + "\n" }
        }
        if !a.advantages.isEmpty {
            out += "\nWhat key-account management would bring\n"
            for adv in a.advantages { out += "  + \(adv.title ?? adv.id): \(adv.because)\n" }
        }
        if !t.risks.isEmpty {
            out += "\nRisks\n"
            for r in t.risks {
                out += "  [\(r.severity?.rawValue ?? "")] \(r.title ?? r.id): \(r.because)\n"
                out += "      what to do: \(r.mitigation ?? "")\n"
            }
        } else {
            out += "\nRisks: none of the pack's risks applies to these answers.\n"
        }
        if !a.unanswered.isEmpty {
            out += "\nUnanswered questions (they lower the confidence; none is read as zero)\n"
            for input in a.unanswered { out += "  - \(input.name): \(input.question ?? "")\n" }
        }
        let fromData = a.answers.filter { $0.answer.source == .customerData }
        if !fromData.isEmpty {
            out += "\nComputed from the customer list: " + fromData.map(\.input.name).joined(separator: ", ") + "\n"
        }
        out += "\nWhat would change the verdict\n"
        if a.whatIf.isEmpty {
            out += "  No single answer, changed within its range, changes the verdict.\n"
        } else {
            for w in a.whatIf { out += "  - \(w.sentence)\n" }
        }
        out += "\nRules: \(t.packId) \(t.packVersion) (sha256 \(t.packHash))\n"
        return out
    }

    /// What the unanswered questions leave open, or nil when every factor was answered.
    public static func rangeSentence(_ a: Assessment) -> String? {
        let range = a.scoreRange
        guard range.lowerBound < range.upperBound || a.provisional else { return nil }
        let low = NumberFormat.shortest(rounded(range.lowerBound, 1)), high = NumberFormat.shortest(rounded(range.upperBound, 1))
        let span = range.lowerBound < range.upperBound
            ? "Answered at their least and most favourable, the unanswered questions would put the score between \(low) and \(high)"
            : "A gate waits on an unanswered question"
        return span + (a.provisional
            ? ": the verdict is provisional until they are answered."
            : "; no answer to them changes the verdict.")
    }

    static func headline(_ a: Assessment) -> String {
        let who = a.supplier.map { $0 + ": " } ?? ""
        let title = a.verdictTitle.map { " — " + $0 } ?? ""
        let confidence = Int((a.confidence * 100).rounded())
        return "\(who)\(a.verdict)\(title)\(a.provisional ? " (provisional)" : "") (score \(NumberFormat.shortest(rounded(a.score, 1))) of \(NumberFormat.shortest(a.trace.maximum)), confidence \(confidence)%)"
    }

    // MARK: Markdown

    public static func markdown(_ a: Assessment) -> String {
        let t = a.trace
        var out = "# Key-account management assessment\(a.supplier.map { ": " + Markdown.escape($0) } ?? "")\n\n"
        out += "**Verdict: `\(a.verdict)`**\(a.verdictTitle.map { " — " + Markdown.escape($0) } ?? "")\(a.provisional ? " (provisional)" : "")  \n"
        out += "Score \(NumberFormat.shortest(rounded(a.score, 1))) of \(NumberFormat.shortest(t.maximum)), confidence \(Int((a.confidence * 100).rounded()))%.\n\n"
        if let range = rangeSentence(a) { out += range + "\n\n" }
        if let gate = a.pack.gates.first(where: { g in t.gates.contains { $0.id == g.id } }) {
            out += "Blocked by `\(gate.id)`: \(Markdown.escape(gate.because)).\n\n"
        } else if let because = t.outcomeBecause {
            out += Markdown.escape(capitalised(because)) + ".\n\n"
        }
        for r in t.risks where r.severity == .critical {
            out += "> **Critical: \(Markdown.escape(r.title ?? r.id))**: \(Markdown.escape(r.because)).  \n> *What to do:* \(Markdown.escape(r.mitigation ?? "")).\n\n"
        }
        out += "## Factors\n\n| Factor | Points | Why | Answers used |\n|---|---:|---|---|\n"
        for f in t.factors {
            let points = f.points.map { NumberFormat.shortest(rounded($0, 1)) } ?? "–"
            let why = f.state == .scored ? f.because ?? "" : f.state == .missing ? "unanswered" : "could not be scored: \(f.error ?? "")"
            let used = f.reads.map { "`\($0.name)` = \(Markdown.cell($0.value.map(display) ?? "unanswered"))" }.joined(separator: ", ")
            out += "| \(Markdown.cell(f.title)) | \(points) / \(NumberFormat.shortest(f.maximum)) | \(Markdown.cell(why)) | \(used) |\n"
        }
        if !a.advantages.isEmpty {
            out += "\n## What key-account management would bring\n\n"
            for adv in a.advantages { out += "- **\(Markdown.escape(adv.title ?? adv.id))**: \(Markdown.escape(adv.because)).\n" }
        }
        out += "\n## Risks\n\n"
        if t.risks.isEmpty { out += "None of the pack's risks applies to these answers.\n" }
        for r in t.risks {
            out += "- **\(Markdown.escape(r.title ?? r.id))** (\(r.severity?.rawValue ?? "")): \(Markdown.escape(r.because)).  \n  *What to do:* \(Markdown.escape(r.mitigation ?? "")).\n"
        }
        if !a.unanswered.isEmpty {
            out += "\n## Unanswered questions\n\nThey lower the confidence; none is read as zero.\n\n"
            for input in a.unanswered { out += "- `\(input.name)`: \(Markdown.escape(input.question ?? ""))\n" }
        }
        let fromData = a.answers.filter { $0.answer.source == .customerData }
        if !fromData.isEmpty {
            out += "\nComputed from the customer list: " + fromData.map { "`\($0.input.name)`" }.joined(separator: ", ") + ".\n"
        }
        out += "\n## What would change the verdict\n\n"
        if a.whatIf.isEmpty { out += "No single answer, changed within its range, changes the verdict.\n" }
        for w in a.whatIf { out += "- \(w.sentence(text: Markdown.escape))\n" }
        out += "\n---\nRules: `\(t.packId)` \(Markdown.escape(t.packVersion)), sha256 `\(t.packHash)`\n"
        return out
    }

    static func display(_ v: Value) -> String {
        switch v {
        case .bool(let b): b ? "yes" : "no"
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
