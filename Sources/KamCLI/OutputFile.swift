import Foundation

/// Writes a command's result, through `Output`, to wherever `OutputTarget` says the path
/// leads: standard output, a descriptor or device in place, or a regular file replaced
/// atomically. Every command writes every file this way.
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

    static func describe(_ code: Int32) -> String { String(cString: strerror(code)) }
}

/// An output being written piece by piece. A regular file is written to a temporary file
/// beside it that becomes the file only on `commit`; `abort`, an error or an interruption
/// removes the temporary, so the file is never half-written. A device, a pipe or a
/// descriptor is written in place, as a shell redirection would.
///
/// The temporary is not forced to disk (`fsync`) before the rename: every output of kam can
/// be made again from its inputs, and the wait grew with the output (0.2 s of a 1.2 s run
/// that wrote 250 MB). So the file is replaced whole or not at all whatever happens to the
/// process; after a power cut in the seconds before the kernel writes it, it may not be.
/// Errors still surface: a full disk fails the write, and a failed close fails the command.
final class Output {
    private let target: OutputTarget
    private let shownAs: String
    private let console: Console
    private var fd: Int32 = -1
    private var ownsDescriptor = false
    private var temporary: String?
    private var buffer: [UInt8] = []

    /// Whether this writes through the console's standard output.
    var isStandardOutput: Bool { target == .standardOutput }

    init(path: String?, inputs: [String], console: Console) throws(OutputFile.Failure) {
        self.console = console
        target = try OutputTarget.resolve(path, inputs: inputs)
        shownAs = path ?? "-"
        switch target {
        case .standardOutput:
            break
        case .descriptor(let descriptor):
            fd = descriptor
        case .inPlace(let place):
            // A regular file under /dev or /proc (a tmpfs such as /dev/shm) starts empty.
            var info = stat()
            let truncate = stat(place, &info) == 0 && info.st_mode & S_IFMT == S_IFREG ? O_TRUNC : 0
            repeat { fd = open(place, O_WRONLY | O_NOCTTY | O_CLOEXEC | truncate) } while fd < 0 && errno == EINTR
            guard fd >= 0 else { throw failure(errno) }
            ownsDescriptor = true
        case .replace(let file, let existing):
            let (folder, base) = OutputTarget.split(file)
            guard let (descriptor, name) = TemporaryFiles.create(in: folder, named: ".\(base).kam", mode: 0o666) else {
                throw OutputFile.Failure(message: "cannot write in \(folder): \(OutputFile.describe(errno))")
            }
            fd = descriptor
            ownsDescriptor = true
            temporary = name
            if let existing {
                // Best effort: only root may give a file away; the bits are always kept.
                _ = fchown(fd, existing.owner, existing.group)
                fchmod(fd, existing.mode)
            }
        }
    }

    private func failure(_ code: Int32) -> OutputFile.Failure {
        OutputFile.Failure(message: "cannot write \(shownAs): \(OutputFile.describe(code))")
    }

    func write(_ bytes: UnsafeBufferPointer<UInt8>) throws(OutputFile.Failure) {
        guard target != .standardOutput else {
            console.out(bytes: bytes)
            // Stop a long run at once when standard output is gone.
            if let failure = console.outFailure {
                throw OutputFile.Failure(message: "cannot write to standard output: \(OutputFile.describe(failure))")
            }
            return
        }
        // A large piece (a chunk of scored rows) goes out as it is, not copied through the buffer.
        if bytes.count >= 256 << 10 {
            try flush()
            try writeAll(bytes)
            return
        }
        buffer.append(contentsOf: bytes)
        if buffer.count >= 1 << 20 { try flush() }
    }

    func write(_ bytes: [UInt8]) throws(OutputFile.Failure) {
        try bytes.withUnsafeBufferPointer { (p) throws(OutputFile.Failure) in try write(p) }
    }

    private func writeAll(_ bytes: UnsafeBufferPointer<UInt8>) throws(OutputFile.Failure) {
        var offset = 0
        while offset < bytes.count {
            let n = Foundation.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                throw failure(errno)
            }
            offset += n
        }
    }

    private func flush() throws(OutputFile.Failure) {
        try buffer.withUnsafeBufferPointer { (p) throws(OutputFile.Failure) in try writeAll(p) }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Finishes the output: a regular file becomes the target only now. Throws, leaving the
    /// target as it was, if that fails.
    func commit() throws(OutputFile.Failure) {
        do throws(OutputFile.Failure) {
            switch target {
            case .standardOutput:
                return
            case .descriptor:
                try flush()
            case .inPlace:
                try flush()
                // A close error is still an error.
                let closed = close(fd)
                fd = -1
                guard closed == 0 else { throw failure(errno) }
            case .replace(let file, _):
                guard let temporary else { return }
                try flush()
                let closed = close(fd)
                fd = -1
                guard closed == 0 else { throw failure(errno) }
                guard rename(temporary, file) == 0 else { throw failure(errno) }
                TemporaryFiles.unregister(temporary)
                self.temporary = nil
            }
        } catch {
            abort()
            throw error
        }
    }

    /// Removes the temporary file, so a replaced file is left as it was. What was already
    /// written to a device, a pipe or a descriptor cannot be taken back.
    func abort() {
        if ownsDescriptor, fd >= 0 { close(fd) }
        fd = -1
        if let temporary {
            unlink(temporary)
            TemporaryFiles.unregister(temporary)
            self.temporary = nil
        }
    }

    deinit { abort() }
}

/// Temporary files being written, removed if the process is interrupted (SIGINT, SIGTERM,
/// SIGPIPE when a reader of standard output goes away),
/// so that an interrupted run leaves nothing behind.
enum TemporaryFiles {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var paths: Set<String> = []
    nonisolated(unsafe) private static var installed = false

    /// A new file `<folder>/<name>-XXXXXX`, open for writing and registered for removal on
    /// interruption; nil (with `errno` set) when it cannot be made. The kernel applies the
    /// umask to `mode`, as for any file the user creates.
    static func create(in folder: String, named name: String, mode: mode_t = 0o600) -> (fd: Int32, path: String)? {
        let letters = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        for _ in 0..<100 {
            let suffix = String((0..<6).map { _ in letters.randomElement()! })
            let path = folder + "/\(name)-\(suffix)"
            let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
            if fd >= 0 {
                register(path)
                return (fd, path)
            }
            if errno != EEXIST && errno != EINTR { return nil }
        }
        return nil
    }

    static func register(_ path: String) {
        lock.lock()
        defer { lock.unlock() }
        paths.insert(path)
        if !installed {
            installed = true
            // Iterating the set is not strictly async-signal-safe, but the set only changes
            // under the lock around writes, and the process ends right after.
            for sig in [SIGINT, SIGTERM, SIGHUP, SIGPIPE] {
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

/// A temporary file under `$TMPDIR` for the length of a command (standard input kept, a
/// workbook's sheet as CSV, scored rows before they become a workbook): made with a
/// descriptor open for writing, removed when the last reference goes, or on an interruption.
final class TemporaryFile {
    let path: String
    private(set) var fd: Int32

    static var folder: String { ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp" }

    /// Nil, with `errno` set, when it cannot be made.
    init?(named name: String) {
        guard let (fd, path) = TemporaryFiles.create(in: Self.folder, named: name) else { return nil }
        self.fd = fd
        self.path = path
    }

    /// Closes the descriptor once the file is written; the file stays until the object goes.
    func close() {
        if fd >= 0 { _ = Foundation.close(fd) }
        fd = -1
    }

    deinit {
        close()
        unlink(path)
        TemporaryFiles.unregister(path)
    }
}
