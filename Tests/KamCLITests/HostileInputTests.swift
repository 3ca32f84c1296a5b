import Foundation
import KamCLI
import KamTestSupport
import Testing

/// The hostile-input suite: files in `fixtures/hostile/` with the exit code and messages
/// each must give (`cases.json`), and the cases too large to commit, generated here. None may
/// crash, hang, fill memory, or leave a file behind.
struct HostileInputTests {
    static let folder = TestPaths.fixtures.appending(path: "hostile")

    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let args: [String]
        let exit: Int32
        let stderr: String?
        let stdout: String?
        var testDescription: String { name }
    }

    static let cases: [Case] = {
        guard let data = FileManager.default.contents(atPath: folder.appending(path: "cases.json").path),
              let list = try? JSONSerialization.jsonObject(with: data) as? [[String: Any]]
        else { return [] }
        return list.map { c in
            Case(name: c["name"] as? String ?? "?", args: c["args"] as? [String] ?? [], exit: Int32(c["exit"] as? Int ?? -1),
                 stderr: c["stderr"] as? String, stdout: c["stdout"] as? String)
        }
    }()

    @Test func theSuiteIsThere() {
        #expect(Self.cases.count >= 13)
    }

    @Test(arguments: cases)
    func eachCaseGivesItsExitCodeAndMessage(_ c: Case) {
        // File arguments are relative to fixtures/hostile; messages are compared the same way.
        let args = c.args.map { a in
            FileManager.default.fileExists(atPath: Self.folder.appending(path: a).path) && a.contains(".")
                ? Self.folder.appending(path: a).standardized.path : a
        }
        let console = Console.capture()
        let code = KamCLI.run(args, console: console)
        let prefix = Self.folder.path + "/"
        let err = console.capturedErr.replacingOccurrences(of: prefix, with: "")
            .replacingOccurrences(of: TestPaths.fixtures.appending(path: "customers").path + "/", with: "../customers/")
        #expect(code == c.exit, "\(err)")
        if let expected = c.stderr { #expect(err.contains(expected), "stderr was:\n\(err)") }
        if let expected = c.stdout { #expect(console.capturedOut == expected) }
    }

    func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appending(path: "kam-hostile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    @Test func oneHundredThousandColumns() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appending(path: "wide.csv").path
        let header = (0..<100_000).map { "c\($0)" }.joined(separator: ",")
        try (header + "\n" + String(repeating: "1,", count: 99_999) + "1\n").write(toFile: path, atomically: false, encoding: .utf8)
        let r = kam("score", path, "--quiet")
        #expect(r.code == 1)
        #expect(r.err.contains("line 1, field 10001: record has more fields than the limit maxColumns = 10000 (set KAM_MAX_COLUMNS to raise it)"), "\(r.err)")
        #expect(r.out.isEmpty)
        // Raised as the message says, the file gets past the limit (to the next problem: it
        // has none of the pack's columns).
        let raised = try runChild(TestPaths.productsDirectory.appending(path: "kam"), ["score", path, "--quiet"],
                                  environment: ["KAM_MAX_COLUMNS": "200000"])
        let message = raised.err
        #expect(raised.code == 1)
        #expect(!message.contains("maxColumns"), "\(message.prefix(500))")
        #expect(message.contains("customer_id"), "\(message.prefix(500))")
    }

    @Test func anUnclosedQuoteAtTheStartOfALargeFile() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appending(path: "unclosed.csv").path
        // 80 MB of ordinary rows after a quote that never closes: the record limit stops it.
        var text = "customer_id,customer_name,revenue_ltm\nC-1,\"Open quote,100\n"
        let row = "C-2,Plain Customer Name,12345.67\n"
        text += String(repeating: row, count: 80_000_000 / row.utf8.count)
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        let r = kam("score", path, "--quiet")
        #expect(r.code == 1)
        #expect(r.err.contains("line 2"), "\(r.err)")
        #expect(r.err.contains("maxRecordBytes") || r.err.contains("unclosed quote") || r.err.contains("never closed"), "\(r.err)")
        #expect(r.out.isEmpty)
    }

    @Test func aOneGigabyteField() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appending(path: "huge-field.csv").path
        // A sparse file: 1 GiB long, holding almost no disk, read as one field of zeros.
        let head = "customer_id,customer_name,revenue_ltm\nC-1,"
        FileManager.default.createFile(atPath: path, contents: Data(head.utf8))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.truncate(atOffset: UInt64(head.utf8.count) + (1 << 30))
        try handle.close()
        let r = kam("score", path, "--quiet")
        #expect(r.code == 1)
        #expect(r.err.contains("line 2"), "\(r.err)")
        #expect(r.err.contains("limit"), "\(r.err)")
        #expect(r.out.isEmpty)
    }

    @Test func anExpressionNestedOneHundredThousandDeep() {
        let expression = String(repeating: "(", count: 100_000) + "1" + String(repeating: ")", count: 100_000)
        let r = kam("eval", expression)
        #expect(r.code == 1)
        #expect(r.err.contains("nested more than 100"), "\(r.err.prefix(300))")
        #expect(r.err.count < 2_000, "the message shows a window of the expression, not all of it")
    }

    @Test func outputsThatCannotBeWrittenAreRefusedAndLeaveNothing() throws {
        let input = TestPaths.fixtures.appending(path: "customers/crm-export.csv").path
        let same = kam("score", input, "-o", input, "--quiet")
        #expect(same.code == 1)
        #expect(same.err.contains("input"), "\(same.err)")
        let missing = kam("score", input, "-o", "/nonexistent-kam-folder/out.csv", "--quiet")
        #expect(missing.code == 1)
        #expect(missing.err.contains("/nonexistent-kam-folder"), "\(missing.err)")
        // Not created even by root: /proc and /dev take no new files.
        let proc = kam("score", input, "-o", "/proc/kam-out.csv", "--quiet")
        #expect(proc.code == 1)
        #expect(proc.err.contains("kam creates no files under /dev or /proc"), "\(proc.err)")
    }

    /// The disk fills up in the middle of the output: simulated with a file-size limit
    /// (`ulimit -f`), under which a write fails as on a full disk.
    @Test func aFullDiskLeavesNoPartialOutput() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = TestPaths.fixtures.appending(path: "sample/customers.csv").path
        let out = folder.appending(path: "scored.csv").path
        let kam = TestPaths.productsDirectory.appending(path: "kam").path
        // 20 blocks of 512 bytes: far less than the scored list. SIGXFSZ is ignored, so the
        // write fails with EFBIG instead of killing the process.
        let limited = try runChild(URL(fileURLWithPath: "/bin/sh"),
                                   ["-c", "ulimit -f 20; trap '' XFSZ; exec \"$0\" score \"$1\" -o \"$2\" --quiet", kam, input, out])
        let message = limited.err
        #expect(limited.code == 1, "\(message)")
        #expect(message.contains("File too large") || message.contains("space"), "\(message)")
        let left = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(left.isEmpty, "left behind: \(left)")
        // And standard output on a full device.
        let full = try runChild(URL(fileURLWithPath: kam), ["score", input, "--quiet"],
                                standardOutput: FileHandle(forWritingAtPath: "/dev/full"))
        let fullMessage = full.err
        #expect(full.code == 1, "\(fullMessage)")
        #expect(fullMessage.contains("No space left on device"), "\(fullMessage)")
    }
}
