import KamSource

/// The default rule packs, embedded in the binary at build time from the package's `rules/`
/// folder (see `EmbedRulesPlugin`), so `kam` works from any folder.
public enum BundledPacks {
    /// Every bundled pack as a source file named `rules/<file>`, in file-name order.
    public static var files: [SourceFile] {
        bundledRuleFiles.map { SourceFile(path: "rules/\($0.name)", text: $0.text) }
    }
}

/// The message catalogues, one per language, embedded from `rules/messages/` like the packs.
public enum BundledMessages {
    /// Every catalogue as a source file named `rules/messages/<file>`, in file-name order.
    public static var files: [SourceFile] {
        bundledMessageFiles.map { SourceFile(path: "rules/messages/\($0.name)", text: $0.text) }
    }
}
