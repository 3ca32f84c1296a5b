/// Turns a checked tree into batch code: a list of steps, each a loop over the rows of a
/// `ColumnBatch`, children before parents.
///
/// Batch code only claims rows where the answer is plain. A step marks a row uncertain when
/// the row code could have done anything but return a plain value there: a slot read that is
/// missing or failed, an error, a node kind not vectorised. The caller evaluates those rows
/// one at a time, so the batch has to be exact only on the rows it keeps.
///
/// Every decision that changes a result (which nodes are constant, which `*` and `/` skip the
/// finite check, which path `==` takes) is read from the row `Compiler` itself or repeats its
/// tests line for line, so the two cannot drift apart on the rows batch code claims.
final class BatchCompiler {
    private let checked: CheckedTree
    private let compiler: Compiler
    private(set) var steps: [BatchStep] = []
    /// The constants of the value steps.
    private(set) var constants: [Value] = []

    init(_ checked: CheckedTree) {
        self.checked = checked
        compiler = Compiler(checked, patterns: PatternCache())
    }

    private var tree: SyntaxTree { checked.tree }

    private func emit(_ step: BatchStep) -> Int {
        steps.append(step)
        return steps.count - 1
    }

    // MARK: Typed views, as the row compiler's `numberCode` and `boolCode`

    /// The node as a number; every row uncertain where the row code would always fail (a
    /// constant or a bool where a number is needed) or checks types as it runs.
    func number(_ id: NodeID) -> Int {
        switch compiler.compile(id) {
        case .constant(.number(let x)): return emit(.number(x))
        case .number: return vectorNumber(id) ?? emit(.uncertain)
        default: return emit(.uncertain)
        }
    }

    func bool(_ id: NodeID) -> Int {
        switch compiler.compile(id) {
        case .constant(.bool(let b)): return emit(.bool(b))
        case .bool: return vectorBool(id) ?? emit(.uncertain)
        default: return emit(.uncertain)
        }
    }

    /// The node as a text: only where it comes from, row by row (a constant, a variable, a
    /// condition's pick); every row uncertain where the row code does more (a function, a
    /// list, a value of another type).
    func value(_ id: NodeID) -> Int {
        switch compiler.compile(id) {
        case .constant(let v) where checked.type(of: id) == .string:
            constants.append(v)
            return emit(.constantValue(constants.count - 1))
        case .value where checked.type(of: id) == .string:
            switch tree[id] {
            case .identifier:
                return emit(.readValue(slot: checked.variables[id.index]!.slot))
            case .conditional(let condition, let then, let otherwise):
                let c = bool(condition)
                let t = value(then)
                return emit(.selectValue(c, t, value(otherwise)))
            default:
                return emit(.uncertain)
            }
        default:
            return emit(.uncertain)
        }
    }

    // MARK: Nodes the row compiler made number code

    private func vectorNumber(_ id: NodeID) -> Int? {
        switch tree[id] {
        case .identifier:
            return emit(.readNumber(slot: checked.variables[id.index]!.slot))
        case .unary(.negate, let operand):
            return emit(.negate(number(operand)))
        case .binary(let op, let left, let right) where op.isArithmetic:
            guard checked.type(of: left) == .number && checked.type(of: right) == .number else { return nil }
            let (l, r) = (number(left), number(right))
            let k = constantNumber(right)
            switch op {
            case .add: return emit(.add(l, r))
            case .subtract: return emit(.subtract(l, r))
            case .multiply: return emit(.multiply(l, r, checked: !(k.map { $0.magnitude <= 1 } ?? false)))
            case .divide: return emit(.divide(l, r, checked: !(k.map { $0.magnitude >= 1 } ?? false)))
            default: return emit(.remainder(l, r))
            }
        case .conditional(let condition, let then, let otherwise):
            guard checked.type(of: id) == .number else { return nil }
            let c = bool(condition)
            return emit(.selectNumber(c, number(then), number(otherwise)))
        case .call(_, _, let receiver, let arguments):
            let builtin = checked.builtins[id.index]!
            let all = (receiver.map { [$0] } ?? []) + arguments
            guard all.allSatisfy({ checked.type(of: $0) == .number }) else { return nil }
            switch builtin {
            case .abs, .floor, .ceil, .round: return emit(.rounded(builtin, number(all[0])))
            case .min: return emit(.minimum(all.map(number)))
            case .max: return emit(.maximum(all.map(number)))
            case .int: return emit(.integer(number(all[0])))
            case .double: return number(all[0])
            default: return nil
            }
        default:
            return nil
        }
    }

