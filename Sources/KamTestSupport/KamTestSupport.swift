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

    public static let fixtures: URL = packageRoot.appending(path: "fixtures")
    /// The public conformance suites (CSV records, CEL expressions), copied with their sources.
    public static let conformance: URL = fixtures.appending(path: "conformance")
    public static let rules: URL = packageRoot.appending(path: "rules")

    /// The folder holding the built products (`kam`, the test bundle), for end-to-end tests.
    public static var productsDirectory: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    }
}

/// Test data that could not be read: the test that needs it fails with the path, rather than
/// the whole run stopping on a trap.
public struct TestDataError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// The bytes of a test-data file, or an error naming the path and what went wrong.
public func readTestData(_ url: URL) throws(TestDataError) -> Data {
    do {
        return try Data(contentsOf: url)
    } catch {
        throw TestDataError("cannot read the test data \(url.path): \(error.localizedDescription)")
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
