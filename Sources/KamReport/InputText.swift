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

    /// "0 to 100 %", "at least 1 customers", or nil.
    public static func range(_ input: Input) -> String? {
        let t = Messages.current
        var unit = input.unit.map { $0 == "%" ? t("unit.percent") : " " + $0 } ?? ""
        // A unit that restates the range ("1-5" on a 1 to 5 scale) says nothing more.
        if let lo = input.minimum, let hi = input.maximum, input.unit == "\(Figures.plain(lo))-\(Figures.plain(hi))" || input.unit == "\(Int(lo))-\(Int(hi))" {
            unit = ""
        }
        switch (input.minimum, input.maximum) {
        case (let lo?, let hi?): return t("input.range", ["low": Figures.plain(lo), "high": Figures.plain(hi), "unit": unit])
        case (let lo?, nil): return t("input.range.low", ["low": Figures.plain(lo), "unit": unit])
        case (nil, let hi?): return t("input.range.high", ["high": Figures.plain(hi), "unit": unit])
        default: return unit.isEmpty ? nil : t("input.range.unit", ["unit": unit])
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
