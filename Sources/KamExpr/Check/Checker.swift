import KamSource

/// A syntax tree whose names are resolved and whose nodes have static types.
public struct CheckedTree: Sendable {
    public let tree: SyntaxTree
    /// The static type of each node, indexed like `tree.nodes`.
    public let types: [ExprType]
    /// The variable each identifier node reads.
    let variables: [Int: Declarations.Variable]
    /// The function each call node calls.
    let builtins: [Int: Builtin]

    public var type: ExprType { types[tree.root.index] }
    public func type(of id: NodeID) -> ExprType { types[id.index] }
}

/// Resolves names and infers types; reports every problem it finds, not just the first.
///
/// Nodes are stored children first, so one pass in index order sees each node's operands
/// before the node itself: no recursion, whatever the tree's shape.
///
/// Where CEL would only fail at run time but the types already prove the failure (`'a' < 1`,
/// `-true`), the checker reports an error, so a rule author learns of it when the pack loads.
/// `&&` and `||` are the exception CEL makes: `true || 'x'` is `true`, so one non-bool
/// operand is a warning and only two are an error.
public struct Checker {
    private let tree: SyntaxTree
    private let declarations: Declarations
    private var types: [ExprType] = []
    private var variables: [Int: Declarations.Variable] = [:]
    private var builtins: [Int: Builtin] = [:]
    private var diagnostics: [Diagnostic] = []

    public static func check(_ tree: SyntaxTree, _ declarations: Declarations) -> (CheckedTree, [Diagnostic]) {
        var checker = Checker(tree: tree, declarations: declarations)
        checker.run()
        let checked = CheckedTree(tree: tree, types: checker.types, variables: checker.variables, builtins: checker.builtins)
        return (checked, checker.diagnostics)
    }

    private init(tree: SyntaxTree, declarations: Declarations) {
        self.tree = tree
        self.declarations = declarations
        types.reserveCapacity(tree.nodes.count)
    }

    private mutating func run() {
        for index in tree.nodes.indices {
            types.append(type(of: NodeID(index)))
        }
    }

    private func t(_ id: NodeID) -> ExprType { types[id.index] }

    private mutating func type(of id: NodeID) -> ExprType {
        switch tree[id] {
        case .number: return .number
        case .string: return .string
        case .bool: return .bool
        case .null: return .null
        case .list: return .list
        case .identifier(let name):
            if let variable = declarations.variable(named: name) {
                variables[id.index] = variable
                return variable.type
            }
            var help = Suggestion.didYouMean(name, among: declarations.variables.map(\.name))
            if help == nil, Builtin(rawValue: name) != nil { help = "`\(name)` is a function; call it as `\(name)(…)`" }
            error("unknown \(declarations.noun) `\(name)`", id, help: help)
            return .dyn
        case .unary(.not, let operand):
            if !t(operand).admits(.bool) {
                error("`!` needs a bool, found \(t(operand).withArticle)", operand)
            }
            return .bool
        case .unary(.negate, let operand):
            if !t(operand).admits(.number) {
                error("`-` needs a number, found \(t(operand).withArticle)", operand)
            }
            return .number
        case .binary(let op, let left, let right):
            return binary(op, left, right, id)
        case .conditional(let condition, let then, let otherwise):
            if !t(condition).admits(.bool) {
                error("the condition of `?:` must be a bool, found \(t(condition).withArticle)", condition)
            }
            return t(then) == t(otherwise) ? t(then) : .dyn
        case .call(let name, let nameSpan, let receiver, let arguments):
            return call(name, nameSpan, receiver, arguments, id)
        }
    }

