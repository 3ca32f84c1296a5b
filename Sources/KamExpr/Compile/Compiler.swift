/// Turns a checked tree into closures.
///
/// Everything that can be decided once is decided here: which operator, which slot, which
/// function, whether an operand is a constant, which regular expression. What is left for run
/// time is arithmetic on doubles and reads from typed slots. Subtrees without variables are
/// folded to constants (unless evaluating them fails, which then happens at run time with
/// the same error as always). Where the static type is `dyn`, the closure checks the type as
/// it runs, with the same semantics as `Operations`, which the reference interpreter uses.
///
/// Each node is compiled once and remembered, since a parent may ask for a child both as a
/// possible constant and as code.
final class Compiler {
    let checked: CheckedTree
    let patterns: PatternCache
    /// Whether each node's subtree reads no variable.
    private var constantNodes: [Bool] = []
    private var compiled: [Code?]

    init(_ checked: CheckedTree, patterns: PatternCache) {
        self.checked = checked
        self.patterns = patterns
        compiled = Array(repeating: nil, count: checked.tree.nodes.count)
        for node in checked.tree.nodes {
            switch node {
            case .identifier: constantNodes.append(false)
            default: constantNodes.append(node.children.allSatisfy { constantNodes[$0.index] })
            }
        }
    }

    private var tree: SyntaxTree { checked.tree }

    func compile(_ id: NodeID) -> Code {
        if let code = compiled[id.index] { return code }
        let code = generate(id)
        compiled[id.index] = code
        return code
    }

    private func generate(_ id: NodeID) -> Code {
        if constantNodes[id.index], case .number = tree[id] {} else if constantNodes[id.index] {
            let interpreter = TreeInterpreter(CheckedTree(
                tree: rerooted(id), types: checked.types, variables: checked.variables, builtins: checked.builtins))
            if let value = try? interpreter.evaluate(Activation(count: 0)) { return .constant(value) }
        }
        let site = Site(tree, id)
        switch tree[id] {
        case .number(let x): return .constant(.number(x))
        case .string(let s): return .constant(.string(s))
        case .bool(let b): return .constant(.bool(b))
        case .null: return .constant(.null)
        case .identifier(let name):
            return read(checked.variables[id.index]!, name, site)
        case .list(let items):
            let codes = items.map(valueCode)
            return .value { a throws(EvalError) in
                var out: [Value] = []
                out.reserveCapacity(codes.count)
                for code in codes { out.append(try code(a)) }
                return .list(out)
            }
        case .unary(.not, let operand):
            let code = boolCode(operand, "`!`")
            return .bool { a throws(EvalError) in !(try code(a)) }
        case .unary(.negate, let operand):
            let code = numberCode(operand, "`-`")
            return .number { a throws(EvalError) in -(try code(a)) }
        case .binary(let op, let left, let right):
            return binary(op, left, right, site)
        case .conditional(let condition, let then, let otherwise):
            let c = boolCode(condition, "the condition of `?:`")
            switch checked.type(of: id) {
            case .number:
                let (t, e) = (numberCode(then, "?:"), numberCode(otherwise, "?:"))
                return .number { a throws(EvalError) in try c(a) ? try t(a) : try e(a) }
            case .bool:
                let (t, e) = (boolCode(then, "?:"), boolCode(otherwise, "?:"))
                return .bool { a throws(EvalError) in try c(a) ? try t(a) : try e(a) }
            default:
                let (t, e) = (valueCode(then), valueCode(otherwise))
                return .value { a throws(EvalError) in try c(a) ? try t(a) : try e(a) }
            }
        case .call(_, _, let receiver, let arguments):
            return call(checked.builtins[id.index]!, (receiver.map { [$0] } ?? []) + arguments, site)
        }
    }

    /// A tree identical to ours but rooted at `id`, to fold a constant subtree.
    private func rerooted(_ id: NodeID) -> SyntaxTree {
        var copy = tree
        copy.root = id
        return copy
    }

