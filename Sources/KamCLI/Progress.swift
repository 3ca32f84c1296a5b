import Foundation

/// The progress line on standard error, for a terminal only.
final class Progress {
    let console: Console
    let enabled: Bool
    /// The input's size in bytes, for the percentage; 0 when unknown (standard input).
    let size: Int
    let started = Date()
    private var last = Date.distantPast

    /// The line for reading `path`, shown unless `quiet` or standard error is not a terminal.
    init(console: Console, quiet: Bool, path: String) {
        self.console = console
        enabled = !quiet && isatty(STDERR_FILENO) == 1
        size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
    }

    func update(_ pass: Int, _ bytes: Int, _ rows: Int) {
        guard enabled, Date().timeIntervalSince(last) > 0.2 else { return }
        last = Date()
        let percent = size > 0 ? min(100, bytes * 100 / size) : 0
        let seconds = max(Date().timeIntervalSince(started), 0.001)
        let stage = pass == 3 ? "scoring" : "portfolio"
        console.err(String(format: "\r  %@: %3d%%  %d rows  %.1f MB/s ", stage, percent, rows, Double(bytes) / seconds / 1e6))
    }

    func clear() {
        if enabled { console.err("\r\u{1B}[K") }
    }
}
