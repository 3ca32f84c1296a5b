import Foundation

/// A folder of its own under the temporary directory for one test, removed when the test's
/// suite instance goes, so that a suite which keeps files across its helpers does not leave
/// them behind on every run.
public final class ScratchFolder: Sendable {
    public let url: URL

    public init(_ prefix: String) throws {
        url = FileManager.default.temporaryDirectory.appending(path: "\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }
}
