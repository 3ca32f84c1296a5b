import KamSource

/// What made a scored run, from the `--summary` file `kam score` wrote beside it: the pack's
/// id, version and hash, and how many rows the run scored. A scored list carries no pack
/// identity of its own, so this is how a diff knows which rules it compares.
public struct RunProvenance: Sendable, Equatable {
    public let packId: String
    public let version: String
    public let hash: String
    /// Accounts the run scored (lines grouped by id count once).
    public let accounts: Int

    /// Reads a summary; the reason when it is not one.
    public static func read(_ file: SourceFile) -> Result<RunProvenance, DiffFailure> {
        guard case .success(let root) = JSON5Reader.read(file) else {
            return .failure(.refused("\(file.path) is not a summary kam score wrote (it does not parse as JSON)"))
        }
        guard let rules = root["rules"], let id = rules["id"]?.string, let version = rules["version"]?.string,
              let hash = rules["sha256"]?.string, let count = root["accounts"]?.number ?? root["scored"]?.number,
              let accounts = Int(exactly: count), accounts >= 0
        else { return .failure(.refused("\(file.path) is not a summary kam score wrote (it lacks `rules` or a whole count of `accounts`)")) }
        return .success(RunProvenance(packId: id, version: version, hash: hash, accounts: accounts))
    }

    /// Why the two runs cannot be compared: made with packs of different ids.
    public static func refusal(old: RunProvenance, new: RunProvenance) -> String? {
        guard old.packId != new.packId else { return nil }
        return "the runs were made with different packs, `\(old.packId)` \(old.version) and `\(new.packId)` \(new.version): "
            + "their tiers and classes do not mean the same; compare runs of one pack"
    }
}
