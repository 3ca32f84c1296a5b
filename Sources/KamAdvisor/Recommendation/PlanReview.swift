import KamRules
import KamSource

/// A previous report's plan targets for its key accounts against what this run's list says
/// they did (the account plan's controls: KPIs against target, kam-facts.md (g)).
public struct PlanReview: Sendable {
    public enum Status: String, Sendable {
        case ahead, met, behind
        /// This run's list has no figure for it.
        case unknown
    }

    public struct Line: Sendable {
        public let target: Double
        public let actual: Double?
        public let status: Status
    }

    public struct Account: Sendable {
        public let id: String
        public let name: String
        public let sales: Line?
        public let shareOfWalletPct: Line?
        public let contribution: Line?
        /// This run's view of the account; nil when the list no longer has it.
        public let now: AccountView?
        /// How often its plan is reviewed now (the pack's cadence for its most severe risk),
        /// and the risks firing now: what the controls say to do about a gap.
        public let cadence: String?
        public let risks: [String]

        public var behind: Bool { [sales, shareOfWalletPct, contribution].contains { $0?.status == .behind } }
    }

    public let file: String
    public let accounts: [Account]

    /// A previous report's key accounts and their targets, as `kam report --format json` wrote them.
    public struct Previous: Sendable {
        let file: String
        let accounts: [(id: String, name: String, sales: Double?, wallet: Double?, contribution: Double?)]
        public var ids: Set<String> { Set(accounts.map(\.id)) }
    }

    public static func read(_ source: SourceFile) -> Result<Previous, DiffFailure> {
        guard case .success(let root) = JSON5Reader.read(source), let candidates = root["candidates"]?.array else {
            return .failure(.refused("\(source.path) is not a report kam report --format json wrote (it has no `candidates`)"))
        }
        let accounts = candidates.compactMap { c -> (String, String, Double?, Double?, Double?)? in
            guard let id = c["id"]?.string else { return nil }
            let targets = c["plan"]?["targets"]
            return (id.trimmingSpaces, c["name"]?.string ?? id, targets?["sales"]?.number, targets?["share_of_wallet_pct"]?.number,
                    targets?["contribution"]?.number)
        }
        return .success(Previous(file: source.path, accounts: accounts))
    }

    /// Ahead is 5% over a money target or 2 points over a share-of-wallet target [O]: less
    /// is within a year's noise; met is the target or more; behind is less.
    public static func review(_ previous: Previous, _ review: CustomerReview) -> PlanReview {
        let now = Dictionary(review.accounts.map { ($0.id.trimmingSpaces, $0) }, uniquingKeysWith: { a, _ in a })
        func line(_ target: Double?, _ actual: Double?, ahead: (Double) -> Double) -> Line? {
            guard let target else { return nil }
            guard let actual else { return Line(target: target, actual: nil, status: .unknown) }
            return Line(target: target, actual: actual, status: actual >= ahead(target) ? .ahead : actual >= target ? .met : .behind)
        }
        let accounts = previous.accounts.map { p -> Account in
            let a = now[p.id]
            let worst = a?.trace.risks.compactMap(\.severity).max()
            return Account(id: p.id, name: a?.name ?? p.name,
                           sales: line(p.sales, a?.sales) { $0 * 1.05 }, shareOfWalletPct: line(p.wallet, a?.shareOfWalletPct) { $0 + 2 },
                           contribution: line(p.contribution, a?.contribution) { $0 >= 0 ? $0 * 1.05 : $0 * 0.95 }, now: a,
                           cadence: a.flatMap { _ in review.fields.reviewCadence[worst?.rawValue ?? "none"] },
                           risks: a?.trace.risks.map { $0.title ?? $0.id } ?? [])
        }
        return PlanReview(file: previous.file, accounts: accounts)
    }
}
