/// One loop of batch code. Operands are earlier steps, by index; each step writes its own
/// columns (a number, a bool byte, a value's source, an uncertain byte and a missing byte per
/// row).
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
    /// A number variable compared with a constant (`share >= 0.02`, most bands' condition),
    /// in one loop over the batch's own column: no copy of the column, no column of the
    /// constant. A constant on the left is turned round (`0.8 > x` is `x < 0.8`).
    case compareSlot(BinaryOperator, slot: Int, Double)
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
/// A row is one of three things after a run: plain (the result is the row code's value);
/// missing (the row code throws a missing-value error there, and nothing else first); or
/// uncertain (anything else, or batch code cannot tell). Missing is exact; uncertain may be
/// claimed where the row code is in fact plain or missing, which only sends the row to the
/// row evaluator. So a step is missing where an operand the row code reaches first is, and
/// uncertain where any operand is: `and`, `or` and `?:`, which do not always reach both
/// sides, follow the row code's order exactly.
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
    private let missing: UnsafeMutablePointer<UInt8>

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
        missing = .allocate(capacity: cells)
        missing.initialize(repeating: 0, count: cells)
    }

    deinit {
        numbers.deallocate()
        bools.deallocate()
        sources.deallocate()
        uncertain.deallocate()
        missing.deallocate()
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
    /// Whether the row code throws a missing-value error on row `row` (never where uncertain).
    public func isMissing(_ row: Int) -> Bool { missingResults[row] != 0 }

    /// The result columns of the last run, for loops over the rows.
    public var numberResults: UnsafePointer<Double> { UnsafePointer(numbers + root * capacity) }
    /// 1 for true, 0 for false.
    public var boolResults: UnsafePointer<UInt8> { UnsafePointer(bools + root * capacity) }
    /// 1 where the row must be evaluated one row at a time.
    public var uncertainResults: UnsafePointer<UInt8> { UnsafePointer(uncertain + root * capacity) }
    /// 1 where the row code throws a missing-value error (never where uncertain).
    public var missingResults: UnsafePointer<UInt8> { UnsafePointer(missing + root * capacity) }

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
        compute(index, batch, n)
        // Where an operand the row code reached is missing; the steps that do not reach every
        // operand (`and`, `or`, `?:`) and the reads set it themselves.
        let m = missing + index * capacity, u = uncertain + index * capacity
        func missingOf(_ a: Int, _ c: Int? = nil) {
            let ma = missing + a * capacity, mc = missing + (c ?? a) * capacity
            for r in 0..<n { m[r] = (ma[r] | mc[r]) & (u[r] ^ 1) }
        }
        switch steps[index] {
        case .negate(let a), .not(let a), .rounded(_, let a), .integer(let a): missingOf(a)
        case .add(let a, let c), .subtract(let a, let c), .multiply(let a, let c, _), .divide(let a, let c, _),
             .remainder(let a, let c), .compare(_, let a, let c), .equalNumbers(let a, let c, _), .equalBools(let a, let c, _):
            missingOf(a, c)
        case .minimum(let operands), .maximum(let operands):
            m.update(repeating: 0, count: n)
            for a in operands {
                let ma = missing + a * capacity
                for r in 0..<n { m[r] |= ma[r] }
            }
            for r in 0..<n { m[r] &= u[r] ^ 1 }
        case .number, .bool, .uncertain, .constantValue:
            m.update(repeating: 0, count: n)
        case .readNumber, .readBool, .readValue, .compareSlot, .equalValue, .memberOf, .and, .or, .selectNumber, .selectBool, .selectValue:
            break
        }
    }

    /// A read of `slot`: uncertain where its value failed for a reason other than a missing
    /// value, missing where it is missing or failed for one.
    private func read(_ slot: Int, _ batch: ColumnBatch, _ u: UnsafeMutablePointer<UInt8>, _ m: UnsafeMutablePointer<UInt8>, _ n: Int) {
        let states = batch.states + slot * batch.capacity, failures = batch.missingFailures + slot * batch.capacity
        // Without `&&` and `||`, whose branches kept the loop off vectors.
        for r in 0..<n {
            let s = states[r]
            let failed: UInt8 = s == 2 ? 1 : 0, forMissing: UInt8 = failures[r] != 0 ? 1 : 0
            u[r] = failed & (forMissing ^ 1)
            m[r] = (s == 0 ? 1 : 0) | (failed & forMissing)
        }
    }

    /// `and` (`decisive` false) or `or` (`decisive` true) as the row code runs it: a decisive
    /// left side decides; a left side that throws still lets a decisive right side decide,
    /// and otherwise its error wins.
    private func logical(_ decisive: UInt8, _ a: Int, _ c: Int, _ index: Int, _ n: Int) {
        let (x, y) = (bools + a * capacity, bools + c * capacity)
        let (ux, uy, mx, my) = (uncertain + a * capacity, uncertain + c * capacity, missing + a * capacity, missing + c * capacity)
        let (b, u, m) = (bools + index * capacity, uncertain + index * capacity, missing + index * capacity)
        for r in 0..<n {
            if ux[r] | mx[r] == 0 {
                if x[r] == decisive { (b[r], u[r], m[r]) = (decisive, 0, 0) } else { (b[r], u[r], m[r]) = (y[r], uy[r], my[r]) }
            } else if uy[r] | my[r] == 0 && y[r] == decisive {
                (b[r], u[r], m[r]) = (decisive, 0, 0)
            } else if uy[r] != 0 {
                (u[r], m[r]) = (1, 0)
            } else {
                (u[r], m[r]) = (ux[r], mx[r])
            }
        }
    }

    /// `?:`'s uncertain and missing rows: the condition's where it throws, else the chosen side's.
    private func choice(_ c: Int, _ t: Int, _ e: Int, _ index: Int, _ n: Int) {
        let (k, uk, mk) = (bools + c * capacity, uncertain + c * capacity, missing + c * capacity)
        let (ut, mt, ue, me) = (uncertain + t * capacity, missing + t * capacity, uncertain + e * capacity, missing + e * capacity)
        let (u, m) = (uncertain + index * capacity, missing + index * capacity)
        for r in 0..<n {
            if uk[r] | mk[r] != 0 {
                (u[r], m[r]) = (uk[r], mk[r])
            } else if k[r] != 0 {
                (u[r], m[r]) = (ut[r], mt[r])
            } else {
                (u[r], m[r]) = (ue[r], me[r])
            }
        }
    }

    private func compute(_ index: Int, _ batch: ColumnBatch, _ n: Int) {
        let v = numbers + index * capacity, b = bools + index * capacity, u = uncertain + index * capacity
        let m = missing + index * capacity
        func number(_ j: Int) -> UnsafeMutablePointer<Double> { numbers + j * capacity }
        func bool(_ j: Int) -> UnsafeMutablePointer<UInt8> { bools + j * capacity }
        func unsure(_ j: Int) -> UnsafeMutablePointer<UInt8> { uncertain + j * capacity }
        func source(_ j: Int) -> UnsafeMutablePointer<Int32> { sources + j * capacity }
        switch steps[index] {
        case .readNumber(let slot):
            v.update(from: batch.numbers + slot * batch.capacity, count: n)
            read(slot, batch, u, m, n)
        case .readBool(let slot):
            b.update(from: batch.bools + slot * batch.capacity, count: n)
            read(slot, batch, u, m, n)
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
        case .compareSlot(let op, let slot, let k):
            let x = batch.numbers + slot * batch.capacity
            switch op {
            case .less: for r in 0..<n { b[r] = x[r] < k ? 1 : 0 }
            case .lessOrEqual: for r in 0..<n { b[r] = x[r] <= k ? 1 : 0 }
            case .greater: for r in 0..<n { b[r] = x[r] > k ? 1 : 0 }
            default: for r in 0..<n { b[r] = x[r] >= k ? 1 : 0 }
            }
            read(slot, batch, u, m, n)
        case .equalNumbers(let a, let c, let negate):
            let (x, y, ux, uy) = (number(a), number(c), unsure(a), unsure(c))
            let flip: UInt8 = negate ? 1 : 0
            for r in 0..<n { b[r] = (x[r] == y[r] ? 1 : 0) ^ flip; u[r] = ux[r] | uy[r] }
        case .equalBools(let a, let c, let negate):
            let (x, y, ux, uy) = (bool(a), bool(c), unsure(a), unsure(c))
            let flip: UInt8 = negate ? 0 : 1
            for r in 0..<n { b[r] = x[r] ^ y[r] ^ flip; u[r] = ux[r] | uy[r] }
        case .and(let a, let c):
            logical(0, a, c, index, n)
        case .or(let a, let c):
            logical(1, a, c, index, n)
        case .selectNumber(let c, let t, let e):
            let (k, x, y) = (bool(c), number(t), number(e))
            for r in 0..<n { v[r] = k[r] != 0 ? x[r] : y[r] }
            choice(c, t, e, index, n)
        case .selectBool(let c, let t, let e):
            let (k, x, y) = (bool(c), bool(t), bool(e))
            for r in 0..<n { b[r] = k[r] != 0 ? x[r] : y[r] }
            choice(c, t, e, index, n)
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
            read(slot, batch, u, m, n)
            for r in 0..<n where batch.states[base + r] == 1 {
                b[r] = batch.boxed(base + r, type).celEquals(k) != negate ? 1 : 0
            }
        case .memberOf(let slot, let type, let items):
            let base = slot * batch.capacity
            read(slot, batch, u, m, n)
            for r in 0..<n where batch.states[base + r] == 1 {
                let value = batch.boxed(base + r, type)
                b[r] = items.contains { value.celEquals($0) } ? 1 : 0
            }
        case .constantValue(let k):
            source(index).update(repeating: Int32(k), count: n)
            u.update(repeating: 0, count: n)
        case .readValue(let slot):
            source(index).update(repeating: Int32(-1 - slot), count: n)
            read(slot, batch, u, m, n)
        case .selectValue(let c, let t, let e):
            let (k, x, y, w) = (bool(c), source(t), source(e), source(index))
            for r in 0..<n { w[r] = k[r] != 0 ? x[r] : y[r] }
            choice(c, t, e, index, n)
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
