import Foundation
import KamAdvisor
import KamExpr
import KamRules
import KamSource

/// Batch evaluation's gain: the benchmark pack (`fixtures/bench/kam-bench-v1.json5`) run on
/// the same rows one row at a time (`Evaluator`, what `kam score` runs today) and a batch at
/// a time (`BatchEvaluator`), both filled through their typed setters and both read back
/// into an `Evaluation` per row, as a renderer would.
enum BatchEvaluationBenchmark {
    static func run(rows: Int, batchSize: Int = 4096) -> String {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let path = root.appending(path: "fixtures/bench/kam-bench-v1.json5")
        guard let bytes = try? Data(contentsOf: path) else { fatalError("cannot read \(path.path)") }
        let (loaded, diagnostics) = PackLoader.load(
            SourceFile(path: "fixtures/bench/kam-bench-v1.json5", bytes: Array(bytes)), profiles: PackProfiles.all)
        guard let pack = loaded else { fatalError(DiagnosticRenderer.render(diagnostics)) }
        var random = SplitMix64(seed: 42)
        let names = [
            "annual_revenue", "gross_margin", "cost_to_serve", "growth_rate", "wallet_size", "centralised_purchasing",
            "buying_sites", "decision_makers", "relationship_years", "strategic_fit", "share", "cumulative_share_before",
        ]
        let slots = names.map { pack.slot(of: $0)! }
        let central = pack.slot(of: "centralised_purchasing")!
        // A pool of plausible rows (kam-bench-v1's ranges), reused cyclically.
        let pool = (0..<4096).map { _ -> [Double] in
            let revenue = 1000 * pow(1 / max(random.unit(), 1e-9), 0.8)
            return [
                revenue, 0.05 + 0.55 * random.unit(), revenue * 0.3 * random.unit(), -0.5 + 1.5 * random.unit(),
                revenue * (1 + 3 * random.unit()), random.unit() < 0.3 ? 1 : 0, Double(1 + Int(random.unit() * 200)),
                Double(1 + Int(random.unit() * 30)), 40 * random.unit(), Double(1 + Int(random.unit() * 5)), 0.01 * random.unit(),
                random.unit(),
            ]
        }

        let evaluator = Evaluator(pack)
        var result = Evaluation()
        var rowSum = 0.0
        let rowTime = Stopwatch.measure {
            for i in 0..<rows {
                let row = pool[i & 4095]
                evaluator.reset()
                for (slot, x) in zip(slots, row) {
                    if slot == central { evaluator.setBool(slot, x != 0) } else { evaluator.setNumber(slot, x) }
                }
                evaluator.evaluate(into: &result)
                rowSum += result.score
            }
        }

        let batch = BatchEvaluator(pack, capacity: batchSize)
        var batchSum = 0.0, alone = 0, evaluating = 0.0
        let batchTime = Stopwatch.measure {
            var start = 0
            while start < rows {
                let count = min(batchSize, rows - start)
                batch.reset()
                for r in 0..<count {
                    let row = pool[(start + r) & 4095]
                    for (slot, x) in zip(slots, row) {
                        if slot == central { batch.setBool(slot, r, x != 0) } else { batch.setNumber(slot, r, x) }
                    }
                }
                evaluating += Stopwatch.measure { batch.evaluate(count: count) }
                for r in 0..<count {
                    batch.evaluation(row: r, into: &result)
                    batchSum += result.score
                }
                alone += batch.fallbackRows
                start += count
            }
        }
        precondition(rowSum == batchSum, "the two paths disagree: \(rowSum) vs \(batchSum)")
        return """
            batch evaluation: kam-bench-v1, \(rows) rows, batches of \(batchSize) (checksum \(NumberFormat.shortest(rowSum)), \(alone) rows evaluated alone)
              row at a time    \(Format.rate(Double(rows) / rowTime)) evaluations/s  (\(Format.nanos(rowTime / Double(rows))) per row)
              batch            \(Format.rate(Double(rows) / batchTime)) evaluations/s  (\(Format.nanos(batchTime / Double(rows))) per row, \(Format.nanos(evaluating / Double(rows))) of it in `evaluate(count:)`)
              gain             \(String(format: "%.1f", rowTime / batchTime))x

            """
    }
}
