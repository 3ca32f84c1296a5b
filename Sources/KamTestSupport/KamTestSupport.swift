import Foundation
import Testing

/// Paths shared by every test target, found from this file's own location so tests work
/// from any working directory.
public enum TestPaths {
    /// The package root (the folder holding `Package.swift`).
    public static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // KamTestSupport
        .deletingLastPathComponent()  // Sources
        .deletingLastPathComponent()

    /// `../shared` beside the project: the public conformance data, read in place.
    public static let shared: URL = packageRoot.deletingLastPathComponent().appending(path: "shared")

    public static let fixtures: URL = packageRoot.appending(path: "fixtures")
    public static let rules: URL = packageRoot.appending(path: "rules")

    /// The folder holding the built products (`kam`, the test bundle), for end-to-end tests.
    public static var productsDirectory: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    }
}

/// Compares `actual` with the golden file `Tests/<target>/Golden/<name>` next to the calling
/// test. A missing golden file, or `KAM_RECORD=1` in the environment, records it and fails
/// the test, so every new or changed expectation is reviewed before it is committed.
public func assertGolden(
    _ actual: String, named name: String,
    filePath: String = #filePath, sourceLocation: SourceLocation = #_sourceLocation
) {
    let url = URL(fileURLWithPath: filePath).deletingLastPathComponent()
        .appending(path: "Golden").appending(path: name)
    let record = ProcessInfo.processInfo.environment["KAM_RECORD"] == "1"
    let existing = try? String(contentsOf: url, encoding: .utf8)
    if record || existing == nil {
        try? FileManager.default.createDirectory(
            at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try? Data(actual.utf8).write(to: url)
        Issue.record("Recorded golden file \(name); review it and run the tests again", sourceLocation: sourceLocation)
        return
    }
    if existing != actual {
        Issue.record(
            "Output differs from golden file \(name) (KAM_RECORD=1 re-records):\n\(firstDifference(existing!, actual))",
            sourceLocation: sourceLocation)
    }
}

/// The first differing line of two texts, for a readable failure.
func firstDifference(_ expected: String, _ actual: String) -> String {
    let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
    let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
    for index in 0..<max(e.count, a.count) {
        let x = index < e.count ? String(e[index]) : "<end>"
        let y = index < a.count ? String(a[index]) : "<end>"
        if x != y { return "line \(index + 1):\n  expected: \(x)\n  actual:   \(y)" }
    }
    return "(no line differs; line endings or trailing newline?)"
}
