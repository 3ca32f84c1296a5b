import Foundation
import KamCSV

/// kam-bench: throughput measurements, run in release mode. See docs/benchmarks.md.
///
///     swift run -c release kam-bench scorecard [ROWS]
let arguments = Array(CommandLine.arguments.dropFirst())
let usage = """
    usage: kam-bench scorecard [ROWS]        compiled closures against the AST walk
           kam-bench batch [ROWS [SIZE]]     the benchmark pack a row at a time against a batch at a time
           kam-bench generate ROWS FILE [K]  the reference workload's CSV (deterministic); with K, K lines per account
           kam-bench score ROWS [--peer] [--default-output] [--runs N]
                                             kam score end to end on it, four columns (and the
                                             polars peer, and kam's default output, alternating),
                                             the median of N runs (default 3)

    """

switch arguments.first {
case "generate" where arguments.count == 3 || arguments.count == 4:
    guard let rows = Int(arguments[1]), let lines = arguments.count == 4 ? Int(arguments[3]) : 1, lines >= 1 else {
        FileHandle.standardError.write(Data(usage.utf8))
        exit(64)
    }
    try Workload.write(rows: rows, to: arguments[2], linesPerAccount: lines)
case "score" where arguments.count >= 2:
    guard let rows = Int(arguments[1]) else {
        FileHandle.standardError.write(Data(usage.utf8))
        exit(64)
    }
    let runs = arguments.firstIndex(of: "--runs").flatMap { $0 + 1 < arguments.count ? Int(arguments[$0 + 1]) : nil } ?? 3
    print(try EndToEnd.run(rows: rows, peer: arguments.contains("--peer"), everyColumn: arguments.contains("--default-output"), runs: max(1, runs)),
          terminator: "")
case "blocks" where arguments.count == 2:
    // The serial part of every batch pass: reading blocks and cutting them at record ends.
    var reader = try CSVBlockReader(path: arguments[1])
    var chunks = 0, bytes = 0
    let seconds = Stopwatch.measure {
        while let block = try! reader.next() {
            chunks += block.chunks.count
            bytes += block.bytes.count
        }
    }
    print(String(format: "%d bytes in %d chunks: %.3f s, %.0f MB/s", bytes, chunks, seconds, Double(bytes) / seconds / 1e6))
case "scorecard":
    let rows = arguments.count > 1 ? Int(arguments[1]) ?? 1_000_000 : 1_000_000
    print(ScorecardBenchmark.run(rows: rows), terminator: "")
case "batch":
    let rows = arguments.count > 1 ? Int(arguments[1]) ?? 1_000_000 : 1_000_000
    let size = arguments.count > 2 ? Int(arguments[2]) ?? 4096 : 4096
    print(BatchEvaluationBenchmark.run(rows: rows, batchSize: size), terminator: "")
default:
    FileHandle.standardError.write(Data(usage.utf8))
    exit(64)
}
