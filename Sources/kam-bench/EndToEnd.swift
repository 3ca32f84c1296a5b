import Foundation

/// `kam score` on the reference workload, end to end, as a separate process: rows per
/// second, MB per second, peak memory, and the time of each pass; optionally the polars peer
/// on the same file, and the default output (every input column and the reasons), in the same
/// run, alternating so that all see the same machine.
enum EndToEnd {
    struct Run {
        let seconds: Double
        let peakKB: Int
        let stderr: String
    }

    static func run(rows: Int, peer: Bool, everyColumn: Bool, runs: Int) throws -> String {
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
        let script = root.appending(path: "benchmarks/peers/polars_score.py").path
        var kams: [Run] = [], peers: [Run] = [], everything: [Run] = []
        for _ in 0..<runs {
            kams.append(try measure(here.appending(path: "kam").path, [
                "score", input, "--rules", pack, "--columns", "account_id,score,tier,abc_class", "-o", output,
                "--summary", output + ".summary.json", "--quiet",
            ], environment: ["KAM_TIMING": "1"]))
            if peer { peers.append(try measure("/usr/bin/env", ["python3", script, input, output + ".polars.csv"], environment: [:])) }
            if everyColumn {
                everything.append(try measure(here.appending(path: "kam").path, [
                    "score", input, "--rules", pack, "-o", output + ".every-column.csv", "--summary", output + ".every-column.json", "--quiet",
                ], environment: [:]))
            }
        }
        let kam = median(kams)
        var report = String(
            format: "kam score, %d rows (%.0f MB), median of %d: %.2f s (%@), %.2f M rows/s, %.0f MB/s, peak RSS %.0f MB\n",
            rows, Double(bytes) / 1e6, runs, kam.seconds, kams.map { String(format: "%.2f", $0.seconds) }.joined(separator: " "),
            Double(rows) / kam.seconds / 1e6, Double(bytes) / kam.seconds / 1e6, Double(kam.peakKB) / 1024)
        if let line = kam.stderr.split(separator: "\n").first(where: { $0.hasPrefix("passes") }) {
            report += "  \(line) (reading measures, portfolio figures, ordering tied accounts, scoring)\n"
        }
        if everyColumn {
            let all = median(everything)
            report += String(format: "kam score, the default output (every input column and the reasons), median of %d: %.2f s (%@), %.2f times the four-column run\n",
                             runs, all.seconds, everything.map { String(format: "%.2f", $0.seconds) }.joined(separator: " "), all.seconds / kam.seconds)
        }
        if peer {
            let polars = median(peers)
            let same = FileManager.default.contentsEqual(atPath: output, andPath: output + ".polars.csv")
            report += String(format: "polars peer, median of %d: %.2f s (%@), %.2f M rows/s, peak RSS %.0f MB; output %@\n",
                             runs, polars.seconds, peers.map { String(format: "%.2f", $0.seconds) }.joined(separator: " "),
                             Double(rows) / polars.seconds / 1e6, Double(polars.peakKB) / 1024, same ? "identical" : "DIFFERS")
            report += String(format: "kam is %.2f× polars' speed, with %.0f%% of its peak memory\n",
                             polars.seconds / kam.seconds, 100 * Double(kam.peakKB) / Double(polars.peakKB))
        }
        return report
    }

    /// The run of median wall time.
    static func median(_ runs: [Run]) -> Run { runs.sorted { $0.seconds < $1.seconds }[runs.count / 2] }

    /// Runs a program and measures its wall time and its own peak resident memory (from
    /// `wait4`, so one child's peak is never another's).
    static func measure(_ program: String, _ arguments: [String], environment: [String: String]) throws -> Run {
        let errors = FileManager.default.temporaryDirectory.appending(path: "kam-bench-stderr-\(getpid())").path
        defer { unlink(errors) }
        var actions: posix_spawn_file_actions_t = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, errors, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let argv = ([program] + arguments).map { strdup($0) } + [nil]
        let env = ProcessInfo.processInfo.environment.merging(environment) { $1 }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for p in argv + env { free(p) } }
        var pid: pid_t = 0
        let start = DispatchTime.now().uptimeNanoseconds
        guard posix_spawn(&pid, program, &actions, nil, argv, env) == 0 else {
            throw NSError(domain: "kam-bench", code: 1, userInfo: [NSLocalizedDescriptionKey: "cannot run \(program)"])
        }
        var status: Int32 = 0
        var usage = rusage()
        _ = wait4(pid, &status, 0, &usage)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let stderr = (try? String(contentsOfFile: errors, encoding: .utf8)) ?? ""
        guard status == 0 else {
            throw NSError(domain: "kam-bench", code: Int(status), userInfo: [NSLocalizedDescriptionKey: "\(program) failed: \(stderr)"])
        }
        return Run(seconds: seconds, peakKB: usage.ru_maxrss, stderr: stderr)
    }
}
