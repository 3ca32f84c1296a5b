import KamAdvisor
import KamReport
import KamRules
import KamSource

/// The pack a command runs: from `--rules PATH` (a file, or a folder holding one pack of the
/// kind), or the bundled one; its texts in the run's language (`Messages.current`).
enum PackChoice {
    /// With `fallback`, a kind that PATH does not hold comes from the bundled packs (for
    /// `kam report`, which runs three kinds of pack and may be given only some).
    static func pack(kind: String, rules: String?, fallback: Bool = false, console: Console) throws(CommandFailure) -> RulePack {
        let files = if let rules { try PackFiles.resolve([rules], console) } else { BundledPacks.files }
        var candidates: [RulePack] = []
        var failed = false, broken: [Diagnostic] = []
        for file in files {
            let (pack, diagnostics) = PackLoader.load(file, profiles: PackProfiles.all, language: Messages.current.language)
            if let pack {
                if pack.kind == kind { candidates.append(pack) }
            } else if rules != nil {
                // A broken pack among the ones asked for: say why.
                broken += diagnostics
                failed = true
            }
        }
        if failed { throw .diagnostics(broken) }
        guard let pack = candidates.first else {
            if fallback, rules != nil { return try Self.pack(kind: kind, rules: nil, console: console) }
            throw .failed("no pack of kind `\(kind)` in \(rules ?? "the bundled packs")")
        }
        if candidates.count > 1 {
            console.err("warning: \(candidates.count) packs of kind `\(kind)` in \(rules ?? "the bundled packs"); using \(pack.file.path)\n")
        }
        return pack
    }
}
