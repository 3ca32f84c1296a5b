/// The slow, obviously-correct evaluator: it walks the checked tree node by node on `Value`s.
///
/// The compiled code is tested against it (the same cases, the same answers, the same
/// errors), it is the baseline the benchmark measures the compiler's gain against, and its
/// observer lets `--explain` show the value of every sub-expression.
public struct TreeInterpreter: Sendable {
    public let checked: CheckedTree
    private let patterns = PatternCache()

    public init(_ checked: CheckedTree) {
        self.checked = checked
    }

    /// Evaluates the whole expression. `observe`, if given, sees every node's outcome after the
    /// node is evaluated (children before parents; nodes skipped by `&&`, `||`, `?:` are not seen).
    public func evaluate(
        _ activation: Activation, observe: ((NodeID, Result<Value, EvalError>) -> Void)? = nil
    ) throws(EvalError) -> Value {
        try evaluate(checked.tree.root, activation, observe)
    }

    private func evaluate(
        _ id: NodeID, _ a: Activation, _ observe: ((NodeID, Result<Value, EvalError>) -> Void)?
    ) throws(EvalError) -> Value {
        let result: Result<Value, EvalError>
        do {
            result = .success(try value(id, a, observe))
        } catch {
            result = .failure(error)
        }
        observe?(id, result)
        return try result.get()
    }

    private func value(
        _ id: NodeID, _ a: Activation, _ observe: ((NodeID, Result<Value, EvalError>) -> Void)?
    ) throws(EvalError) -> Value {
        let tree = checked.tree
        let site = Site(tree, id)
        func run(_ child: NodeID) throws(EvalError) -> Value { try evaluate(child, a, observe) }
        func outcome(_ child: NodeID, _ what: String) -> Result<Bool, EvalError> {
            do {
                return .success(try Operations.bool(try run(child), what, Site(tree, child)))
            } catch {
                return .failure(error)
            }
        }
        switch tree[id] {
        case .number(let x): return .number(x)
        case .string(let s): return .string(s)
        case .bool(let b): return .bool(b)
        case .null: return .null
        case .identifier(let name):
            let variable = checked.variables[id.index]!
            if let v = a.value(variable.slot, as: variable.type) { return v }
            throw a.absence(variable.slot, name, site)
        case .list(let items):
            var out: [Value] = []
            for item in items { out.append(try run(item)) }
            return .list(out)
        case .unary(.not, let operand):
            return .bool(!(try Operations.bool(try run(operand), "`!`", Site(tree, operand))))
        case .unary(.negate, let operand):
            return .number(-(try Operations.number(try run(operand), "`-`", Site(tree, operand))))
        case .binary(let op, let left, let right) where op == .and || op == .or:
            // CEL's commutative rule: a deciding operand wins over an error on the other side.
            let decisive = op == .or
            let what = "`\(op.rawValue)`"
            let l = outcome(left, what)
            if case .success(decisive) = l { return .bool(decisive) }
            let r = outcome(right, what)
            if case .success(decisive) = r { return .bool(decisive) }
            _ = try l.get()
            _ = try r.get()
            return .bool(!decisive)
        case .binary(let op, let left, let right):
            let l = try run(left)
            let r = try run(right)
            return try Operations.binary(op, l, r, site)
        case .conditional(let condition, let then, let otherwise):
            let c = try Operations.bool(try run(condition), "the condition of `?:`", Site(tree, condition))
            return try run(c ? then : otherwise)
        case .call(_, _, let receiver, let arguments):
            var args: [Value] = []
            for argument in (receiver.map { [$0] } ?? []) + arguments { args.append(try run(argument)) }
            return try Operations.call(checked.builtins[id.index]!, args, site, patterns: patterns)
        }
    }
}

extension Activation {
    /// The error for reading a slot with no value: the stored failure of a derived value, or
    /// a missing-value error naming the variable.
    func absence(_ slot: Int, _ name: String, _ site: Site) -> EvalError {
        absence(slot, Self.missing(name, site))
    }

    /// As `absence(_:_:_:)`, with the missing-value error made beforehand: compiled code makes
    /// it once, when it is compiled, not on every row that leaves the variable unanswered
    /// (blank cells are common, and the message was a string built and thrown away each time).
    func absence(_ slot: Int, _ missing: EvalError) -> EvalError {
        if states[slot] == 2, let failure = failures[slot] { return failure }
        return missing
    }

    static func missing(_ name: String, _ site: Site) -> EvalError {
        site.error(.missing(name: name), "`\(name)` has no value")
    }
}
