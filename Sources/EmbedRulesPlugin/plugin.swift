import Foundation
import PackagePlugin

/// Embeds every `rules/*.json5` pack and `rules/messages/*.json5` message catalogue into the
/// target it is applied to, as Swift string literals, so they travel inside the binary and
/// are rebuilt whenever one changes: what `kam` runs cannot drift from what people edit.
@main
struct EmbedRulesPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let rules = context.package.directoryURL.appending(path: "rules")
        // A checkout without rules/ still builds; `kam rules list` then shows no packs.
        func json5(in folder: URL) -> [URL] {
            ((try? FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)) ?? [])
                .filter { $0.pathExtension == "json5" }
                .sorted { $0.lastPathComponent < $1.lastPathComponent }
        }
        let files = json5(in: rules) + json5(in: rules.appending(path: "messages"))
        let output = context.pluginWorkDirectoryURL.appending(path: "BundledRuleFiles.swift")
        return [
            .buildCommand(
                displayName: "Embedding \(files.count) rule files from rules/",
                executable: try context.tool(named: "kam-embed-rules").url,
                arguments: [output.path] + files.map(\.path),
                inputFiles: files,
                outputFiles: [output]
            )
        ]
    }
}
