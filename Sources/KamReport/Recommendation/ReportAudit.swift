import KamRules

/// What a report was made from, for its appendix: a decision can be traced to the exact
/// files and rules behind it.
public struct ReportAudit: Sendable {
    public struct InputFile: Sendable {
        public let role: String
        public let path: String
        public let sha256: String
        public let bytes: Int
        /// Data rows read, for a customer list.
        public let rows: Int?

        public init(role: String, path: String, sha256: String, bytes: Int, rows: Int?) {
            self.role = role
            self.path = path
            self.sha256 = sha256
            self.bytes = bytes
            self.rows = rows
        }
    }

    public let kamVersion: String
    public let packs: [RulePack]
    public let inputs: [InputFile]

    public init(kamVersion: String, packs: [RulePack], inputs: [InputFile]) {
        self.kamVersion = kamVersion
        self.packs = packs
        self.inputs = inputs
    }
}
