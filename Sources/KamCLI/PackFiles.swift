import Foundation
import KamAdvisor
import KamSource

/// The pack files a `rules` command works on: the paths given (files, or folders searched
/// for `*.json5`), or the bundled packs when none is given. A folder's `messages/` holds
/// message catalogues, not packs, and is passed over.
enum PackFiles {
    /// Every path is looked at before one that is missing stops the command, so that all are
    /// named at once.
    static func resolve(_ paths: [String], _ console: Console) throws(CommandFailure) -> [SourceFile] {
        if paths.isEmpty { return BundledPacks.files }
        var files: [SourceFile] = []
        var problems: [Diagnostic] = []
        for path in paths {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
                problems.append(.error("no such file or folder: \(path)"))
                continue
            }
            let targets: [String]
            if isFolder.boolValue {
                let found = (FileManager.default.enumerator(atPath: path)?.allObjects as? [String] ?? [])
                    .filter { $0.hasSuffix(".json5") && !$0.split(separator: "/").dropLast().contains("messages") }.sorted()
                if found.isEmpty { problems.append(Diagnostic(.warning, "no .json5 files in \(path)")) }
                targets = found.map { (path as NSString).appendingPathComponent($0) }
            } else {
                targets = [path]
            }
            for target in targets {
                guard let data = FileManager.default.contents(atPath: target) else {
                    problems.append(.error("cannot read \(target)"))
                    continue
                }
                files.append(SourceFile(path: target, bytes: Array(data)))
            }
        }
        try check(problems, console)
        return files
    }
}
