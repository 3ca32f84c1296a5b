import Foundation

/// `kam score` on the reference workload, end to end, as a separate process: rows per
/// second, MB per second, peak memory, and the time of each pass; optionally the polars peer
/// on the same file, in the same run.
enum EndToEnd {
    struct Run {
        let seconds: Double
        let peakKB: Int
        let stderr: String
    }

    static func run(rows: Int, peer: Bool) throws -> String {
        let folder = ProcessInfo.processInfo.environment["KAM_BENCH_DIR"] ?? NSTemporaryDirectory()
        let input = (folder as NSString).appendingPathComponent("kam-bench-\(rows).csv")
        if !FileManager.default.fileExists(atPath: input) {
            FileHandle.standardError.write(Data("generating \(input)…\n".utf8))
            try Workload.write(rows: rows, to: input)
        }
        let bytes = (try FileManager.default.attributesOfItem(atPath: input)[.size] as? Int) ?? 0
        let here = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let pack = root.appending(path: "fixtures/bench/kam-bench-v1.json5").path
        let output = (folder as NSString).appendingPathComponent("kam-bench-\(rows).scored.csv")
        let kam = try measure(here.appending(path: "kam").path, [
            "score", input, "--rules", pack, "--columns", "account_id,score,tier,abc_class", "-o", output,
            "--summary", output + ".summary.json", "--quiet",
        ], environment: ["KAM_TIMING": "1"])
        var report = String(
            format: "kam score, %d rows (%.0f MB): %.2f s, %.2f M rows/s, %.0f MB/s, peak RSS %.0f MB\n",
            rows, Double(bytes) / 1e6, kam.seconds, Double(rows) / kam.seconds / 1e6, Double(bytes) / kam.seconds / 1e6,
            Double(kam.peakKB) / 1024)
        if let line = kam.stderr.split(separator: "\n").first(where: { $0.hasPrefix("passes") }) {
            report += "  \(line) (reading measures, portfolio figures, ordering tied accounts, scoring)\n"
        }
        if peer {
            let script = root.appending(path: "benchmarks/peers/polars_score.py").path
            let polars = try measure("/usr/bin/env", ["python3", script, input, output + ".polars.csv"], environment: [:])
            report += String(format: "polars peer: %.2f s, %.2f M rows/s, peak RSS %.0f MB\n",
                             polars.seconds, Double(rows) / polars.seconds / 1e6, Double(polars.peakKB) / 1024)
        }
        return report
    }

    /// Runs a program and measures its wall time and peak resident memory.
    static func measure(_ program: String, _ arguments: [String], environment: [String: String]) throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        let start = DispatchTime.now().uptimeNanoseconds
        try process.run()
        let stderr = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_CHILDREN.rawValue), &usage)
        guard process.terminationStatus == 0 else {
            throw NSError(domain: "kam-bench", code: Int(process.terminationStatus),
                          userInfo: [NSLocalizedDescriptionKey: "\(program) failed: \(String(decoding: stderr, as: UTF8.self))"])
        }
        // RUSAGE_CHILDREN reports the largest child so far; runs go from small to large.
        return Run(seconds: seconds, peakKB: usage.ru_maxrss, stderr: String(decoding: stderr, as: UTF8.self))
    }
}
