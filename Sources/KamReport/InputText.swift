import KamExpr
import KamRules

/// What an input takes, as the questionnaire and the prompt say it in the run's language:
/// "a number; 0 to 100 %; required; default 0".
public enum InputText {
    public static func type(_ input: Input) -> String {
        let t = Messages.current
        switch input.kind {
        case .number: return t("input.type.number")
        case .bool: return t("input.type.bool")
        case .string: return t("input.type.text")
        case .choice(let values): return t("input.type.choice", ["values": values.map { "`\($0)`" }.joined(separator: ", ")])
        }
    }

    /// "0 to 100%", "at least 1 customers" (in Russian "клиентов: не менее 1", so that no
    /// number has to agree with the unit), or nil.
    public static func range(_ input: Input) -> String? {
        let t = Messages.current
        var unit = input.unit ?? ""
        let percent = unit == "%"
        // A unit that restates the range ("1-5" on a 1 to 5 scale) says nothing more.
        if percent { unit = "" }
        if let lo = input.minimum, let hi = input.maximum, unit == "\(Figures.plain(lo))-\(Figures.plain(hi))" || unit == "\(Int(lo))-\(Int(hi))" {
            unit = ""
        }
        func number(_ x: Double) -> String { Figures.plain(x) + (percent ? t("unit.percent") : "") }
        let suffix = unit.isEmpty ? "" : ".unit"
        switch (input.minimum, input.maximum) {
        case (let lo?, let hi?): return t("input.range" + suffix, ["low": number(lo), "high": number(hi), "unit": unit])
        case (let lo?, nil): return t("input.range.low" + suffix, ["low": number(lo), "unit": unit])
        case (nil, let hi?): return t("input.range.high" + suffix, ["high": number(hi), "unit": unit])
        default: return unit.isEmpty ? nil : t("input.range.in", ["unit": unit])
        }
    }

    /// The facts in the order the questionnaire prints them; `requiredFirst` puts whether it
    /// must be answered first, as the file template does, or after the range, as the prompt does.
    public static func facts(_ input: Input, requiredFirst: Bool) -> [String] {
        let t = Messages.current
        var facts = [type(input)]
        if let range = range(input) { facts.append(range) }
        let required = input.required ? t("input.required") : t("input.optional")
        if requiredFirst { facts.insert(required, at: 0) } else { facts.append(required) }
        if let d = input.defaultValue { facts.append(t("input.default", ["value": d.json])) }
        return facts
    }
}
