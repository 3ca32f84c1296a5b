import Foundation
import KamAdvisor
import KamCSV
import Synchronization
import Testing

/// Scored rows are written on a thread of their own. A run that fails, or whose output
/// fails, must stop writing before it returns, and report the output's failure.
struct BackgroundWriterTests {
    /// The output seen by the writing thread, and whether the run had returned by then.
    final class Seen: Sendable {
        let state = Mutex<(pieces: Int, afterReturn: Int, bytes: [UInt8])>((0, 0, []))
        let returned = Atomic<Bool>(false)
    }

    static func run(strict: Bool, failAt: Int?) throws -> (Result<BatchSummary, BatchFailure>, Seen) {
        let path = try BatchChunkingTests.file(rows: 3000, seed: 7)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let headers = ["customer_id", "customer_name", "revenue_ltm", "gross_margin_pct", "cost_to_serve", "growth_rate_pct", "relationship_stage"]
        let pack = BatchChunkingTests.pack
        let mapping = try #require(ColumnMapping.make(headers: headers, pack: pack).0)
        var options = BatchOptions(jobs: 2, strict: strict, blockSize: 16 << 10, chunkSize: 2 << 10)
        options.group = false
        let seen = Seen()
        let result: Result<BatchSummary, BatchFailure>
        do {
            // Scoped, so the sink is dropped before `returned` is set, as a command drops it.
            var rows = OrderedRows(BatchChunkingTests.Lines(pack: pack)) { (bytes) throws(BatchFailure) in
                Thread.sleep(forTimeInterval: 0.001)  // slower than scoring: pieces queue up
                let count = seen.state.withLock { state in
                    state.pieces += 1
                    if seen.returned.load(ordering: .sequentiallyConsistent) { state.afterReturn += 1 }
                    state.bytes += bytes
                    return state.pieces
                }
                if let failAt, count == failAt { throw .output("disk full") }
            }
            let scorer = BatchScorer(pack: pack, mapping: mapping, options: options)
            do throws(BatchFailure) {
                result = .success(try scorer.run(path: path, into: &rows, rejected: { _ in }, progress: { _, _, _ in }))
            } catch {
                result = .failure(error)
            }
        }
        seen.returned.store(true, ordering: .sequentiallyConsistent)
        return (result, seen)
    }

    @Test func aRunStoppedByARejectedRowWritesNothingAfterItReturns() throws {
        let (result, seen) = try Self.run(strict: true, failAt: nil)
        guard case .failure(.row) = result else { Issue.record("expected --strict to stop the run, got \(result)"); return }
        Thread.sleep(forTimeInterval: 0.05)
        #expect(seen.state.withLock { $0.afterReturn } == 0)
    }

    @Test func anOutputThatFailsStopsTheRunWithItsError() throws {
        let (result, seen) = try Self.run(strict: false, failAt: 3)
        guard case .failure(.output(let message)) = result else { Issue.record("expected the output's failure, got \(result)"); return }
        #expect(message == "disk full")
        // Nothing is written after the failure, and nothing once the run has returned.
        #expect(seen.state.withLock { $0.pieces } == 3)
        #expect(seen.state.withLock { $0.afterReturn } == 0)
    }

    @Test func everyPieceArrivesInOrder() throws {
        let (result, seen) = try Self.run(strict: false, failAt: nil)
        let summary = try result.get()
        let path = try BatchChunkingTests.file(rows: 3000, seed: 7)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let (unordered, _, _) = try BatchChunkingTests.score(path, jobs: 1, blockSize: 1 << 20, chunkSize: 1 << 20)
        #expect(String(decoding: seen.state.withLock { $0.bytes }, as: UTF8.self) == unordered)
        #expect(summary.scored > 0)
    }
}
