import KamSource

/// A lexical token of the expression language, with its span in the expression's text.
struct Token: Sendable {
    enum Kind: Sendable, Equatable {
        case number(Double)
        case string(String)
        case identifier(String)
        case keyword(Keyword)
        case punctuation(Punctuation)
        case end
    }

    var kind: Kind
    var span: SourceSpan
}

enum Keyword: String, Sendable {
    case `true`, `false`, null, `in`
    /// Spelled-out aliases of `&&`, `||` and `!`, for rule authors who are not programmers.
    case and, or, not
}

enum Punctuation: String, Sendable {
    case leftParen = "(", rightParen = ")", leftBracket = "[", rightBracket = "]"
    case leftBrace = "{", rightBrace = "}"
    case comma = ",", dot = ".", question = "?", colon = ":"
    case plus = "+", minus = "-", star = "*", slash = "/", percent = "%"
    case equal = "==", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
    case and = "&&", or = "||", bang = "!"
}

extension Token.Kind {
    /// How the token is named in "expected …, found …" messages.
    var displayName: String {
        switch self {
        case .number: "a number"
        case .string: "a string"
        case .identifier(let name): "`\(name)`"
        case .keyword(let keyword): "`\(keyword.rawValue)`"
        case .punctuation(let punctuation): "`\(punctuation.rawValue)`"
        case .end: "the end of the expression"
        }
    }
}
