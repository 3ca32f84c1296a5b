import Foundation
import KamTestSupport
import Testing
@testable import KamCLI

/// What `-o`, `--summary` and `--errors` do with each kind of path: a regular file is
/// replaced atomically, keeping its permission bits; a symlink's target is written and the
/// link stays; devices, FIFOs and descriptors are written in place; folders, sockets and
/// inputs are refused.
struct OutputTargetTests {
    static let input = TestPaths.fixtures.appending(path: "customers/crm-export.csv").path

    /// What `kam score` writes for the input, for comparing bytes.
    static let scored: String = kam("score", input, "--quiet").out

    func temporaryFolder() throws -> String {
        let folder = FileManager.default.temporaryDirectory.appending(path: "kam-output-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return folder
    }

    func kind(_ path: String) -> mode_t {
        var info = stat()
        return lstat(path, &info) == 0 ? info.st_mode & S_IFMT : 0
    }

    func mode(_ path: String) -> mode_t {
        var info = stat()
        return stat(path, &info) == 0 ? info.st_mode & 0o7777 : 0
    }

    func contents(_ path: String) -> String {
        FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) } ?? "<unreadable>"
    }

    /// Scored rows are written on a thread of their own while rejected rows are reported, so
    /// the two cannot share standard output; with the rows in a file they can.
    @Test func rejectedRowsAndScoredRowsDoNotShareStandardOutput() throws {
        let both = kam("score", Self.input, "--errors", "-", "--quiet")
        #expect(both.code == 1)
        #expect(both.err.contains("--errors - and the scored rows would both go to standard output"), "\(both.err)")
        #expect(both.out.isEmpty)
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let apart = kam("score", Self.input, "--errors", "-", "-o", folder + "/scored.csv", "--quiet")
        #expect(apart.code == 0, "\(apart.err)")
        #expect(apart.out.hasPrefix("line,"), "\(apart.out)")
    }

    @Test func theScoredListIsThereToCompare() {
        #expect(Self.scored.hasPrefix("Account ID,"))
    }

    @Test func aRegularFileIsReplacedAndKeepsItsPermissionBits() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let out = folder + "/scored.csv"
        try Data("old\n".utf8).write(to: URL(fileURLWithPath: out))
        chmod(out, 0o640)
        let r = kam("score", Self.input, "-o", out, "--quiet")
        #expect(r.code == 0, "\(r.err)")
        #expect(contents(out) == Self.scored)
        #expect(mode(out) == 0o640)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["scored.csv"], "no temporary left")
    }

    @Test func aNewFileTakesTheUmask() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let out = folder + "/new.csv"
        let old = umask(0o027)
        defer { umask(old) }
        #expect(kam("score", Self.input, "-o", out, "--quiet").code == 0)
        #expect(mode(out) == 0o640)
    }

    @Test func aSymlinkIsFollowedAndStaysALink() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder + "/reports", withIntermediateDirectories: true)
        let target = folder + "/reports/2026-11.csv"
        try Data("old\n".utf8).write(to: URL(fileURLWithPath: target))
        chmod(target, 0o600)
        // A relative link, resolved against the link's folder, not the working directory.
        #expect(symlink("reports/2026-11.csv", folder + "/latest.csv") == 0)
        let r = kam("score", Self.input, "-o", folder + "/latest.csv", "--quiet")
        #expect(r.code == 0, "\(r.err)")
        #expect(kind(folder + "/latest.csv") == S_IFLNK)
        #expect(contents(target) == Self.scored)
        #expect(mode(target) == 0o600)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder + "/reports") == ["2026-11.csv"])
    }

    @Test func aDanglingSymlinkCreatesItsTarget() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(symlink("made.csv", folder + "/link.csv") == 0)
        #expect(kam("score", Self.input, "-o", folder + "/link.csv", "--quiet").code == 0)
        #expect(kind(folder + "/link.csv") == S_IFLNK)
        #expect(contents(folder + "/made.csv") == Self.scored)
    }

    @Test func aFIFOIsWrittenInPlace() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let fifo = folder + "/pipe"
        #expect(mkfifo(fifo, 0o600) == 0)
        let reader = BackgroundRead(fifo)
        let r = kam("score", Self.input, "-o", fifo, "--quiet")
        #expect(r.code == 0, "\(r.err)")
        // Were the FIFO replaced, its reader would wait for ever: stop here instead.
        try #require(kind(fifo) == S_IFIFO)
        #expect(reader.wait() == Self.scored)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["pipe"])
    }

    /// Linux's device numbers for /dev/null (1, 3) and /dev/full (1, 7): `makedev` is a C
    /// macro that Swift does not see.
    static let nullDevice: dev_t = 0x103, fullDevice: dev_t = 0x107

    /// Whether this machine lets the tests make device nodes (root, outside a locked-down
    /// container); where it does not, the device test is skipped and says so.
    static let canMakeDevices: Bool = {
        let path = FileManager.default.temporaryDirectory.appending(path: "kam-mknod-\(UUID().uuidString)").path
        defer { unlink(path) }
        return mknod(path, S_IFCHR | 0o666, nullDevice) == 0
    }()

    /// Device nodes made with `mknod` beside the test (the same numbers as /dev/null and
    /// /dev/full), so a regression cannot replace the machine's own devices.
    @Test(.enabled(if: canMakeDevices, "mknod is not allowed on this machine: device nodes untested"))
    func aCharacterDeviceIsWrittenInPlaceAndItsErrorsAreExitOne() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let null = folder + "/null", full = folder + "/full"
        #expect(mknod(null, S_IFCHR | 0o666, Self.nullDevice) == 0 && mknod(full, S_IFCHR | 0o666, Self.fullDevice) == 0)
        let toNull = kam("score", Self.input, "-o", null, "--summary", null, "--quiet")
        #expect(toNull.code == 0, "\(toNull.err)")
        #expect(kind(null) == S_IFCHR)
        let toFull = kam("score", Self.input, "-o", full, "--quiet")
        #expect(toFull.code == 1)
        #expect(toFull.err.contains("cannot write \(full): No space left on device"), "\(toFull.err)")
        #expect(kind(full) == S_IFCHR)
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: folder)) == ["null", "full"])
    }

    @Test func pathsUnderDevAndProcAreNeverReplacedOrCreated() throws {
        #expect(try OutputTarget.resolve("/dev/null", inputs: []) == .inPlace("/dev/null"))
        #expect(try OutputTarget.resolve("/dev/stdout", inputs: []) == .descriptor(1))
        #expect(try OutputTarget.resolve("/dev/stderr", inputs: []) == .descriptor(2))
        #expect(try OutputTarget.resolve("/proc/self/fd/2", inputs: []) == .descriptor(2))
        #expect(try OutputTarget.resolve("-", inputs: []) == .standardOutput)
        let typo = kam("score", Self.input, "-o", "/dev/nul", "--quiet")
        #expect(typo.code == 1)
        #expect(typo.err.contains("kam creates no files under /dev or /proc"), "\(typo.err)")
        #expect(kind("/dev/nul") == 0)
        let closed = kam("score", Self.input, "-o", "/dev/fd/97", "--quiet")
        #expect(closed.code == 1)
        #expect(closed.err.contains("descriptor 97 is not open"), "\(closed.err)")
    }

    /// `--summary /dev/stdout > out.txt` and `--summary /dev/fd/3 3> s.json`: the bytes go into
    /// the descriptor the shell opened, after what is already there, and the file the shell
    /// made is never renamed over.
    @Test func aDescriptorTheShellOpenedIsWrittenAsItIs() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let kam = TestPaths.productsDirectory.appending(path: "kam").path
        let out = folder + "/out.txt"
        let r = try runChild(URL(fileURLWithPath: "/bin/sh"),
                             ["-c", "echo before > \"$3\"; exec \"$0\" score \"$1\" --quiet -o \"$2\" --summary /dev/stdout >> \"$3\"",
                              kam, Self.input, folder + "/scored.csv", out])
        #expect(r.code == 0, "\(r.err)")
        let text = contents(out)
        #expect(text.hasPrefix("before\n{\n  \"rows_read\": 40,"), "\(text.prefix(80))")
        #expect(kind(out) == S_IFREG)
        let fd3 = try runChild(URL(fileURLWithPath: "/bin/sh"),
                               ["-c", "exec \"$0\" score \"$1\" --quiet --errors /dev/fd/3 3> \"$2\"", kam, Self.input, folder + "/errors.csv"])
        #expect(fd3.code == 0, "\(fd3.err)")
        #expect(contents(folder + "/errors.csv") == "line,column,reason\n")
        #expect(fd3.text == Self.scored)
    }

    @Test func foldersSocketsAndLoopsAreRefused() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let dir = kam("score", Self.input, "-o", folder, "--quiet")
        #expect(dir.code == 1)
        #expect(dir.err.contains("it is a folder"), "\(dir.err)")
        #expect(kam("score", Self.input, "-o", folder + "/", "--quiet").err.contains("names a folder"))

        let socketPath = folder + "/s"
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, byte) in socketPath.utf8.enumerated() { raw[i] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        #expect(bound == 0)
        let sock = kam("score", Self.input, "-o", socketPath, "--quiet")
        #expect(sock.code == 1)
        #expect(sock.err.contains("it is a socket"), "\(sock.err)")
        #expect(kind(socketPath) == S_IFSOCK)

        #expect(symlink("b", folder + "/a") == 0 && symlink("a", folder + "/b") == 0)
        let loop = kam("score", Self.input, "-o", folder + "/a", "--quiet")
        #expect(loop.code == 1)
        #expect(loop.err.contains("symbolic links"), "\(loop.err)")
    }

    @Test func aSymlinkOrHardLinkToAnInputIsRefused() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let copy = folder + "/list.csv"
        try FileManager.default.copyItem(atPath: Self.input, toPath: copy)
        #expect(symlink("list.csv", folder + "/soft.csv") == 0)
        #expect(link(copy, folder + "/hard.csv") == 0)
        for output in [folder + "/soft.csv", folder + "/hard.csv", copy] {
            let r = kam("score", copy, "-o", output, "--quiet")
            #expect(r.code == 1)
            #expect(r.err.contains("over the input"), "\(r.err)")
            for summary in ["--summary", "--errors"] {
                #expect(kam("score", copy, summary, output, "--quiet").code == 1)
            }
        }
        #expect(contents(copy) == contents(Self.input))
        #expect(kind(folder + "/soft.csv") == S_IFLNK)
    }

    /// Every command that writes a file goes through the same path.
    @Test func everyCommandWritesThroughTheSameRules() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let q = TestPaths.fixtures.appending(path: "questionnaires/borderline.json5").path
        let sample = TestPaths.fixtures.appending(path: "sample/customers.csv").path
        let commands: [[String]] = [
            ["assess", q], ["questionnaire"], ["report", "--customers", sample, "--quiet"], ["portfolio", Self.input],
        ]
        for command in commands {
            let dir = kam(command + ["-o", folder])
            #expect(dir.code == 1, "\(command)")
            #expect(dir.err.contains("it is a folder"), "\(command): \(dir.err)")
            #expect(symlink("target-\(command[0])", folder + "/link-\(command[0])") == 0)
            let r = kam(command + ["-o", folder + "/link-\(command[0])"])
            #expect(r.code == 0, "\(command): \(r.err)")
            #expect(kind(folder + "/link-\(command[0])") == S_IFLNK)
            #expect(kind(folder + "/target-\(command[0])") == S_IFREG)
        }
        let over = kam("assess", q, "-o", q)
        #expect(over.code == 1)
        #expect(over.err.contains("over the input"))
    }
}

/// Reads a FIFO to its end on another thread, as the program at the other end of a pipe.
private final class BackgroundRead: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ path: String) {
        Thread { [self] in
            if let handle = FileHandle(forReadingAtPath: path) {
                data = handle.readDataToEndOfFile()
            }
            done.signal()
        }.start()
    }

    func wait() -> String {
        done.wait()
        return String(decoding: data, as: UTF8.self)
    }
}
