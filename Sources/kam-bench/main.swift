import Foundation

/// kam-bench: throughput measurements, run in release mode. See docs/benchmarks.md.
///
///     swift run -c release kam-bench scorecard [ROWS]
let arguments = Array(CommandLine.arguments.dropFirst())
let usage = "usage: kam-bench scorecard [ROWS]\n"

switch arguments.first {
case "scorecard":
    let rows = arguments.count > 1 ? Int(arguments[1]) ?? 1_000_000 : 1_000_000
    print(ScorecardBenchmark.run(rows: rows), terminator: "")
default:
    FileHandle.standardError.write(Data(usage.utf8))
    exit(64)
}
