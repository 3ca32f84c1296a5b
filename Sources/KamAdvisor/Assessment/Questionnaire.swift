import KamRules
import KamSource

/// Where an answer came from, so a result can say which answers were computed from data.
public enum AnswerSource: String, Sendable {
    case questionnaire
    case customerData = "customer data"
    case prompt
}

public struct Answer: Sendable {
    public var value: Value
    public var source: AnswerSource
    /// Where the answer is written in the questionnaire file, if it is.
    public var span: SourceSpan?

    public init(value: Value, source: AnswerSource, span: SourceSpan? = nil) {
        self.value = value
        self.source = source
        self.span = span
    }
}

/// A supplier's answers to the assessment pack's questions: `{ supplier: "…", answers: {…} }`
/// in JSON5. Validation reports every problem in the file at once.
public struct Questionnaire: Sendable {
    public var supplier: String?
    /// How the supplier writes its money (`₽`, `EUR`): printed after amounts in reports.
    public var currency: String?
    public var answers: [String: Answer] = [:]
    public var file: SourceFile?

    public init(supplier: String? = nil, answers: [String: Answer] = [:]) {
        self.supplier = supplier
        self.answers = answers
    }

    /// Reads and checks a questionnaire file against the pack's inputs. Required answers may
    /// be left for later (`requireAll: false`) when other sources will fill them.
    public static func load(_ file: SourceFile, pack: RulePack, requireAll: Bool = true, filled: Set<String> = [])
        -> (Questionnaire?, [Diagnostic])
    {
        let root: JSONNode
        switch JSON5Reader.read(file) {
        case .success(let node): root = node
        case .failure(let diagnostic): return (nil, [diagnostic])
        }
        var diagnostics: [Diagnostic] = []
        func error(_ message: String, _ span: SourceSpan, help: String? = nil) {
            diagnostics.append(.error(message, file: file, span: span, help: help))
        }
        guard let members = root.members else {
            error("a questionnaire is an object `{ supplier: \"…\", answers: { … } }`, but this file holds \(root.kindName)", root.span,
                  help: "run `kam questionnaire` for a template to fill in")
            return (nil, diagnostics)
        }
        var questionnaire = Questionnaire()
        questionnaire.file = file
        var seen: Set<String> = []
        for member in members {
            if !seen.insert(member.key).inserted {
                error("`\(member.key)` is given twice", member.keySpan)
                continue
            }
            switch member.key {
            case "supplier":
                if let name = member.value.string { questionnaire.supplier = name } else {
                    error("`supplier` must be the supplier's name as text, found \(member.value.kindName)", member.value.span)
                }
            case "currency":
                if let text = member.value.string, !text.isEmpty, text.count <= 8 { questionnaire.currency = text } else {
                    error("`currency` must be a short text such as \"₽\", \"EUR\" or \"$\"", member.value.span)
                }
            case "answers":
                break
            default:
                error("unknown key `\(member.key)` in the questionnaire", member.keySpan,
                      help: Suggestion.didYouMean(member.key, among: ["supplier", "currency", "answers"])
                        ?? "a questionnaire has `supplier`, `currency` and `answers`; put the answers inside `answers`")
            }
        }
        guard let answersNode = root["answers"] else {
            error("the questionnaire has no `answers`", root.span, help: "run `kam questionnaire` for a template to fill in")
            return (nil, diagnostics)
        }
        guard let answers = answersNode.members else {
            error("`answers` must be an object of name: value pairs, found \(answersNode.kindName)", answersNode.span)
            return (nil, diagnostics)
        }
        var given: Set<String> = []
        for member in answers {
            guard let input = pack.input(named: member.key) else {
                error("unknown question `\(member.key)`", member.keySpan,
                      help: Suggestion.didYouMean(member.key, among: pack.inputs.map(\.name)) ?? "`kam questionnaire` lists the questions")
                continue
            }
            if !given.insert(member.key).inserted {
                error("`\(member.key)` is answered twice", member.keySpan)
                continue
            }
            if member.value.isNull {
                // null: deliberately unanswered, which a required question may be only when the
                // customer list answers it.
                if input.required && !filled.contains(member.key) {
                    error("`\(member.key)` must be answered: \(input.question ?? input.name)", member.value.span)
                }
                continue
            }
            var value = Value(member.value)
            if case .string(let text) = value { value = .string(input.canonical(text)) }
            if case .number(let x) = value, !x.isFinite {
                error("`\(member.key)` must be a finite number", member.value.span)
                continue
            }
            if let problem = input.problem(with: value) {
                error(problem, member.value.span, help: Self.hint(input, member.value))
                continue
            }
            questionnaire.answers[member.key] = Answer(value: value, source: .questionnaire, span: member.value.span)
        }
        if requireAll {
            let absent = pack.inputs.filter { $0.required && !given.contains($0.name) && !filled.contains($0.name) }
            for input in absent {
                error("the required question `\(input.name)` is not answered", answersNode.span,
                      help: "\(input.question ?? input.name) (\(input.typeDescription)\(input.rangeText.map { ", " + $0 } ?? ""))")
            }
        }
        return (diagnostics.hasErrors ? nil : questionnaire, diagnostics)
    }

    /// A fix for the commonest slips: a number written as text, yes/no as text.
    static func hint(_ input: Input, _ node: JSONNode) -> String? {
        guard let text = node.string else { return nil }
        let number = String(text.compactMap { $0 == "," ? "." : ($0 == "%" || $0 == " " ? nil : $0) })
        switch input.kind {
        case .number where Double(number) != nil:
            return "write the number without quotes: \(number)"
        case .bool where ["yes", "no", "true", "false", "да", "нет"].contains(text.lowercased()):
            return "write true or false without quotes"
        default:
            return nil
        }
    }
}

extension Input {
    /// "0 to 100 %", "at least 1 customers", or nil.
    public var rangeText: String? {
        let unit = self.unit.map { " " + $0 } ?? ""
        switch (minimum, maximum) {
        case (let lo?, let hi?): return "\(NumberFormat.shortest(lo)) to \(NumberFormat.shortest(hi))\(unit)"
        case (let lo?, nil): return "at least \(NumberFormat.shortest(lo))\(unit)"
        case (nil, let hi?): return "at most \(NumberFormat.shortest(hi))\(unit)"
        default: return unit.isEmpty ? nil : "in\(unit)"
        }
    }
}
