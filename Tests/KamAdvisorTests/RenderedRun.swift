import KamAdvisor
import KamCSV

extension BatchScorer {
    /// A run whose rows are rendered in order into `output`, as `kam score` writes them.
    func run(
        path: String, rendering renderer: any RowRenderer, output: @escaping (UnsafeBufferPointer<UInt8>) throws(BatchFailure) -> Void,
        rejected: (RowError) -> Void, skipped: (SkippedRow) -> Void = { _ in }, progress: (Int, Int, Int) -> Void
    ) throws(BatchFailure) -> BatchSummary {
        var rows = OrderedRows(renderer, output: output)
        return try run(path: path, into: &rows, rejected: rejected, skipped: skipped, progress: progress)
    }
}