    // MARK: Reading variables

    private func read(_ variable: Declarations.Variable, _ name: String, _ site: Site) -> Code {
        let slot = variable.slot
        let missing = Activation.missing(name, site)
        switch variable.type {
        case .number:
            return .number { a throws(EvalError) in
                guard a.states[slot] == 1 else { throw a.absence(slot, missing) }
                return a.numbers[slot]
            }
        case .bool:
            return .bool { a throws(EvalError) in
                guard a.states[slot] == 1 else { throw a.absence(slot, missing) }
                return a.bools[slot]
            }
        default:
            return .value { a throws(EvalError) in
                guard a.states[slot] == 1 else { throw a.absence(slot, missing) }
                return a.values[slot]
            }
        }
    }

    // MARK: Typed views of a node

    func numberCode(_ id: NodeID, _ what: String) -> NumberCode {
        let site = Site(tree, id)
        switch compile(id) {
        case .number(let code): return code
        case .constant(.number(let x)): return { _ throws(EvalError) in x }
        case .constant(let v):
            return { _ throws(EvalError) in try Operations.number(v, what, site) }
        case .bool(let code):
            // Evaluated first, as the interpreter does, so its own error wins over the mismatch.
            return { a throws(EvalError) in
                _ = try code(a)
                throw Operations.mismatch("\(what) needs a number, found a bool", site)
            }
        case .value(let code):
            return { a throws(EvalError) in try Operations.number(try code(a), what, site) }
        }
    }

    func boolCode(_ id: NodeID, _ what: String) -> BoolCode {
        let site = Site(tree, id)
        switch compile(id) {
        case .bool(let code): return code
        case .constant(.bool(let b)): return { _ throws(EvalError) in b }
        case .constant(let v):
            return { _ throws(EvalError) in try Operations.bool(v, what, site) }
        case .number(let code):
            return { a throws(EvalError) in
                _ = try code(a)
                throw Operations.mismatch("\(what) needs a bool, found a number", site)
            }
        case .value(let code):
            return { a throws(EvalError) in try Operations.bool(try code(a), what, site) }
        }
    }

    func valueCode(_ id: NodeID) -> ValueCode {
        Compiler.valueCode(compile(id))
    }

    static func valueCode(_ code: Code) -> ValueCode {
        switch code {
        case .value(let code): return code
        case .constant(let v): return { _ throws(EvalError) in v }
        case .number(let code): return { a throws(EvalError) in .number(try code(a)) }
        case .bool(let code): return { a throws(EvalError) in .bool(try code(a)) }
        }
    }

    // MARK: Operators

    private func binary(_ op: BinaryOperator, _ left: NodeID, _ right: NodeID, _ site: Site) -> Code {
        let (lt, rt) = (checked.type(of: left), checked.type(of: right))
        switch op {
        case .and, .or:
            return .bool(logical(op, boolCode(left, "`\(op.rawValue)`"), boolCode(right, "`\(op.rawValue)`")))
        case .add, .subtract, .multiply, .divide, .remainder:
            if lt == .number && rt == .number {
                return .number(arithmetic(op, numberCode(left, ""), numberCode(right, ""), constantNumber(right), site))
            }
            // An operand of unknown type: the dynamic semantics, checked as it runs.
            let (l, r) = (valueCode(left), valueCode(right))
            return .value { a throws(EvalError) in try Operations.binary(op, try l(a), try r(a), site) }
        case .less, .lessOrEqual, .greater, .greaterOrEqual:
            if lt == .number && rt == .number {
                if let variable = numberVariable(left), let k = constantNumber(right) {
                    return .bool(ordering(op, variable, k))
                }
                return .bool(ordering(op, numberCode(left, ""), numberCode(right, ""), constantNumber(right)))
            }
            let (l, r) = (valueCode(left), valueCode(right))
            return .bool { a throws(EvalError) in
                guard case .bool(let b) = try Operations.binary(op, try l(a), try r(a), site) else { return false }
                return b
            }
        case .equal, .notEqual:
            let negate = op == .notEqual
            if lt == .number && rt == .number {
                let (l, r) = (numberCode(left, ""), numberCode(right, ""))
                return .bool { a throws(EvalError) in (try l(a) == (try r(a))) != negate }
            }
            if lt == .bool && rt == .bool {
                let (l, r) = (boolCode(left, ""), boolCode(right, ""))
                return .bool { a throws(EvalError) in (try l(a) == (try r(a))) != negate }
            }
            let (l, r) = (valueCode(left), valueCode(right))
            return .bool { a throws(EvalError) in (try l(a)).celEquals(try r(a)) != negate }
        case .in:
            let (l, r) = (valueCode(left), valueCode(right))
            return .bool { a throws(EvalError) in
                guard case .bool(let b) = try Operations.binary(.in, try l(a), try r(a), site) else { return false }
                return b
            }
        }
    }

