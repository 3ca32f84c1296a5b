/// The values of the declared variables for many rows at once, column by column, for batch
/// code (`BatchCode`) to run over.
///
/// The same typed storage as `Activation`, turned on its side: slot `s` of row `r` sits at
/// `s * capacity + r`, so one expression reads one contiguous column per variable. Numbers
/// and bools are plain buffers (bools as bytes, so batch code combines them with bit
/// operations); other values sit in a `Value` array. A batch holds no errors: a failed slot
/// is only marked failed, and whoever needs the error evaluates that row one at a time.
/// Reused from batch to batch and not shared between threads.
public final class ColumnBatch {
    public let capacity: Int
    public let declarations: Declarations
    @usableFromInline let numbers: UnsafeMutablePointer<Double>
    @usableFromInline let bools: UnsafeMutablePointer<UInt8>
    @usableFromInline let states: UnsafeMutablePointer<UInt8>
    /// For a failed slot: 1 when what failed it was a missing value, which the row code
    /// treats as a missing value again wherever the slot is read.
    @usableFromInline let missingFailures: UnsafeMutablePointer<UInt8>
    var values: [Value]

    public init(_ declarations: Declarations, capacity: Int) {
        precondition(capacity > 0, "a batch holds at least one row")
        self.capacity = capacity
        self.declarations = declarations
        let cells = max(declarations.count * capacity, 1)
        numbers = .allocate(capacity: cells)
        numbers.initialize(repeating: 0, count: cells)
        bools = .allocate(capacity: cells)
        bools.initialize(repeating: 0, count: cells)
        states = .allocate(capacity: cells)
        states.initialize(repeating: 0, count: cells)
        missingFailures = .allocate(capacity: cells)
        missingFailures.initialize(repeating: 0, count: cells)
        values = Array(repeating: .null, count: declarations.count * capacity)
    }

    deinit {
        numbers.deallocate()
        bools.deallocate()
        states.deallocate()
        missingFailures.deallocate()
    }

    /// Marks every slot of every row missing; values of missing slots are never read.
    public func reset() {
        states.update(repeating: 0, count: declarations.count * capacity)
    }

    @inlinable public func setNumber(_ slot: Int, _ row: Int, _ x: Double) {
        let i = slot &* capacity &+ row
        numbers[i] = x
        states[i] = 1
    }

    @inlinable public func setBool(_ slot: Int, _ row: Int, _ b: Bool) {
        let i = slot &* capacity &+ row
        bools[i] = b ? 1 : 0
        states[i] = 1
    }

    /// As `Activation.setValue`: a number or a bool also goes to its typed column.
    public func setValue(_ slot: Int, _ row: Int, _ value: Value) {
        let i = slot * capacity + row
        switch value {
        case .number(let x): numbers[i] = x
        case .bool(let b): bools[i] = b ? 1 : 0
        default: break
        }
        values[i] = value
        states[i] = 1
    }

    @inlinable public func setMissing(_ slot: Int, _ row: Int) {
        states[slot &* capacity &+ row] = 0
    }

    /// A value that could not be computed; reading it is uncertain for batch code, or, when
    /// `missing` (a value it needed was missing), missing.
    @inlinable public func setFailed(_ slot: Int, _ row: Int, missing: Bool = false) {
        let i = slot &* capacity &+ row
        states[i] = 2
        missingFailures[i] = missing ? 1 : 0
    }

    public func state(_ slot: Int, _ row: Int) -> Activation.State {
        Activation.State(rawValue: states[slot * capacity + row])!
    }

    /// The slot's value in the row, read from the buffer its declared type uses, as
    /// `Activation.value(_:as:)` does.
    public func value(_ slot: Int, _ row: Int, as type: ExprType) -> Value? {
        let i = slot * capacity + row
        guard states[i] == 1 else { return nil }
        switch type {
        case .number: return .number(numbers[i])
        case .bool: return .bool(bools[i] != 0)
        default: return values[i]
        }
    }

    /// Puts one row into `activation`, for evaluating it one row at a time. A failed slot
    /// arrives missing, since the batch keeps no error.
    public func load(row: Int, into activation: Activation) {
        precondition(activation.count == declarations.count, "the activation is for other declarations")
        for variable in declarations.variables {
            let i = variable.slot * capacity + row
            guard states[i] == 1 else {
                activation.setMissing(variable.slot)
                continue
            }
            switch variable.type {
            case .number: activation.setNumber(variable.slot, numbers[i])
            case .bool: activation.setBool(variable.slot, bools[i] != 0)
            default: activation.setValue(variable.slot, values[i])
            }
        }
    }

    /// Takes `slots` of one row back from `activation` after it was evaluated one row at a
    /// time, so that reading the row's values does not depend on which path computed them.
    public func store(row: Int, slots: [Int], from activation: Activation) {
        for slot in slots {
            let i = slot * capacity + row
            let state = activation.states[slot]
            states[i] = state
            missingFailures[i] = 0  // a failure taken back is uncertain to batch code, whatever failed it
            guard state == 1 else { continue }
            switch declarations.variables[slot].type {
            case .number: numbers[i] = activation.numbers[slot]
            case .bool: bools[i] = activation.bools[slot] ? 1 : 0
            default: values[i] = activation.values[slot]
            }
        }
    }
}
