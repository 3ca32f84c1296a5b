import Foundation
import KamAdvisor
import KamSource

/// The pack files a `rules` command works on: the paths given (files, or folders searched
/// for `*.json5`), or the bundled packs when none is given. A folder's `messages/` holds
/// message catalogues, not packs, and is passed over.
enum PackFiles {
    static func resolve(_ paths: [String], _ console: Console) -> [SourceFile]? {
        if paths.isEmpty { return BundledPacks.files }
        var files: [SourceFile] = []
        var failed = false
        for path in paths {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
                console.err("error: no such file or folder: \(path)\n")
                failed = true
                continue
            }
            let targets: [String]
            if isFolder.boolValue {
                let found = (FileManager.default.enumerator(atPath: path)?.allObjects as? [String] ?? [])
                    .filter { $0.hasSuffix(".json5") && !$0.split(separator: "/").dropLast().contains("messages") }.sorted()
                if found.isEmpty { console.err("warning: no .json5 files in \(path)\n") }
                targets = found.map { (path as NSString).appendingPathComponent($0) }
            } else {
                targets = [path]
            }
            for target in targets {
                guard let data = FileManager.default.contents(atPath: target) else {
                    console.err("error: cannot read \(target)\n")
                    failed = true
                    continue
                }
                files.append(SourceFile(path: target, bytes: Array(data)))
            }
        }
        return failed ? nil : files
    }
}
