import KamExpr
import KamRules

/// A ready-to-fill questionnaire generated from an assessment pack: every input with its
/// question as a comment, its unit and range, and whether it must be answered.
public enum QuestionnaireTemplate {
    /// The template, with `answers` filled in where given (to save answers typed at a prompt).
    public static func render(_ pack: RulePack, answers: [String: Value] = [:], supplier: String? = nil) -> String {
        let t = Messages.current
        var out = t("questionnaire.header", ["title": pack.title, "id": pack.id, "version": pack.version])
            .split(separator: "\n", omittingEmptySubsequences: false).map { "// " + $0 }.joined(separator: "\n") + "\n"
        out += "{\n  supplier: \(JSONString.quote(supplier ?? t("questionnaire.supplier"))),\n  answers: {\n\n"
        for input in pack.inputs {
            for line in wrap(input.question ?? input.name, width: 86) { out += "    // \(line)\n" }
            out += "    // \(InputText.facts(input, requiredFirst: true).joined(separator: "; "))\n"
            out += "    \(input.name): \(answers[input.name]?.json ?? "null"),\n\n"
        }
        out += "  },\n}\n"
        return out
    }

    static func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            if !line.isEmpty && line.count + word.count + 1 > width {
                lines.append(line)
                line = ""
            }
            line += (line.isEmpty ? "" : " ") + word
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }
}
