import KamSource

/// Parses an expression into a `SyntaxTree`, by recursive descent over CEL's grammar:
///
///     expr     = or ["?" or ":" expr]
///     or       = and {("||" | "or") and}
///     and      = relation {("&&" | "and") relation}
///     relation = sum {("<" | "<=" | ">" | ">=" | "==" | "!=" | "in") sum}
///     sum      = product {("+" | "-") product}
///     product  = unary {("*" | "/" | "%") unary}
///     unary    = {"!" | "not"} member | {"-"} member
///     member   = primary {"." name "(" [args] ")"}
///     primary  = name ["(" [args] ")"] | "(" expr ")" | "[" [args] [","] "]" | literal
///
/// Chains of `&&` or `||` are built as balanced trees, as cel-go does: the operators are
/// associative (errors included), and balance keeps a long list of alternatives shallow.
///
/// Nesting is limited (`maximumDepth`) both while parsing and in the finished tree, so an
/// expression with 100,000 parentheses, or a sum of 100,000 terms, is a clear error instead
/// of a stack overflow in the parser or in anything that walks the tree later.
public struct Parser {
    /// The deepest nesting accepted; rule expressions rarely pass ten.
    public static let depthLimit = Limit("KAM_MAX_EXPRESSION_DEPTH", default: 100, ceiling: 1_000)
    public static var maximumDepth: Int { depthLimit.value }
    /// The longest expression accepted, in bytes (a long list of alternatives joined by `||`
    /// is the realistic case that comes near it).
    public static let lengthLimit = Limit("KAM_MAX_EXPRESSION_BYTES", default: 1_000_000, ceiling: 100_000_000)
    public static var maximumLength: Int { lengthLimit.value }

    private var lexer: Lexer
    private var current: Token
    private var tree: SyntaxTree
    private var depth = 0
    private let source: SourceText

    /// Parses `source.text` as one expression.
    public static func parse(_ source: SourceText) -> Result<SyntaxTree, Diagnostic> {
        let length = source.text.utf8.count
        if length > maximumLength {
            return .failure(
                .error(
                    "the expression is \(length) bytes long; the limit is \(maximumLength) (\(Parser.lengthLimit.howToRaise))", file: source.file,
                    span: source.fileSpan(SourceSpan(start: 0, end: 1)),
                    help: "split it into derived values"))
        }
        do {
            var parser = try Parser(source: source)
            return .success(try parser.parseAll())
        } catch {
            return .failure(error)
        }
    }

    private init(source: SourceText) throws(Diagnostic) {
        self.source = source
        self.lexer = Lexer(source: source)
        self.tree = SyntaxTree(source: source)
        self.current = try lexer.next()
    }

    private mutating func parseAll() throws(Diagnostic) -> SyntaxTree {
        if case .end = current.kind {
            throw error("the expression is empty", current.span)
        }
        let root = try expression()
        guard case .end = current.kind else {
            throw error("unexpected \(current.kind.displayName) after a complete expression", current.span, help: hintAfterExpression())
        }
        tree.root = root
        return tree
    }

    private func hintAfterExpression() -> String? {
        switch current.kind {
        case .identifier, .number, .string, .keyword(.true), .keyword(.false), .keyword(.null):
            return "is an operator missing before it?"
        case .punctuation(.rightParen):
            return "there is one `)` too many"
        case .punctuation(.rightBracket):
            return "there is one `]` too many"
        default:
            return nil
        }
    }

    // MARK: Grammar

    private mutating func expression() throws(Diagnostic) -> NodeID {
        depth += 1
        defer { depth -= 1 }
        if depth > Parser.maximumDepth {
            throw error("the expression is nested more than \(Parser.maximumDepth) levels deep", current.span,
                        help: "split it into derived values, or \(Parser.depthLimit.howToRaise) (at most 1000)")
        }
        let condition = try or()
        guard try accept(.question) else { return condition }
        let then = try or()
        try expect(.colon, "`:` to separate the two branches of `?:`")
        let otherwise = try expression()
        return try add(.conditional(condition, then, otherwise), span: span(condition).union(span(otherwise)))
    }

