import Foundation
import KamTestSupport
import Testing
@testable import KamCLI

/// `kam completion`: each shell's script, run by that shell, completes commands, options,
/// option values and files from the command table.
struct CompletionTests {
    static func which(_ program: String) -> String? {
        ["/usr/bin/", "/bin/", "/usr/local/bin/"].map { $0 + program }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    func script(_ shell: String) throws -> String {
        let r = kam("completion", shell)
        #expect(r.code == 0, "\(r.err)")
        return r.out
    }

    /// What bash's completion function offers for `line` (the cursor at its end).
    func bash(_ line: String) throws -> [String] {
        let bash = try #require(Self.which("bash"))
        var words = line.split(separator: " ").map(String.init)
        if line.hasSuffix(" ") { words.append("") }
        let quoted = words.map { "'\($0)'" }.joined(separator: " ")
        // compopt works only while bash itself is completing; here it is a no-op.
        let program = try script("bash") + """
            compopt() { :; }
            COMP_WORDS=(\(quoted)); COMP_CWORD=\(words.count - 1)
            _kam
            printf '%s\\n' "${COMPREPLY[@]}"
            """
        let r = try runChild(URL(fileURLWithPath: bash), ["-c", program], currentDirectory: TestPaths.packageRoot)
        #expect(r.code == 0 && r.err.isEmpty, "\(r.err)")
        return r.text.split(separator: "\n").map(String.init).sorted()
    }

    @Test func bashCompletesCommandsOptionsValuesAndFiles() throws {
        #expect(try bash("kam re") == ["report"])
        #expect(try bash("kam rules ") == ["check", "list", "test"])
        #expect(try bash("kam report --fo") == ["--format"])
        #expect(try bash("kam report --format ") == ["html", "json", "markdown"])
        #expect(try bash("kam assess --format m") == ["markdown"])
        #expect(try bash("kam score -o Pack") == ["Package.swift"])
        #expect(try bash("kam score fixtures/sample/cust") == ["fixtures/sample/customers.csv"])
        #expect(try bash("kam portfolio me") == ["merge"])
        #expect(try bash("kam portfolio merge --o") == ["--output"])
        #expect(try bash("kam completion ") == ["bash", "fish", "zsh"])
        #expect(try bash("kam score --jobs ").isEmpty, "a number: nothing to offer")
        #expect(try bash("kam questionnaire R").isEmpty, "takes no files")
    }

    @Test(.enabled(if: which("fish") != nil, "fish is not installed: its script is checked for content only"))
    func fishCompletesCommandsOptionsValuesAndFiles() throws {
        let fish = try #require(Self.which("fish"))
        let folder = FileManager.default.temporaryDirectory.appending(path: "kam-fish-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appending(path: "kam.fish").path
        try Data(try script("fish").utf8).write(to: URL(fileURLWithPath: path))
        func complete(_ line: String) throws -> [String] {
            let r = try runChild(URL(fileURLWithPath: fish), ["--no-config", "-c", "source \(path); complete -C '\(line)'"],
                                 currentDirectory: TestPaths.packageRoot)
            #expect(r.code == 0 && r.err.isEmpty, "\(r.err)")
            return r.text.split(separator: "\n").map { String($0.split(separator: "\t")[0]) }.sorted()
        }
        #expect(try complete("kam re") == ["report"])
        #expect(try complete("kam rules ") == ["check", "list", "test"])
        #expect(try complete("kam report --format ") == ["html", "json", "markdown"])
        #expect(try complete("kam portfolio merge --o") == ["--output"])
        #expect(try complete("kam score -o Pack") == ["Package.swift"])
        #expect(try complete("kam completion ") == ["bash", "fish", "zsh"])
    }

    @Test(.enabled(if: which("zsh") != nil, "zsh is not installed: its script is checked for content only"))
    func zshReadsItsScript() throws {
        let zsh = try #require(Self.which("zsh"))
        let r = try runChild(URL(fileURLWithPath: zsh), ["-n"], input: Data(try script("zsh").utf8))
        #expect(r.code == 0 && r.err.isEmpty, "\(r.err)")
    }

    /// Every command and every option of the table is in every script, so a new option is
    /// completed the day it is added.
    @Test(arguments: ["bash", "zsh", "fish"])
    func everyCommandAndOptionIsInTheScript(_ shell: String) throws {
        let text = try script(shell)
        for command in KamCLI.commands {
            #expect(command.words.allSatisfy(text.contains), "\(shell): \(command.name)")
            for option in command.options {
                let name = shell == "fish" ? "-l \(option.name.dropFirst(2))" : option.name
                #expect(text.contains(name), "\(shell): \(command.name) \(option.name)")
                for choice in option.choices { #expect(text.contains(choice)) }
            }
        }
    }

    @Test func aWrongShellIsAUsageError() {
        let r = kam("completion", "bsh")
        #expect(r.code == 64)
        #expect(r.err.contains("did you mean `bash`?"))
        #expect(kam("completion").code == 64)
    }
}