    private mutating func binary(_ op: BinaryOperator, _ left: NodeID, _ right: NodeID, _ id: NodeID) -> ExprType {
        let (l, r) = (t(left), t(right))
        switch op {
        case .and, .or:
            let word = op == .and ? "`&&`" : "`||`"
            let badLeft = !l.admits(.bool), badRight = !r.admits(.bool)
            if badLeft && badRight {
                error("\(word) needs bools, found \(l.withArticle) and \(r.withArticle)", id)
            } else if badLeft || badRight {
                let bad = badLeft ? left : right
                warning(
                    "this operand of \(word) is \(t(bad).withArticle), not a bool; the expression fails unless the other operand decides it",
                    bad)
            }
            return .bool
        case .add:
            if l == .dyn || r == .dyn {
                let known = l == .dyn ? r : l
                if known == .bool || known == .null {
                    error("`+` cannot take \(known.withArticle)", l == .dyn ? right : left)
                }
                return known == .dyn || known == .bool || known == .null ? .dyn : known
            }
            if l == r, l == .number || l == .string || l == .list { return l }
            error("cannot add \(l.withArticle) and \(r.withArticle)", id, help: addHelp(l, r))
            return .dyn
        case .subtract, .multiply, .divide, .remainder:
            for side in [left, right] where !t(side).admits(.number) {
                error("`\(op.rawValue)` needs numbers, found \(t(side).withArticle)", side)
            }
            return .number
        case .less, .lessOrEqual, .greater, .greaterOrEqual:
            for side in [left, right] where !(t(side) == .number || t(side) == .string || t(side) == .dyn) {
                error("`\(op.rawValue)` orders numbers or strings, not \(t(side) == .null ? "null" : t(side).rawValue + "s")", side)
                return .bool
            }
            if l != .dyn, r != .dyn, l != r {
                error("cannot order \(l.withArticle) against \(r.withArticle)", id)
            }
            return .bool
        case .equal, .notEqual:
            if l != .dyn, r != .dyn, l != .null, r != .null, l != r {
                warning(
                    "comparing \(l.withArticle) with \(r.withArticle) with `\(op.rawValue)` is always \(op == .equal ? "false" : "true")",
                    id)
            }
            return .bool
        case .in:
            if !r.admits(.list) {
                error("`in` looks for a value in a list, but the right side is \(r.withArticle)", right,
                      help: r == .string ? "to look for text inside text, write `text.contains(part)`" : nil)
            }
            return .bool
        }
    }

    private func addHelp(_ l: ExprType, _ r: ExprType) -> String? {
        if (l == .string && r == .number) || (l == .number && r == .string) {
            return "convert the number first: `string(x)`"
        }
        return nil
    }

    private mutating func call(
        _ name: String, _ nameSpan: SourceSpan, _ receiver: NodeID?, _ arguments: [NodeID], _ id: NodeID
    ) -> ExprType {
        guard let builtin = Builtin(rawValue: name) else {
            let help = Suggestion.didYouMean(name, among: Builtin.allCases.map(\.rawValue))
            error(at: nameSpan, "unknown function `\(name)`", help: help ?? "the functions are \(Builtin.allCases.map(\.rawValue).joined(separator: ", "))")
            return .dyn
        }
        builtins[id.index] = builtin
        switch (builtin.form, receiver) {
        case (.receiverOnly, nil):
            error(at: nameSpan, "`\(name)` is called on a value: write `\(builtin.signature)`")
            return builtin.result
        case (.globalOnly, .some):
            error(at: nameSpan, "`\(name)` is not called on a value: write `\(builtin.signature)`")
            return builtin.result
        default:
            break
        }
        let all = (receiver.map { [$0] } ?? []) + arguments
        let (count, orMore) = builtin.arity
        if all.count < count || (!orMore && all.count > count) {
            let expected = orMore ? "at least \(count)" : "\(count)"
            error(at: nameSpan, "`\(name)` takes \(expected) argument\(count == 1 ? "" : "s") (`\(builtin.signature)`), found \(all.count)")
            return builtin.result
        }
        for (position, argument) in all.enumerated() {
            let allowed = builtin.parameters[min(position, builtin.parameters.count - 1)]
            let actual = t(argument)
            if actual != .dyn, !allowed.contains(actual) {
                let names = allowed.map(\.withArticle).joined(separator: " or ")
                error("`\(name)` needs \(names) here, found \(actual.withArticle)", argument, help: "the call is `\(builtin.signature)`")
            }
        }
        if builtin == .matches, case .string(let pattern) = tree[all[1]] {
            if let problem = Patterns.problem(compiling: pattern) {
                error("invalid pattern for `matches`: \(problem)", all[1])
            }
        }
        return builtin.result
    }

    private mutating func error(_ message: String, _ id: NodeID, help: String? = nil) {
        error(at: tree.span(id), message, help: help)
    }

    private mutating func error(at span: SourceSpan, _ message: String, help: String? = nil) {
        diagnostics.append(.error(message, file: tree.source.file, span: tree.source.fileSpan(span), help: help))
    }

    private mutating func warning(_ message: String, _ id: NodeID) {
        diagnostics.append(.warning(message, file: tree.source.file, span: tree.fileSpan(id)))
    }
}