    private func constantNumber(_ id: NodeID) -> Double? {
        if case .constant(.number(let x)) = compile(id) { return x }
        return nil
    }

    /// `&&` and `||` with CEL's commutative errors: the right operand runs even when the left
    /// failed, and a deciding right operand (`false` for `&&`, `true` for `||`) wins.
    private func logical(_ op: BinaryOperator, _ l: @escaping BoolCode, _ r: @escaping BoolCode) -> BoolCode {
        let decisive = op == .or
        return { a throws(EvalError) in
            var leftError: EvalError?
            do throws(EvalError) {
                if try l(a) == decisive { return decisive }
            } catch {
                leftError = error
            }
            let right: Bool
            do throws(EvalError) {
                right = try r(a)
            } catch {
                throw leftError ?? error
            }
            if right == decisive { return decisive }
            if let leftError { throw leftError }
            return !decisive
        }
    }

    private func arithmetic(
        _ op: BinaryOperator, _ l: @escaping NumberCode, _ r: @escaping NumberCode, _ constant: Double?, _ site: Site
    ) -> NumberCode {
        let tooLarge = site.error(.notFinite, "the result is too large for a number (beyond ±1.8e308)")
        switch op {
        case .add:
            return { a throws(EvalError) in
                let x = try l(a) + (try r(a))
                guard x.isFinite else { throw tooLarge }
                return x
            }
        case .subtract:
            return { a throws(EvalError) in
                let x = try l(a) - (try r(a))
                guard x.isFinite else { throw tooLarge }
                return x
            }
        case .multiply:
            if let k = constant, k.magnitude <= 1 {
                return { a throws(EvalError) in try l(a) * k }
            }
            return { a throws(EvalError) in
                let x = try l(a) * (try r(a))
                guard x.isFinite else { throw tooLarge }
                return x
            }
        case .divide:
            if let k = constant, k.magnitude >= 1 {
                return { a throws(EvalError) in try l(a) / k }
            }
            return { a throws(EvalError) in try Operations.arithmetic(.divide, try l(a), try r(a), site) }
        default:
            return { a throws(EvalError) in try Operations.arithmetic(op, try l(a), try r(a), site) }
        }
    }

    /// A number variable read straight from its slot, for the commonest band condition
    /// (`x >= 30`): one closure instead of two, so one call and no captured closure to keep
    /// alive per row.
    private struct SlotRead {
        let slot: Int
        let name: String
        let site: Site
    }

    private func numberVariable(_ id: NodeID) -> SlotRead? {
        guard case .identifier(let name) = tree[id], let variable = checked.variables[id.index], variable.type == .number else {
            return nil
        }
        return SlotRead(slot: variable.slot, name: name, site: Site(tree, id))
    }

