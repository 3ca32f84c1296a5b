import Foundation

/// Writes a command's result: to standard output, or to a file atomically (a temporary file
/// in the target folder, flushed, then renamed over the target), so a failed run leaves no
/// half-written file and an existing file is replaced whole or not at all. A target that is
/// one of the command's inputs is refused.
enum OutputFile {
    struct Failure: Error {
        let message: String
    }

    /// Writes `text` whole. `path` nil or `-` means standard output.
    static func write(_ text: String, to path: String?, inputs: [String], console: Console) throws(Failure) {
        try write(bytes: Array(text.utf8), to: path, inputs: inputs, console: console)
    }

    /// Writes `bytes` whole, as `write(_:to:inputs:console:)` writes text.
    static func write(bytes: [UInt8], to path: String?, inputs: [String], console: Console) throws(Failure) {
        let output = try Output(path: path, inputs: inputs, console: console)
        do throws(Failure) {
            try output.write(bytes)
            try output.commit()
        } catch {
            output.abort()
            throw error
        }
    }

    static func sameFile(_ a: String, _ b: String) -> Bool {
        var x = stat(), y = stat()
        guard stat(a, &x) == 0, stat(b, &y) == 0 else { return false }
        return x.st_dev == y.st_dev && x.st_ino == y.st_ino
    }

    static func describe(_ code: Int32) -> String { String(cString: strerror(code)) }
}

/// An output being written piece by piece: standard output, or a temporary file beside the
/// target that becomes the target only on `commit` (after a flush to disk). `abort`, an
/// error, or an interruption removes the temporary; the target is never half-written.
final class Output {
    private let path: String?
    private let console: Console
    private var fd: Int32 = -1
    private var temporary: String?
    private var buffer: [UInt8] = []

    init(path: String?, inputs: [String], console: Console) throws(OutputFile.Failure) {
        self.console = console
        guard let path, path != "-" else {
            self.path = nil
            return
        }
        self.path = path
        for input in inputs where OutputFile.sameFile(input, path) {
            throw OutputFile.Failure(message: "refusing to write the output over the input \(input); choose another -o path")
        }
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
            throw OutputFile.Failure(message: "cannot write \(path): the folder \(folder) does not exist")
        }
        guard let (fd, name) = TemporaryFiles.create(in: folder, named: ".\(url.lastPathComponent).kam") else {
            throw OutputFile.Failure(message: "cannot write in \(folder): \(OutputFile.describe(errno))")
        }
        self.fd = fd
        temporary = name
    }

    func write(_ bytes: UnsafeBufferPointer<UInt8>) throws(OutputFile.Failure) {
        guard path != nil else {
            console.out(bytes: bytes)
            // Stop a long run at once when standard output is gone.
            if let failure = console.outFailure {
                throw OutputFile.Failure(message: "cannot write to standard output: \(OutputFile.describe(failure))")
            }
            return
        }
        buffer.append(contentsOf: bytes)
        if buffer.count >= 1 << 20 { try flush() }
    }

    func write(_ bytes: [UInt8]) throws(OutputFile.Failure) {
        try bytes.withUnsafeBufferPointer { (p) throws(OutputFile.Failure) in try write(p) }
    }

    private func flush() throws(OutputFile.Failure) {
        var offset = 0
        while offset < buffer.count {
            let n = buffer.withUnsafeBytes { Foundation.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                throw OutputFile.Failure(message: "cannot write \(path!): \(OutputFile.describe(errno))")
            }
            offset += n
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Makes the output the target file. Throws, leaving nothing behind, if that fails.
    func commit() throws(OutputFile.Failure) {
        guard let path, let temporary else { return }
        do throws(OutputFile.Failure) {
            try flush()
            guard fsync(fd) == 0 || errno == EINVAL else { throw OutputFile.Failure(message: "cannot write \(path): \(OutputFile.describe(errno))") }
            guard close(fd) == 0 else { throw OutputFile.Failure(message: "cannot write \(path): \(OutputFile.describe(errno))") }
            fd = -1
            let mask = umask(0)
            umask(mask)
            chmod(temporary, 0o666 & ~mask)
            guard rename(temporary, path) == 0 else { throw OutputFile.Failure(message: "cannot write \(path): \(OutputFile.describe(errno))") }
            TemporaryFiles.unregister(temporary)
            self.temporary = nil
        } catch {
            abort()
            throw error
        }
    }

    /// Removes the temporary file; the target is left as it was.
    func abort() {
        if fd >= 0 { close(fd); fd = -1 }
        if let temporary {
            unlink(temporary)
            TemporaryFiles.unregister(temporary)
            self.temporary = nil
        }
    }

    deinit { abort() }
}

/// Temporary files being written, removed if the process is interrupted (SIGINT, SIGTERM),
/// so that an interrupted run leaves nothing behind.
enum TemporaryFiles {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var paths: Set<String> = []
    nonisolated(unsafe) private static var installed = false

    /// A new file `<folder>/<name>-XXXXXX`, open for writing and registered for removal on
    /// interruption; nil (with `errno` set) when it cannot be made.
    static func create(in folder: String, named name: String) -> (fd: Int32, path: String)? {
        var template = Array((folder + "/\(name)-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { return nil }
        let path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        register(path)
        return (fd, path)
    }

    static func register(_ path: String) {
        lock.lock()
        defer { lock.unlock() }
        paths.insert(path)
        if !installed {
            installed = true
            // Iterating the set is not strictly async-signal-safe, but the set only changes
            // under the lock around writes, and the process ends right after.
            for sig in [SIGINT, SIGTERM, SIGHUP] {
                signal(sig) { number in
                    // Only async-signal-safe calls here: unlink and _exit.
                    TemporaryFiles.removeAll()
                    _exit(128 + number)
                }
            }
        }
    }

    static func unregister(_ path: String) {
        lock.lock()
        paths.remove(path)
        lock.unlock()
    }

    private static func removeAll() {
        for path in paths { unlink(path) }
    }
}
