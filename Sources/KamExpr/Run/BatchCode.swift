/// One loop of batch code. Operands are earlier steps, by index; each step writes its own
/// columns (a number, a bool byte, a value's source and an uncertain byte per row).
enum BatchStep: Sendable {
    case readNumber(slot: Int)
    case readBool(slot: Int)
    case number(Double)
    case bool(Bool)
    /// Every row uncertain: a node not vectorised, or one that fails on every row.
    case uncertain
    case negate(Int)
    case not(Int)
    case add(Int, Int)
    case subtract(Int, Int)
    /// `checked`: the row code checks that the result is finite (it skips the check for a
    /// constant factor of magnitude at most 1).
    case multiply(Int, Int, checked: Bool)
    /// `checked`: the row code refuses a zero divisor and an infinite result (it skips both
    /// for a constant divisor of magnitude at least 1).
    case divide(Int, Int, checked: Bool)
    case remainder(Int, Int)
    case compare(BinaryOperator, Int, Int)
    case equalNumbers(Int, Int, negate: Bool)
    case equalBools(Int, Int, negate: Bool)
    case and(Int, Int)
    case or(Int, Int)
    case selectNumber(Int, Int, Int)
    case selectBool(Int, Int, Int)
    /// `abs`, `floor`, `ceil` or `round`.
    case rounded(Builtin, Int)
    case minimum([Int])
    case maximum([Int])
    /// `int(x)` of a number.
    case integer(Int)
    /// A variable compared with a constant by CEL equality.
    case equalValue(slot: Int, type: ExprType, Value, negate: Bool)
    /// A variable `in` a constant list.
    case memberOf(slot: Int, type: ExprType, [Value])
    /// A text (or other value the typed columns do not hold), row by row: constant `k` of the
    /// code, the value of a variable, or the branch a condition picks. Only where the value
    /// comes from is kept per row, so choosing among texts copies no string.
    case constantValue(Int)
    case readValue(slot: Int)
    case selectValue(Int, Int, Int)
}

/// An expression compiled to run over the rows of a `ColumnBatch` at once (`BatchCompiler`),
/// with the row code's result on every row it does not mark uncertain.
///
/// It keeps a column per step for the rows of one batch, so one `BatchCode` serves one
/// thread; `run` allocates nothing.
public final class BatchCode {
    public let capacity: Int
    let steps: [BatchStep]
    let root: Int
    /// The constant values the value steps name.
    let constants: [Value]
    private let numbers: UnsafeMutablePointer<Double>
    private let bools: UnsafeMutablePointer<UInt8>
    /// Where each row's value comes from: constant `k` for `k >= 0`, else variable slot
    /// `-1 - k` of the batch.
    private let sources: UnsafeMutablePointer<Int32>
    private let uncertain: UnsafeMutablePointer<UInt8>

    init(_ steps: [BatchStep], root: Int, capacity: Int, constants: [Value] = []) {
        precondition(capacity > 0, "a batch holds at least one row")
        self.steps = steps
        self.root = root
        self.capacity = capacity
        self.constants = constants
        let cells = steps.count * capacity
        sources = .allocate(capacity: cells)
        sources.initialize(repeating: 0, count: cells)
        numbers = .allocate(capacity: cells)
        numbers.initialize(repeating: 0, count: cells)
        bools = .allocate(capacity: cells)
        bools.initialize(repeating: 0, count: cells)
        uncertain = .allocate(capacity: cells)
        uncertain.initialize(repeating: 1, count: cells)
    }

    deinit {
        numbers.deallocate()
        bools.deallocate()
        sources.deallocate()
        uncertain.deallocate()
    }

    /// False when no row can ever be claimed (the result's node is not vectorised).
    public var isVectorised: Bool {
        if case .uncertain = steps[root] { return false }
        return true
    }

    /// The result of row `row` of the last run; meaningless where `isUncertain(row)`.
    @inlinable public func number(_ row: Int) -> Double { numberResults[row] }
    @inlinable public func bool(_ row: Int) -> Bool { boolResults[row] != 0 }
    @inlinable public func isUncertain(_ row: Int) -> Bool { uncertainResults[row] != 0 }

    /// The result columns of the last run, for loops over the rows.
    public var numberResults: UnsafePointer<Double> { UnsafePointer(numbers + root * capacity) }
    /// 1 for true, 0 for false.
    public var boolResults: UnsafePointer<UInt8> { UnsafePointer(bools + root * capacity) }
    /// 1 where the row must be evaluated one row at a time.
    public var uncertainResults: UnsafePointer<UInt8> { UnsafePointer(uncertain + root * capacity) }

    /// The value result of row `row` of the last run over `batch`; meaningless where
    /// `isUncertain(row)`.
    public func value(_ row: Int, in batch: ColumnBatch) -> Value {
        let k = Int(sources[root * capacity + row])
        return k >= 0 ? constants[k] : batch.values[(-1 - k) * batch.capacity + row]
    }

