import KamAdvisor
import KamExpr

/// A what-if as a sentence: "If the share of sales from the largest 20% of customers were
/// 61% instead of 55%, the verdict would be `suits`." The pack's words (the input's label)
/// pass through `text`, to escape them for a markup language; the verdict is set in backticks.
enum WhatIfText {
    static func sentence(_ w: WhatIf, text: (String) -> String = { $0 }) -> String {
        let t = Messages.current
        let verdict = "`" + text(w.verdict) + "`"
        let phrase = w.input.label.map(text) ?? "`\(w.input.name)`"
        func show(_ v: Value) -> String {
            switch v {
            case .number(let x):
                let unit = w.input.unit ?? ""
                return Figures.plain(x) + (unit == "%" ? t("unit.percent") : unit.isEmpty ? "" : " " + unit)
            case .bool(let b): return b ? t("yes") : t("no")
            default: return v.json
            }
        }
        if case .bool(let b) = w.to {
            return t(b ? "what_if.yes" : "what_if.no", ["input": phrase, "verdict": verdict])
        }
        let values = ["input": phrase, "to": text(show(w.to)), "from": text(show(w.from)), "verdict": verdict]
        switch w.direction {
        case .at: return t("what_if.at", values)
        case .below: return t("what_if.below", values)
        case .above: return t("what_if.above", values)
        }
    }
}
