import Foundation

/// What a program run by `runChild` did.
public struct ChildResult: Sendable {
    public let code: Int32
    public let out: Data
    public let err: String
    /// Standard output as UTF-8 text.
    public var text: String { String(decoding: out, as: UTF8.self) }
}

/// Runs a program to the end, as a user would from a shell: `input` on its standard input
/// (closed after; none given is an empty input), standard output and error captured — or
/// standard output sent to `standardOutput`. Input and error are handled on their own
/// threads, so a child that writes much while it reads cannot block on a full pipe.
public func runChild(
    _ executable: URL, _ arguments: [String], input: Data? = nil, environment: [String: String]? = nil,
    currentDirectory: URL? = nil, standardOutput: FileHandle? = nil
) throws -> ChildResult {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    if let environment { process.environment = environment }
    if let currentDirectory { process.currentDirectoryURL = currentDirectory }
    let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
    process.standardInput = stdin
    process.standardOutput = standardOutput ?? stdout
    process.standardError = stderr
    try process.run()
    let writer = Thread {
        if let input { stdin.fileHandleForWriting.write(input) }
        try? stdin.fileHandleForWriting.close()
    }
    writer.start()
    let errors = ErrorReader(stderr.fileHandleForReading)
    let out = standardOutput == nil ? stdout.fileHandleForReading.readDataToEndOfFile() : Data()
    let err = errors.wait()
    process.waitUntilExit()
    return ChildResult(code: process.terminationStatus, out: out, err: String(decoding: err, as: UTF8.self))
}

/// Reads a pipe to its end on another thread.
private final class ErrorReader: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        Thread { [self] in
            data = handle.readDataToEndOfFile()
            done.signal()
        }.start()
    }

    func wait() -> Data {
        done.wait()
        return data
    }
}