    private mutating func or() throws(Diagnostic) -> NodeID {
        var operands = [try and()]
        while try accept(.or, or: .or) { operands.append(try and()) }
        return try balanced(.or, operands[...])
    }

    private mutating func and() throws(Diagnostic) -> NodeID {
        var operands = [try relation()]
        while try accept(.and, or: .and) { operands.append(try relation()) }
        return try balanced(.and, operands[...])
    }

    private mutating func balanced(_ op: BinaryOperator, _ operands: ArraySlice<NodeID>) throws(Diagnostic) -> NodeID {
        if operands.count == 1 { return operands.first! }
        let middle = operands.startIndex + operands.count / 2
        let left = try balanced(op, operands[..<middle])
        let right = try balanced(op, operands[middle...])
        return try add(.binary(op, left, right), span: span(left).union(span(right)))
    }

    private mutating func relation() throws(Diagnostic) -> NodeID {
        var left = try sum()
        while true {
            let op: BinaryOperator
            switch current.kind {
            case .punctuation(.less): op = .less
            case .punctuation(.lessOrEqual): op = .lessOrEqual
            case .punctuation(.greater): op = .greater
            case .punctuation(.greaterOrEqual): op = .greaterOrEqual
            case .punctuation(.equal): op = .equal
            case .punctuation(.notEqual): op = .notEqual
            case .keyword(.in): op = .in
            default: return left
            }
            try advance()
            let right = try sum()
            left = try add(.binary(op, left, right), span: span(left).union(span(right)))
        }
    }

    private mutating func sum() throws(Diagnostic) -> NodeID {
        var left = try product()
        while true {
            let op: BinaryOperator
            switch current.kind {
            case .punctuation(.plus): op = .add
            case .punctuation(.minus): op = .subtract
            default: return left
            }
            try advance()
            let right = try product()
            left = try add(.binary(op, left, right), span: span(left).union(span(right)))
        }
    }

    private mutating func product() throws(Diagnostic) -> NodeID {
        var left = try unary()
        while true {
            let op: BinaryOperator
            switch current.kind {
            case .punctuation(.star): op = .multiply
            case .punctuation(.slash): op = .divide
            case .punctuation(.percent): op = .remainder
            default: return left
            }
            try advance()
            let right = try unary()
            left = try add(.binary(op, left, right), span: span(left).union(span(right)))
        }
    }

    private mutating func unary() throws(Diagnostic) -> NodeID {
        var operators: [(UnaryOperator, SourceSpan)] = []
        while true {
            if case .punctuation(.bang) = current.kind {
                operators.append((.not, current.span))
            } else if case .keyword(.not) = current.kind {
                operators.append((.not, current.span))
            } else if case .punctuation(.minus) = current.kind {
                operators.append((.negate, current.span))
            } else {
                break
            }
            try advance()
        }
        var operand = try member()
        for (op, opSpan) in operators.reversed() {
            operand = try add(.unary(op, operand), span: opSpan.union(span(operand)))
        }
        return operand
    }

    private mutating func member() throws(Diagnostic) -> NodeID {
        var receiver = try primary()
        while true {
            if case .punctuation(.dot) = current.kind {
                let dot = current.span
                try advance()
                guard case .identifier(let name) = current.kind else {
                    throw error("expected a function name after `.`, found \(current.kind.displayName)", current.span)
                }
                let nameSpan = current.span
                try advance()
                guard case .punctuation(.leftParen) = current.kind else {
                    throw error(
                        "field selection (`.\(name)`) is not supported; only calls such as `.contains(…)` follow a `.`",
                        dot.union(nameSpan))
                }
                let (arguments, end) = try argumentList()
                receiver = try add(
                    .call(name: name, nameSpan: nameSpan, receiver: receiver, arguments: arguments),
                    span: span(receiver).union(end))
            } else if case .punctuation(.leftBracket) = current.kind {
                throw error("indexing (`[…]` after a value) is not supported", current.span, help: "use `in` to test membership in a list")
            } else {
                return receiver
            }
        }
    }

