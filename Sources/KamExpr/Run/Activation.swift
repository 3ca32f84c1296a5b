/// The values of the declared variables for one evaluation: one row, one questionnaire.
///
/// Slots are indexed by `Declarations.Variable.slot`. Numbers and bools sit in plain typed
/// buffers, so filling a row and reading it back costs no allocation and no reference
/// counting; other values (strings, lists) sit in a `Value` array. An `Activation` is reused
/// from row to row and is not shared between threads: each worker has its own.
public final class Activation {
    public enum State: UInt8 {
        case missing = 0, present = 1, failed = 2
    }

    public let count: Int
    @usableFromInline let numbers: UnsafeMutablePointer<Double>
    @usableFromInline let bools: UnsafeMutablePointer<Bool>
    @usableFromInline let states: UnsafeMutablePointer<UInt8>
    @usableFromInline var values: [Value]
    /// The error of each failed slot (a derived value that could not be computed).
    var failures: [EvalError?]

    public init(count: Int) {
        self.count = count
        numbers = .allocate(capacity: max(count, 1))
        numbers.initialize(repeating: 0, count: max(count, 1))
        bools = .allocate(capacity: max(count, 1))
        bools.initialize(repeating: false, count: max(count, 1))
        states = .allocate(capacity: max(count, 1))
        states.initialize(repeating: 0, count: max(count, 1))
        values = Array(repeating: .null, count: count)
        failures = Array(repeating: nil, count: count)
    }

    public convenience init(_ declarations: Declarations) {
        self.init(count: declarations.count)
    }

    deinit {
        numbers.deallocate()
        bools.deallocate()
        states.deallocate()
    }

    /// Marks every slot missing; values of missing slots are never read.
    public func reset() {
        states.update(repeating: 0, count: count)
    }

    @inlinable public func setNumber(_ slot: Int, _ x: Double) {
        numbers[slot] = x
        states[slot] = 1
    }

    @inlinable public func setBool(_ slot: Int, _ b: Bool) {
        bools[slot] = b
        states[slot] = 1
    }

    public func setValue(_ slot: Int, _ value: Value) {
        switch value {
        case .number(let x): numbers[slot] = x
        case .bool(let b): bools[slot] = b
        default: break
        }
        values[slot] = value
        states[slot] = 1
    }

    @inlinable public func setMissing(_ slot: Int) {
        states[slot] = 0
    }

    public func setFailed(_ slot: Int, _ error: EvalError) {
        failures[slot] = error
        states[slot] = 2
    }

    public func state(_ slot: Int) -> State { State(rawValue: states[slot])! }

    /// The slot's value as a `Value`, if it has one. Numbers and bools are stored in their
    /// typed buffers, so this reads the right one for the declared type.
    public func value(_ slot: Int, as type: ExprType) -> Value? {
        guard states[slot] == 1 else { return nil }
        switch type {
        case .number: return .number(numbers[slot])
        case .bool: return .bool(bools[slot])
        default: return values[slot]
        }
    }

    func failure(_ slot: Int) -> EvalError? { failures[slot] }
}
