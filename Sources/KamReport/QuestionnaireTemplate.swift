import KamExpr
import KamRules

/// A ready-to-fill questionnaire generated from an assessment pack: every input with its
/// question as a comment, its unit and range, and whether it must be answered.
public enum QuestionnaireTemplate {
    /// The template, with `answers` filled in where given (to save answers typed at a prompt).
    public static func render(_ pack: RulePack, answers: [String: Value] = [:], supplier: String? = nil) -> String {
        var out = """
            // Questionnaire for "\(pack.title)" (\(pack.id) \(pack.version)).
            // Replace each null with your answer and run: kam assess THIS_FILE
            // Required questions must be answered. Optional ones may stay null: an unanswered
            // question lowers the assessment's confidence and is never read as zero.
            // Shares are percentages from 0 to 100, as a person writes them.
            {
              supplier: \(JSONString.quote(supplier ?? "Your company")),
              answers: {

            """
        for input in pack.inputs {
            for line in wrap(input.question ?? input.name, width: 86) { out += "    // \(line)\n" }
            var facts = [input.required ? "required" : "optional", input.typeDescription]
            if let range = input.rangeText { facts.append(range) }
            if let d = input.defaultValue { facts.append("default \(d.json)") }
            out += "    // \(facts.joined(separator: "; "))\n"
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
