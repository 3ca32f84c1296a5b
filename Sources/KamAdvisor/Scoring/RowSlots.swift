import KamRules

/// Where a row's values go and are read back, by slot (`pack.slot(of:)`): a row evaluator, or
/// one row of a batch evaluator. The filler, the portfolio figures and the buying centre
/// write through it, so each is written once for both.
protocol RowSlots {
    func setNumber(_ slot: Int, _ x: Double)
    func setBool(_ slot: Int, _ b: Bool)
    func setValue(_ slot: Int, _ value: Value)
    /// The slot's value read as its declared type, if it has one.
    func value(_ slot: Int) -> Value?
}

extension Evaluator: RowSlots {}

/// Row `row` of a batch evaluator, valid during the call it is handed to (a collector's
/// `add`, `alsoKeep`): its worker keeps the evaluator alive for the whole pass, and made for
/// every row and every value, a counted reference would be counted each time.
public struct BatchRow: RowSlots {
    unowned(unsafe) let batch: BatchEvaluator
    let row: Int

    @inline(__always) func setNumber(_ slot: Int, _ x: Double) { batch.setNumber(slot, row, x) }
    @inline(__always) func setBool(_ slot: Int, _ b: Bool) { batch.setBool(slot, row, b) }
    func setValue(_ slot: Int, _ value: Value) { batch.setValue(slot, row, value) }
    public func value(_ slot: Int) -> Value? { batch.value(slot, row: row) }
}