    private func ordering(_ op: BinaryOperator, _ v: SlotRead, _ k: Double) -> BoolCode {
        let (slot, missing) = (v.slot, Activation.missing(v.name, v.site))
        switch op {
        case .less:
            return { a throws(EvalError) in
                guard a.states[slot] == 1 else { throw a.absence(slot, missing) }
                return a.numbers[slot] < k
            }
        case .lessOrEqual:
            return { a throws(EvalError) in
                guard a.states[slot] == 1 else { throw a.absence(slot, missing) }
                return a.numbers[slot] <= k
            }
        case .greater:
            return { a throws(EvalError) in
                guard a.states[slot] == 1 else { throw a.absence(slot, missing) }
                return a.numbers[slot] > k
            }
        default:
            return { a throws(EvalError) in
                guard a.states[slot] == 1 else { throw a.absence(slot, missing) }
                return a.numbers[slot] >= k
            }
        }
    }

    private func ordering(
        _ op: BinaryOperator, _ l: @escaping NumberCode, _ r: @escaping NumberCode, _ constant: Double?
    ) -> BoolCode {
        if let k = constant {
            switch op {
            case .less: return { a throws(EvalError) in try l(a) < k }
            case .lessOrEqual: return { a throws(EvalError) in try l(a) <= k }
            case .greater: return { a throws(EvalError) in try l(a) > k }
            default: return { a throws(EvalError) in try l(a) >= k }
            }
        }
        switch op {
        case .less: return { a throws(EvalError) in try l(a) < (try r(a)) }
        case .lessOrEqual: return { a throws(EvalError) in try l(a) <= (try r(a)) }
        case .greater: return { a throws(EvalError) in try l(a) > (try r(a)) }
        default: return { a throws(EvalError) in try l(a) >= (try r(a)) }
        }
    }

    // MARK: Functions

    private func call(_ builtin: Builtin, _ arguments: [NodeID], _ site: Site) -> Code {
        let name = "`\(builtin.rawValue)`"
        let numeric = arguments.allSatisfy { checked.type(of: $0) == .number }
        let rounding: Set<Builtin> = [.abs, .floor, .ceil, .round]
        if numeric, rounding.contains(builtin) {
            let x = numberCode(arguments[0], name)
            switch builtin {
            case .abs: return .number { a throws(EvalError) in Swift.abs(try x(a)) }
            case .floor: return .number { a throws(EvalError) in (try x(a)).rounded(.down) }
            case .ceil: return .number { a throws(EvalError) in (try x(a)).rounded(.up) }
            default: return .number { a throws(EvalError) in (try x(a)).rounded(.toNearestOrAwayFromZero) }
            }
        }
        switch builtin {
        case .min where numeric, .max where numeric:
            let codes = arguments.map { numberCode($0, name) }
            let isMin = builtin == .min
            if codes.count == 2 {
                let (l, r) = (codes[0], codes[1])
                return .number { a throws(EvalError) in
                    let (x, y) = (try l(a), try r(a))
                    return isMin ? Swift.min(x, y) : Swift.max(x, y)
                }
            }
            return .number { a throws(EvalError) in
                var best = try codes[0](a)
                for code in codes.dropFirst() {
                    let x = try code(a)
                    best = isMin ? Swift.min(best, x) : Swift.max(best, x)
                }
                return best
            }
        case .matches:
            if case .constant(.string(let pattern)) = compile(arguments[1]), let regex = Patterns.compile(pattern) {
                let text = valueCode(arguments[0])
                return .bool { a throws(EvalError) in
                    Patterns.matches(try Operations.string(try text(a), name, site), regex)
                }
            }
            fallthrough
        default:
            let codes = arguments.map(valueCode)
            let patterns = self.patterns
            let result: ValueCode = { a throws(EvalError) in
                var args: [Value] = []
                args.reserveCapacity(codes.count)
                for code in codes { args.append(try code(a)) }
                return try Operations.call(builtin, args, site, patterns: patterns)
            }
            switch builtin.result {
            case .number:
                return .number { a throws(EvalError) in try Operations.number(try result(a), name, site) }
            case .bool:
                return .bool { a throws(EvalError) in try Operations.bool(try result(a), name, site) }
            default:
                return .value(result)
            }
        }
    }
}