    private mutating func primary() throws(Diagnostic) -> NodeID {
        let token = current
        switch token.kind {
        case .number(let value):
            try advance()
            return try add(.number(value), span: token.span)
        case .string(let value):
            try advance()
            return try add(.string(value), span: token.span)
        case .keyword(.true), .keyword(.false):
            try advance()
            return try add(.bool(token.kind == .keyword(.true)), span: token.span)
        case .keyword(.null):
            try advance()
            return try add(.null, span: token.span)
        case .identifier(let name):
            try advance()
            if case .punctuation(.leftParen) = current.kind {
                let (arguments, end) = try argumentList()
                return try add(.call(name: name, nameSpan: token.span, receiver: nil, arguments: arguments), span: token.span.union(end))
            }
            return try add(.identifier(name), span: token.span)
        case .punctuation(.leftParen):
            try advance()
            let inner = try expression()
            try expect(.rightParen, "`)` to close the `(` at column \(column(token.span))")
            return inner
        case .punctuation(.leftBracket):
            try advance()
            var items: [NodeID] = []
            depth += 1
            defer { depth -= 1 }
            while true {
                if case .punctuation(.rightBracket) = current.kind { break }
                items.append(try expression())
                if try !accept(.comma) { break }
            }
            let end = current.span
            try expect(.rightBracket, "`,` or `]` in the list opened at column \(column(token.span))")
            return try add(.list(items), span: token.span.union(end))
        case .punctuation(.leftBrace):
            throw error("maps and messages (`{…}`) are not supported", token.span)
        case .punctuation(.dot):
            throw error("a leading `.` (qualified names) is not supported", token.span)
        case .end:
            throw error("the expression ends too early; expected a value", token.span)
        default:
            throw error("unexpected \(token.kind.displayName); expected a value, a name, `(` or `[`", token.span)
        }
    }

    /// `(` arguments `)`; returns the arguments and the span of the closing parenthesis.
    private mutating func argumentList() throws(Diagnostic) -> ([NodeID], SourceSpan) {
        let open = current.span
        try advance()  // (
        depth += 1
        defer { depth -= 1 }
        var arguments: [NodeID] = []
        if case .punctuation(.rightParen) = current.kind {
            let end = current.span
            try advance()
            return ([], end)
        }
        while true {
            arguments.append(try expression())
            if try !accept(.comma) { break }
        }
        let end = current.span
        try expect(.rightParen, "`,` or `)` in the call opened at column \(column(open))")
        return (arguments, end)
    }

    // MARK: Helpers

    private mutating func add(_ node: Node, span: SourceSpan) throws(Diagnostic) -> NodeID {
        let id = tree.add(node, span: span)
        if tree.height(id) > Parser.maximumDepth {
            throw error(
                "the expression is nested more than \(Parser.maximumDepth) levels deep", span,
                help: "split it into derived values")
        }
        return id
    }

    private func span(_ id: NodeID) -> SourceSpan { tree.span(id) }

    private mutating func advance() throws(Diagnostic) {
        current = try lexer.next()
    }

    private mutating func accept(_ punctuation: Punctuation) throws(Diagnostic) -> Bool {
        guard case .punctuation(punctuation) = current.kind else { return false }
        try advance()
        return true
    }

    /// An operator that has a symbol and a word spelling (`&&` and `and`).
    private mutating func accept(_ punctuation: Punctuation, or keyword: Keyword) throws(Diagnostic) -> Bool {
        if try accept(punctuation) { return true }
        return try acceptKeyword(keyword)
    }

    private mutating func acceptKeyword(_ keyword: Keyword) throws(Diagnostic) -> Bool {
        guard case .keyword(keyword) = current.kind else { return false }
        try advance()
        return true
    }

    private mutating func expect(_ punctuation: Punctuation, _ what: String) throws(Diagnostic) {
        guard case .punctuation(punctuation) = current.kind else {
            throw error("expected \(what), found \(current.kind.displayName)", current.span)
        }
        try advance()
    }

    private func column(_ span: SourceSpan) -> Int {
        source.file.location(of: source.fileOffset(span.start)).column
    }

    private func error(_ message: String, _ span: SourceSpan, help: String? = nil) -> Diagnostic {
        return Diagnostic.error(message, file: source.file, span: source.fileSpan(span), help: help)
    }
}
