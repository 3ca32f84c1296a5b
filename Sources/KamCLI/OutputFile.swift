import Foundation

/// Writes a command's result: to standard output, or to a file atomically (a temporary file
/// in the target folder, flushed, then renamed over the target), so a failed run leaves no
/// half-written file and an existing file is replaced whole or not at all. A target that is
/// one of the command's inputs is refused.
enum OutputFile {
    struct Failure: Error {
        let message: String
    }

    /// `path` nil or `-` means standard output.
    static func write(_ text: String, to path: String?, inputs: [String], console: Console) throws(Failure) {
        guard let path, path != "-" else {
            console.out(text)
            return
        }
        for input in inputs where sameFile(input, path) {
            throw Failure(message: "refusing to write the output over the input \(input); choose another -o path")
        }
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
            throw Failure(message: "cannot write \(path): the folder \(folder) does not exist")
        }
        var template = Array((folder + "/.\(url.lastPathComponent).kam-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw Failure(message: "cannot write in \(folder): \(String(cString: strerror(errno)))") }
        let temporary = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        TemporaryFiles.register(temporary)
        defer { TemporaryFiles.unregister(temporary) }
        do throws(Failure) {
            try writeAll(Array(text.utf8), fd, path)
            guard fsync(fd) == 0 || errno == EINVAL else { throw Failure(message: "cannot write \(path): \(String(cString: strerror(errno)))") }
            guard close(fd) == 0 else { throw Failure(message: "cannot write \(path): \(String(cString: strerror(errno)))") }
            fchmodDefault(temporary)
            guard rename(temporary, path) == 0 else {
                throw Failure(message: "cannot write \(path): \(String(cString: strerror(errno)))")
            }
        } catch {
            close(fd)
            unlink(temporary)
            throw error
        }
    }

    private static func writeAll(_ bytes: [UInt8], _ fd: Int32, _ path: String) throws(Failure) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                throw Failure(message: "cannot write \(path): \(String(cString: strerror(errno)))")
            }
            offset += n
        }
    }

    /// mkstemp creates the file readable by its owner only; outputs get the usual 0644 less
    /// the umask, like any file a command writes.
    private static func fchmodDefault(_ path: String) {
        let mask = umask(0)
        umask(mask)
        chmod(path, 0o666 & ~mask)
    }

    static func sameFile(_ a: String, _ b: String) -> Bool {
        var x = stat(), y = stat()
        guard stat(a, &x) == 0, stat(b, &y) == 0 else { return false }
        return x.st_dev == y.st_dev && x.st_ino == y.st_ino
    }
}

/// Temporary files being written, removed if the process is interrupted (SIGINT, SIGTERM),
/// so that an interrupted run leaves nothing behind.
enum TemporaryFiles {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var paths: Set<String> = []
    nonisolated(unsafe) private static var installed = false

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
