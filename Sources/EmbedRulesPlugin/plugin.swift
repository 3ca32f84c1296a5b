import Foundation
import PackagePlugin

/// Embeds every `rules/*.json5` file into the target it is applied to, as Swift string
/// literals, so the bundled packs travel inside the binary and are rebuilt whenever a rule
/// file changes: what `kam` runs cannot drift from what people edit.
@main
struct EmbedRulesPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let rules = context.package.directoryURL.appending(path: "rules")
        // A checkout without rules/ still builds; `kam rules list` then shows no packs.
        let files = ((try? FileManager.default.contentsOfDirectory(at: rules, includingPropertiesForKeys: nil)) ?? [])
            .filter { $0.pathExtension == "json5" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        let output = context.pluginWorkDirectoryURL.appending(path: "BundledRuleFiles.swift")
        return [
            .buildCommand(
                displayName: "Embedding \(files.count) rule packs from rules/",
                executable: try context.tool(named: "kam-embed-rules").url,
                arguments: [output.path] + files.map(\.path),
                inputFiles: files,
                outputFiles: [output]
            )
        ]
    }
}