    /// Runs every step over rows `0..<count` of `batch`.
    public func run(_ batch: ColumnBatch, count: Int) {
        precondition(count >= 0 && count <= capacity && count <= batch.capacity, "more rows than the batch holds")
        for index in steps.indices { run(index, batch, count) }
    }

    private func run(_ index: Int, _ batch: ColumnBatch, _ n: Int) {
        let v = numbers + index * capacity, b = bools + index * capacity, u = uncertain + index * capacity
        func number(_ j: Int) -> UnsafeMutablePointer<Double> { numbers + j * capacity }
        func bool(_ j: Int) -> UnsafeMutablePointer<UInt8> { bools + j * capacity }
        func unsure(_ j: Int) -> UnsafeMutablePointer<UInt8> { uncertain + j * capacity }
        func source(_ j: Int) -> UnsafeMutablePointer<Int32> { sources + j * capacity }
        switch steps[index] {
        case .readNumber(let slot):
            let column = batch.numbers + slot * batch.capacity, states = batch.states + slot * batch.capacity
            for r in 0..<n { v[r] = column[r]; u[r] = states[r] == 1 ? 0 : 1 }
        case .readBool(let slot):
            let column = batch.bools + slot * batch.capacity, states = batch.states + slot * batch.capacity
            for r in 0..<n { b[r] = column[r]; u[r] = states[r] == 1 ? 0 : 1 }
        case .number(let x):
            v.update(repeating: x, count: n)
            u.update(repeating: 0, count: n)
        case .bool(let flag):
            b.update(repeating: flag ? 1 : 0, count: n)
            u.update(repeating: 0, count: n)
        case .uncertain:
            b.update(repeating: 0, count: n)
            u.update(repeating: 1, count: n)
        case .negate(let a):
            let (x, ux) = (number(a), unsure(a))
            for r in 0..<n { v[r] = -x[r]; u[r] = ux[r] }
        case .not(let a):
            let (x, ux) = (bool(a), unsure(a))
            for r in 0..<n { b[r] = x[r] ^ 1; u[r] = ux[r] }
        case .add(let a, let c):
            let (x, y, ux, uy) = (number(a), number(c), unsure(a), unsure(c))
            for r in 0..<n {
                let z = x[r] + y[r]
                v[r] = z
                u[r] = ux[r] | uy[r] | (z.isFinite ? 0 : 1)
            }
        case .subtract(let a, let c):
            let (x, y, ux, uy) = (number(a), number(c), unsure(a), unsure(c))
            for r in 0..<n {
                let z = x[r] - y[r]
                v[r] = z
                u[r] = ux[r] | uy[r] | (z.isFinite ? 0 : 1)
            }
        case .multiply(let a, let c, let checked):
            let (x, y, ux, uy) = (number(a), number(c), unsure(a), unsure(c))
            if checked {
                for r in 0..<n {
                    let z = x[r] * y[r]
                    v[r] = z
                    u[r] = ux[r] | uy[r] | (z.isFinite ? 0 : 1)
                }
            } else {
                for r in 0..<n { v[r] = x[r] * y[r]; u[r] = ux[r] | uy[r] }
            }
        case .divide(let a, let c, let checked):
            let (x, y, ux, uy) = (number(a), number(c), unsure(a), unsure(c))
            if checked {
                for r in 0..<n {
                    let z = x[r] / y[r]
                    v[r] = z
                    u[r] = ux[r] | uy[r] | (y[r] == 0 || !z.isFinite ? 1 : 0)
                }
            } else {
                for r in 0..<n { v[r] = x[r] / y[r]; u[r] = ux[r] | uy[r] }
            }
        case .remainder(let a, let c):
            let (x, y, ux, uy) = (number(a), number(c), unsure(a), unsure(c))
            for r in 0..<n {
                v[r] = x[r].truncatingRemainder(dividingBy: y[r])
                u[r] = ux[r] | uy[r] | (y[r] == 0 ? 1 : 0)
            }
        case .compare(let op, let a, let c):
            let (x, y, ux, uy) = (number(a), number(c), unsure(a), unsure(c))
            switch op {
            case .less: for r in 0..<n { b[r] = x[r] < y[r] ? 1 : 0 }
            case .lessOrEqual: for r in 0..<n { b[r] = x[r] <= y[r] ? 1 : 0 }
            case .greater: for r in 0..<n { b[r] = x[r] > y[r] ? 1 : 0 }
            default: for r in 0..<n { b[r] = x[r] >= y[r] ? 1 : 0 }
            }
            for r in 0..<n { u[r] = ux[r] | uy[r] }
        case .equalNumbers(let a, let c, let negate):
            let (x, y, ux, uy) = (number(a), number(c), unsure(a), unsure(c))
            let flip: UInt8 = negate ? 1 : 0
            for r in 0..<n { b[r] = (x[r] == y[r] ? 1 : 0) ^ flip; u[r] = ux[r] | uy[r] }
        case .equalBools(let a, let c, let negate):
            let (x, y, ux, uy) = (bool(a), bool(c), unsure(a), unsure(c))
            let flip: UInt8 = negate ? 0 : 1
            for r in 0..<n { b[r] = x[r] ^ y[r] ^ flip; u[r] = ux[r] | uy[r] }
        case .and(let a, let c):
            // Left false decides without the right; left true leaves it to the right.
            let (x, y, ux, uy) = (bool(a), bool(c), unsure(a), unsure(c))
            for r in 0..<n { b[r] = x[r] & y[r]; u[r] = ux[r] | (x[r] & uy[r]) }
        case .or(let a, let c):
            let (x, y, ux, uy) = (bool(a), bool(c), unsure(a), unsure(c))
            for r in 0..<n { b[r] = x[r] | y[r]; u[r] = ux[r] | ((x[r] ^ 1) & uy[r]) }
        case .selectNumber(let c, let t, let e):
            let (k, uk, x, ux, y, uy) = (bool(c), unsure(c), number(t), unsure(t), number(e), unsure(e))
            for r in 0..<n {
                v[r] = k[r] != 0 ? x[r] : y[r]
                u[r] = uk[r] | (k[r] != 0 ? ux[r] : uy[r])
            }
        case .selectBool(let c, let t, let e):
            let (k, uk, x, ux, y, uy) = (bool(c), unsure(c), bool(t), unsure(t), bool(e), unsure(e))
            for r in 0..<n {
                b[r] = k[r] != 0 ? x[r] : y[r]
                u[r] = uk[r] | (k[r] != 0 ? ux[r] : uy[r])
            }
        case .rounded(let builtin, let a):
            let (x, ux) = (number(a), unsure(a))
            switch builtin {
            case .abs: for r in 0..<n { v[r] = Swift.abs(x[r]) }
            case .floor: for r in 0..<n { v[r] = x[r].rounded(.down) }
            case .ceil: for r in 0..<n { v[r] = x[r].rounded(.up) }
            default: for r in 0..<n { v[r] = x[r].rounded(.toNearestOrAwayFromZero) }
            }
            u.update(from: ux, count: n)
        case .minimum(let operands), .maximum(let operands):
            var isMin = false
            if case .minimum = steps[index] { isMin = true }
            v.update(from: number(operands[0]), count: n)
            u.update(from: unsure(operands[0]), count: n)
            for a in operands.dropFirst() {
                let (x, ux) = (number(a), unsure(a))
                if isMin {
                    for r in 0..<n { v[r] = Swift.min(v[r], x[r]); u[r] |= ux[r] }
                } else {
                    for r in 0..<n { v[r] = Swift.max(v[r], x[r]); u[r] |= ux[r] }
                }
            }
        case .integer(let a):
            let (x, ux) = (number(a), unsure(a))
            for r in 0..<n {
                v[r] = x[r].rounded(.towardZero)
                u[r] = ux[r] | (x[r].magnitude < 0x1p63 ? 0 : 1)
            }
        case .equalValue(let slot, let type, let k, let negate):
            let base = slot * batch.capacity
            for r in 0..<n {
                guard batch.states[base + r] == 1 else { u[r] = 1; continue }
                b[r] = batch.boxed(base + r, type).celEquals(k) != negate ? 1 : 0
                u[r] = 0
            }
        case .memberOf(let slot, let type, let items):
            let base = slot * batch.capacity
            for r in 0..<n {
                guard batch.states[base + r] == 1 else { u[r] = 1; continue }
                let value = batch.boxed(base + r, type)
                b[r] = items.contains { value.celEquals($0) } ? 1 : 0
                u[r] = 0
            }
        case .constantValue(let k):
            source(index).update(repeating: Int32(k), count: n)
            u.update(repeating: 0, count: n)
        case .readValue(let slot):
            let states = batch.states + slot * batch.capacity
            source(index).update(repeating: Int32(-1 - slot), count: n)
            for r in 0..<n { u[r] = states[r] == 1 ? 0 : 1 }
        case .selectValue(let c, let t, let e):
            let (k, uk, x, ux, y, uy, w) = (bool(c), unsure(c), source(t), unsure(t), source(e), unsure(e), source(index))
            for r in 0..<n {
                w[r] = k[r] != 0 ? x[r] : y[r]
                u[r] = uk[r] | (k[r] != 0 ? ux[r] : uy[r])
            }
        }
    }
}

extension ColumnBatch {
    /// A present cell as the row code's `valueCode` sees a variable of `type`.
    @inline(__always)
    func boxed(_ cell: Int, _ type: ExprType) -> Value {
        switch type {
        case .number: .number(numbers[cell])
        case .bool: .bool(bools[cell] != 0)
        default: values[cell]
        }
    }
}
