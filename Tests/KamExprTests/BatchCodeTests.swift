import KamExpr
import KamTestSupport
import Testing

/// Property: on every row batch code does not mark uncertain, the row code succeeds with the
/// same result, bit for bit, or, where batch code says missing, throws a missing-value error;
/// over random well-typed expressions and rows with missing values, NaN, infinities, -0 and
/// extremes. Batch code may leave any row to the row code; it may never claim a wrong one.
struct BatchCodeTests {
    static let edges: [Double] = [0, -0.0, 1, -1, 0.5, 3.5, 1e308, -1e308, 5e-324, .nan, .infinity, -.infinity, 0x1p63]

    static func fill(_ batch: ColumnBatch, rows: Int, _ rng: inout SplitMix64) {
        let d = RandomExpressionTests.declarations
        batch.reset()
        for row in 0..<rows {
            for name in ["x", "y", "big", "tiny", "missing"] where rng.next() % 6 != 0 {
                let x = rng.next() % 3 == 0 ? edges[Int(rng.next() % UInt64(edges.count))] : Double(Int(rng.next() % 200) - 100) / 8
                batch.setNumber(d.variable(named: name)!.slot, row, x)
            }
            for name in ["flag", "unknown_flag"] where rng.next() % 6 != 0 {
                batch.setBool(d.variable(named: name)!.slot, row, rng.next() % 2 == 0)
            }
            for name in ["s", "missing_text"] where rng.next() % 6 != 0 {
                batch.setValue(d.variable(named: name)!.slot, row, .string(["", "a", "Жук", "12.5"][Int(rng.next() % 4)]))
            }
        }
    }

    @Test(arguments: [1, 2, 3] as [UInt64])
    func claimedRowsAgreeWithTheRowCode(_ seed: UInt64) throws {
        var generator = RandomExpressionTests.Generator(rng: SplitMix64(seed: seed))
        var rng = SplitMix64(seed: seed &* 7919)
        let rows = 64
        let batch = ColumnBatch(RandomExpressionTests.declarations, capacity: rows)
        let activation = Activation(RandomExpressionTests.declarations)
        var claimed = 0, uncertain = 0, missing = 0
        for n in 0..<600 {
            let kind: RandomExpressionTests.Kind = n % 2 == 0 ? .number : .bool
            let text = generator.expression(kind, depth: 1 + n % 5)
            let expression = try #require(Expression.compile(text, RandomExpressionTests.declarations).0)
            let code = kind == .number ? expression.batchNumberCode(capacity: rows) : expression.batchBoolCode(capacity: rows)
            Self.fill(batch, rows: rows, &rng)
            code.run(batch, count: rows)
            for row in 0..<rows {
                guard !code.isUncertain(row) else {
                    uncertain += 1
                    continue
                }
                claimed += 1
                activation.reset()
                batch.load(row: row, into: activation)
                if code.isMissing(row) {
                    // The row code must throw, and a missing-value error.
                    missing += 1
                    let thrown: EvalError?
                    do throws(EvalError) {
                        _ = kind == .number ? Value.number(try expression.evaluateNumber(activation)) : .bool(try expression.evaluateBool(activation))
                        thrown = nil
                    } catch {
                        thrown = error
                    }
                    #expect(thrown?.isMissingValue == true, "\(text) on row \(row): \(String(describing: thrown))")
                } else if kind == .number {
                    let expected = Result { () throws(EvalError) in try expression.evaluateNumber(activation) }
                    #expect((try? expected.get())?.bitPattern == code.number(row).bitPattern, "\(text) on row \(row): \(expected)")
                } else {
                    let expected = Result { () throws(EvalError) in try expression.evaluateBool(activation) }
                    #expect((try? expected.get()) == code.bool(row), "\(text) on row \(row): \(expected)")
                }
            }
        }
        // Every outcome is common, so the comparison is not vacuous.
        #expect(claimed > 5_000 && uncertain > 1_000 && missing > 1_000, "claimed \(claimed), uncertain \(uncertain), missing \(missing)")
    }
}