    // MARK: Nodes the row compiler made bool code

    private func vectorBool(_ id: NodeID) -> Int? {
        switch tree[id] {
        case .identifier:
            return emit(.readBool(slot: checked.variables[id.index]!.slot))
        case .unary(.not, let operand):
            return emit(.not(bool(operand)))
        case .binary(let op, let left, let right):
            return binary(op, left, right)
        case .conditional(let condition, let then, let otherwise):
            guard checked.type(of: id) == .bool else { return nil }
            let c = bool(condition)
            return emit(.selectBool(c, bool(then), bool(otherwise)))
        default:
            return nil
        }
    }

    private func binary(_ op: BinaryOperator, _ left: NodeID, _ right: NodeID) -> Int? {
        let (lt, rt) = (checked.type(of: left), checked.type(of: right))
        switch op {
        case .and:
            let l = bool(left)
            return emit(.and(l, bool(right)))
        case .or:
            let l = bool(left)
            return emit(.or(l, bool(right)))
        case .less, .lessOrEqual, .greater, .greaterOrEqual:
            guard lt == .number && rt == .number else { return nil }
            // What `number` would make a slot read and a constant, in one step.
            if let slot = numberRead(left), let k = constantNumber(right) { return emit(.compareSlot(op, slot: slot, k)) }
            if let slot = numberRead(right), let k = constantNumber(left) { return emit(.compareSlot(op.turnedRound, slot: slot, k)) }
            let l = number(left)
            return emit(.compare(op, l, number(right)))
        case .equal, .notEqual:
            let negate = op == .notEqual
            if lt == .number && rt == .number {
                let l = number(left)
                return emit(.equalNumbers(l, number(right), negate: negate))
            }
            if lt == .bool && rt == .bool {
                let l = bool(left)
                return emit(.equalBools(l, bool(right), negate: negate))
            }
            // CEL equality of a variable with a constant (`stage == 'basic'`): exact per row.
            if let (slot, type) = variable(left), case .constant(let k) = compiler.compile(right) {
                return emit(.equalValue(slot: slot, type: type, k, negate: negate))
            }
            if let (slot, type) = variable(right), case .constant(let k) = compiler.compile(left) {
                return emit(.equalValue(slot: slot, type: type, k, negate: negate))
            }
            return nil
        case .in:
            if let (slot, type) = variable(left), case .constant(.list(let items)) = compiler.compile(right) {
                return emit(.memberOf(slot: slot, type: type, items))
            }
            return nil
        default:
            return nil
        }
    }

    private func variable(_ id: NodeID) -> (Int, ExprType)? {
        guard case .identifier = tree[id], let variable = checked.variables[id.index] else { return nil }
        return (variable.slot, variable.type)
    }

    /// The slot `number(id)` would read, when that is all it would do.
    private func numberRead(_ id: NodeID) -> Int? {
        guard case .number = compiler.compile(id), case .identifier = tree[id] else { return nil }
        return checked.variables[id.index]!.slot
    }

    private func constantNumber(_ id: NodeID) -> Double? {
        if case .constant(.number(let x)) = compiler.compile(id) { return x }
        return nil
    }
}

extension BinaryOperator {
    /// The comparison with its operands swapped: `a < b` is `b > a`, NaN included.
    var turnedRound: BinaryOperator {
        switch self {
        case .less: .greater
        case .lessOrEqual: .greaterOrEqual
        case .greater: .less
        case .greaterOrEqual: .lessOrEqual
        default: self
        }
    }
}

extension CompiledExpression {
    /// Batch code for the result as a number, with `evaluateNumber`'s meaning on every row
    /// it claims. Each worker builds its own: the code keeps its intermediate columns.
    public func batchNumberCode(capacity: Int) -> BatchCode {
        let compiler = BatchCompiler(checked)
        let root = compiler.number(checked.tree.root)
        return BatchCode(compiler.steps, root: root, capacity: capacity)
    }

    /// Batch code for a text result, with `evaluate`'s value on every row it claims.
    public func batchValueCode(capacity: Int) -> BatchCode {
        let compiler = BatchCompiler(checked)
        let root = compiler.value(checked.tree.root)
        return BatchCode(compiler.steps, root: root, capacity: capacity, constants: compiler.constants)
    }

    /// Batch code for the result as a bool, with `evaluateBool`'s meaning on every row it claims.
    public func batchBoolCode(capacity: Int) -> BatchCode {
        let compiler = BatchCompiler(checked)
        let root = compiler.bool(checked.tree.root)
        return BatchCode(compiler.steps, root: root, capacity: capacity)
    }
}
