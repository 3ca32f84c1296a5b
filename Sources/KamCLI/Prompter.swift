import KamAdvisor
import KamCSV
import KamExpr
import KamReport
import KamRules

/// Asks a pack's questions one by one at the terminal: the question, the accepted range, the
/// default; a wrong answer is explained and asked again. Prompts go to standard error so that
/// standard output carries only the result.
struct Prompter {
    let console: Console

    /// The answers, or nil if the input ended before every required question was answered.
    func ask(_ pack: RulePack, skipping known: Set<String>) -> [String: Answer]? {
        var answers: [String: Answer] = [:]
        let questions = pack.inputs.filter { !known.contains($0.name) }
        let t = Messages.current
        console.err(t("prompt.start", count: questions.count, ["title": pack.title]) + "\n")
        for (number, input) in questions.enumerated() {
            let facts = InputText.facts(input, requiredFirst: false)
            while true {
                console.err("\n\(number + 1). \(input.question ?? input.name)\n   [\(facts.joined(separator: "; "))] > ")
                guard let line = console.readLine() else {
                    console.err("\n")
                    return questions[number...].contains(where: \.required) ? nil : answers
                }
                let text = line.trimmingCharacters(in: " \t")
                if text.isEmpty {
                    if input.required {
                        console.err("   " + t("prompt.required") + "\n")
                        continue
                    }
                    break
                }
                guard let value = parse(text, input) else {
                    console.err("   " + t("prompt.expected", ["type": InputText.type(input)]) + "\n")
                    continue
                }
                if let problem = input.problem(with: value) {
                    console.err("   \(problem).\n")
                    continue
                }
                answers[input.name] = Answer(value: value, source: .prompt)
                break
            }
        }
        return answers
    }

    /// The answer as the input's type: numbers with `.` or `,`, `%` allowed; yes/no in
    /// English or Russian.
    func parse(_ text: String, _ input: Input) -> Value? {
        switch input.kind {
        case .number:
            var dialect = CSVDialect.comma
            if text.contains(",") && !text.contains(".") { dialect = .semicolon }
            return CSVNumber.parse(text, dialect: dialect).map(Value.number)
        case .bool:
            return CSVBool.parse(text).map(Value.bool)
        case .string, .choice:
            return .string(text)
        }
    }
}

extension String {
    func trimmingCharacters(in set: String) -> String {
        var s = Substring(self)
        while let c = s.first, set.contains(c) { s.removeFirst() }
        while let c = s.last, set.contains(c) { s.removeLast() }
        return String(s)
    }
}
