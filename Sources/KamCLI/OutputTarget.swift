import Foundation

/// What an output path stands for, decided before a byte is written. A regular file is
/// replaced atomically; a device, a FIFO or a descriptor the shell opened (`/dev/stdout`) is
/// written where it is, because renaming a file over it would destroy it; anything else is
/// refused. A symlink is followed hop by hop, so `latest.html -> reports/2026-11.html`
/// updates the report and keeps the link.
enum OutputTarget: Equatable {
    /// `-` or no path: the process's standard output.
    case standardOutput
    /// A descriptor this process already holds (`/dev/stdout`, `/dev/fd/3`,
    /// `/proc/self/fd/3`): written as it is, sharing the shell's offset, never reopened.
    case descriptor(Int32)
    /// A character device, a FIFO, or anything under `/dev` or `/proc`: opened and written in
    /// place, with no temporary file and no rename.
    case inPlace(String)
    /// A regular file or a new path: a temporary file beside it, then a rename. `mode` holds
    /// the permission bits and owner of the file it replaces, kept on the new one.
    case replace(String, existing: Existing?)

    struct Existing: Equatable {
        let mode: mode_t
        let owner: uid_t
        let group: gid_t
    }

    /// Symlink hops followed before giving up, as the kernel's own limit (`ELOOP`).
    static let maximumHops = 40

    /// Where `path` leads, or a failure saying why nothing will be written there. The
    /// output must not be one of `inputs` (compared by device and inode, so a symlink or a
    /// hard link to an input is refused too).
    static func resolve(_ path: String?, inputs: [String]) throws(OutputFile.Failure) -> OutputTarget {
        guard let path, path != "-" else { return .standardOutput }
        let target = try follow(path)
        try refuseInputs(target, given: path, inputs: inputs)
        return target
    }

    private static func follow(_ given: String) throws(OutputFile.Failure) -> OutputTarget {
        if given.hasSuffix("/") {
            throw OutputFile.Failure(message: "cannot write \(given): it names a folder; give a file name")
        }
        var current = given
        for _ in 0..<maximumHops {
            if let fd = descriptorNumber(current) { return try openDescriptor(fd, given: given) }
            let (folder, name) = split(current)
            guard let real = realPath(folder) else {
                throw OutputFile.Failure(message: "cannot write \(given): the folder \(folder) does not exist")
            }
            let canonical = real == "/" ? "/" + name : real + "/" + name
            if let fd = descriptorNumber(canonical) { return try openDescriptor(fd, given: given) }
            let special = underSpecialFolder(canonical)
            var info = stat()
            guard lstat(canonical, &info) == 0 else {
                guard errno == ENOENT else { throw OutputFile.Failure(message: "cannot write \(given): \(OutputFile.describe(errno))") }
                if special {
                    throw OutputFile.Failure(message: "cannot write \(given): \(canonical) does not exist, and kam creates no files under /dev or /proc")
                }
                return .replace(canonical, existing: nil)
            }
            switch info.st_mode & S_IFMT {
            case S_IFLNK:
                guard let link = readLink(canonical) else {
                    throw OutputFile.Failure(message: "cannot write \(given): cannot read the link \(canonical): \(OutputFile.describe(errno))")
                }
                current = link.hasPrefix("/") ? link : real + "/" + link
            case S_IFDIR:
                throw OutputFile.Failure(message: "cannot write \(given): it is a folder; give a file name inside it")
            case S_IFSOCK:
                throw OutputFile.Failure(message: "cannot write \(given): it is a socket; kam writes to files, devices and pipes only")
            case S_IFBLK:
                throw OutputFile.Failure(message: "cannot write \(given): it is a block device (a disk); kam refuses to write over one")
            case S_IFCHR, S_IFIFO:
                return .inPlace(canonical)
            default:
                if special { return .inPlace(canonical) }
                guard access(canonical, W_OK) == 0 else {
                    throw OutputFile.Failure(message: "cannot write \(given): \(OutputFile.describe(errno))")
                }
                return .replace(canonical, existing: Existing(mode: info.st_mode & 0o7777, owner: info.st_uid, group: info.st_gid))
            }
        }
        throw OutputFile.Failure(message: "cannot write \(given): more than \(maximumHops) symbolic links to follow (a loop?)")
    }

    /// The descriptor a path names: `/dev/stdout`, `/dev/stderr`, `/dev/fd/N`,
    /// `/proc/self/fd/N` or `/proc/<this process>/fd/N`.
    static func descriptorNumber(_ path: String) -> Int32? {
        switch path {
        case "/dev/stdout": return STDOUT_FILENO
        case "/dev/stderr": return STDERR_FILENO
        default: break
        }
        for prefix in ["/dev/fd/", "/proc/self/fd/", "/proc/\(getpid())/fd/"] where path.hasPrefix(prefix) {
            let rest = path.dropFirst(prefix.count)
            guard !rest.isEmpty, rest.allSatisfy(\.isASCII), rest.allSatisfy(\.isNumber), let n = Int32(rest) else { return nil }
            return n
        }
        return nil
    }

    private static func openDescriptor(_ fd: Int32, given: String) throws(OutputFile.Failure) -> OutputTarget {
        let flags = fcntl(fd, F_GETFL)
        guard flags >= 0 else {
            throw OutputFile.Failure(message: "cannot write \(given): descriptor \(fd) is not open in this process")
        }
        guard flags & O_ACCMODE != O_RDONLY else {
            throw OutputFile.Failure(message: "cannot write \(given): descriptor \(fd) is open for reading only")
        }
        return .descriptor(fd)
    }

    /// The folder and the last component of a path. (Foundation's `NSString` path methods
    /// trap on some one-letter names on Linux, so this is done by hand.)
    static func split(_ path: String) -> (folder: String, name: String) {
        var trimmed = Substring(path)
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        guard let slash = trimmed.lastIndex(of: "/") else { return (".", String(trimmed)) }
        let folder = trimmed[..<slash]
        return (folder.isEmpty ? "/" : String(folder), String(trimmed[trimmed.index(after: slash)...]))
    }

    private static func underSpecialFolder(_ path: String) -> Bool {
        path == "/dev" || path == "/proc" || path.hasPrefix("/dev/") || path.hasPrefix("/proc/")
    }

    private static func refuseInputs(_ target: OutputTarget, given: String, inputs: [String]) throws(OutputFile.Failure) {
        var output = stat()
        switch target {
        case .standardOutput: return
        case .descriptor(let fd): guard fstat(fd, &output) == 0 else { return }
        case .inPlace(let path), .replace(let path, _): guard stat(path, &output) == 0 else { return }
        }
        // Devices and pipes may be both read and written (`/dev/null`); only a file can be lost.
        guard output.st_mode & S_IFMT == S_IFREG else { return }
        for input in inputs where input != "-" {
            var info = stat()
            if stat(input, &info) == 0, info.st_dev == output.st_dev, info.st_ino == output.st_ino {
                let alias = given == input ? "" : " (\(given) is the same file)"
                throw OutputFile.Failure(message: "refusing to write the output over the input \(input)\(alias); choose another output path")
            }
        }
    }

    private static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    private static func readLink(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink(path, &buffer, buffer.count - 1)
        guard n >= 0 else { return nil }
        return String(decoding: buffer[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
