import Foundation
import KamCSV

/// Every account's portfolio figures, found a chunk at a time from the spill of pass 1.
///
/// At millions of accounts, placing one is a chain of dependent cache misses: its bucket, its
/// group among the distinct measures, the sums before it, its place among tied ids. Placed
/// one by one inside the scoring of each row, nothing overlapped them, and they were a
/// quarter of the run. Two ways avoid that:
/// - up to `BatchOptions.sortedPlacementLimit` accounts, all of them are placed before
///   scoring, by one sort of the spill by measure (`PortfolioFigures.sorted`), and a chunk
///   copies its own;
/// - beyond it, where the sort and its results would take more memory than the run may, a
///   scoring worker reads its chunk's measures and id keys back from the spill (16 bytes an
///   account, in file order) and places them all together with
///   `PortfolioFigures.accounts(pairs:)`, whose look-ups overlap their misses; where the
///   ties step found every account's group, it is read back beside them, and not searched
///   for again.
final class Placements: @unchecked Sendable {
    private let spill: KeySpill
    private let figures: PortfolioFigures
    /// Every account's figures in file order, when they were placed by the sort.
    private let placed: [PortfolioFigures.Placed]?
    /// Where each chunk's accounts start in the spill, by chunk ordinal in file order, with
    /// the total last.
    private let starts: [Int]

    /// `placed`: every account's figures in file order, from `sorted`.
    init(_ spill: KeySpill, _ figures: PortfolioFigures, chunkCounts: [Int], placed: [PortfolioFigures.Placed]?) {
        self.spill = spill
        self.figures = figures
        var starts = [0]
        for n in chunkCounts { starts.append(starts.last! + n) }
        self.starts = starts
        self.placed = placed
    }

    /// The figures, and every account's own, by one sort of the spill's `count` accounts
    /// (`PortfolioFigures.sorted`); nil where they cannot be found that way (a negative
    /// measure, a spill that cannot be mapped), or the spill does not hold as many accounts.
    static func sorted(_ spill: KeySpill, count n: Int, ids: Bool, jobs: Int) -> PortfolioFigures.Sorted? {
        let entries = UnsafeMutableBufferPointer<PortfolioFigures.SortEntry>.allocate(capacity: n)
        defer { entries.deallocate() }
        let read = spill.withPairs { pairs -> Bool in
            guard pairs.count == 2 * n else { return false }
            // On every core: the entries are fresh pages, and each costs the kernel a fault.
            let shared = Build(entries: entries, pairs: pairs), jobs = max(1, jobs)
            _ = Parallel.map(jobs, jobs: jobs) { (part: Int, _: Int) -> Void in
                for p in (n * part / jobs)..<(n * (part + 1) / jobs) {
                    shared.entries.initializeElement(at: p, to: .init(measure: shared.pairs[2 * p], key: shared.pairs[2 * p + 1], index: p))
                }
            }
            return true
        }
        guard read == true else { return nil }
        return PortfolioFigures.sorted(entries, ids: ids, long: spill.longIds, jobs: jobs)
    }

    /// The spill's pairs and the entries made from them, each thread writing its own range.
    private struct Build: @unchecked Sendable {
        let entries: UnsafeMutableBufferPointer<PortfolioFigures.SortEntry>
        let pairs: UnsafeBufferPointer<UInt64>
    }

    /// A worker's room for what it reads back from the spill for a chunk, kept from chunk to
    /// chunk: a chunk's are a few hundred kilobytes, and new ones each time were fresh pages
    /// for the kernel to zero.
    struct Room {
        var pairs: [UInt64] = []
        var groups: [Int32] = []
    }

    /// The figures of chunk `ordinal`'s accounts (its rows whose measure pass 1 read), in
    /// order, into `accounts`; nil for one that only its whole id can place (its tied group
    /// holds ids that share their first eight bytes). `accounts` and `room` are a worker's.
    func accounts(chunk ordinal: Int, path: String, into accounts: inout [PortfolioFigures.Account?], room: inout Room) throws(CSVError) {
        guard ordinal + 1 < starts.count else { throw CSVError(.changed, path: path) }  // the file has grown
        let range = starts[ordinal]..<starts[ordinal + 1]
        if let placed {
            let n = figures.accounts
            accounts.removeAll(keepingCapacity: true)
            for p in range { accounts.append(placed[p].account(of: n)) }
            return
        }
        let grouped = spill.hasGroups
        do {
            try spill.pairs(range, into: &room.pairs)
            if grouped { try spill.groups(range, into: &room.groups) }
        } catch {
            throw CSVError(.io(errno: EIO, operation: "reading the id keys back from a temporary file"))
        }
        accounts.removeAll(keepingCapacity: true)
        accounts.append(contentsOf: repeatElement(nil, count: range.count))
        accounts.withUnsafeMutableBufferPointer { accounts in
            room.pairs.withUnsafeBufferPointer { pairs in
                room.groups.withUnsafeBufferPointer { groups in
                    figures.accounts(pairs: pairs, groups: grouped ? groups : nil) { p, account in accounts[p] = account }
                }
            }
        }
    }
}
