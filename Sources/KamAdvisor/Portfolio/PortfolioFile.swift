import Foundation
import KamCSV
import KamRules

/// The portfolio of one or more partitions of a customer list, on disk, so that partitions
/// scored apart (on Spark executors, say) get exactly the figures one `kam score` over the
/// whole list would: every account's measure and id, sorted by measure descending and id
/// ascending. Partials merge by a streaming k-way merge; the merged file gives
/// `PortfolioFigures`.
///
/// Layout (little-endian): the 8 bytes `KAMPORT2`; the header (pack id, pack SHA-256,
/// measure name, id name, each a 4-byte length and UTF-8; rows read, rows not in the
/// portfolio (no readable measure, or no id: `AccountId`) and accounts, 8 bytes each); then each account as its measure's 8-byte
/// IEEE bits, a 2-byte id length and the id's bytes: 10 bytes plus the id per account.
/// The ids are needed whole: accounts with equal measures are ranked by id, and two
/// partitions may hold the same measure.
public enum PortfolioFile {
    public struct Header: Sendable, Equatable {
        public var packId: String
        public var packHash: String
        public var measure: String
        public var id: String
        /// Data rows read, and those not in the portfolio: no readable measure, or no id.
        public var rows: Int
        public var unreadable: Int
        public var accounts: Int

        public init(pack: RulePack, measure: String, id: String, rows: Int, unreadable: Int, accounts: Int) {
            self.init(packId: pack.id, packHash: pack.hash, measure: measure, id: id, rows: rows, unreadable: unreadable, accounts: accounts)
        }

        init(packId: String, packHash: String, measure: String, id: String, rows: Int, unreadable: Int, accounts: Int) {
            self.packId = packId
            self.packHash = packHash
            self.measure = measure
            self.id = id
            self.rows = rows
            self.unreadable = unreadable
            self.accounts = accounts
        }

        /// Why a file made with `other` cannot be used with this one, or nil.
        public func mismatch(_ other: Header) -> String? {
            if packHash != other.packHash { return "made with pack `\(other.packId)` (sha256 \(other.packHash.prefix(12))…), not `\(packId)` (sha256 \(packHash.prefix(12))…)" }
            if measure != other.measure || id != other.id { return "ranks by `\(other.measure)` and `\(other.id)`, not `\(measure)` and `\(id)`" }
            return nil
        }
    }

    public struct Account: Sendable, Equatable {
        public var measure: Double
        public var id: [UInt8]

        /// Largest measure first; equal measures by id, as bytes.
        public static func precedes(_ a: Account, _ b: Account) -> Bool {
            a.measure != b.measure ? a.measure > b.measure : a.id.lexicographicallyPrecedes(b.id)
        }
    }

    public enum Failure: Error, Sendable, CustomStringConvertible {
        case csv(CSVError)
        case io(String)
        case format(String)

        public var description: String {
            switch self {
            case .csv(let e): e.description
            case .io(let m), .format(let m): m
            }
        }
    }

    static let magic = Array("KAMPORT2".utf8)
    /// Format 1 counted rows without an id (totals lines) as accounts: its figures are wrong
    /// for such files, so it is refused rather than read.
    static let formerMagic = Array("KAMPORT1".utf8)

    // MARK: Partials

    /// The accounts of one customer list, from `first` (rows already read past the header)
    /// and then read on by `reader`: each row whose measure can be read (as `kam score` reads
    /// it: the dialect's numbers, the input's range) and whose id is an id (`AccountId`), with
    /// that id. Sorted. Lines of one id are one account, as `kam score` groups them (unless
    /// `group` is off): their measures combined by its `aggregate`, the first line's id kept,
    /// and the account left out when a line's measure cannot be read.
    public static func collect(
        _ first: [CSVRecord] = [], then reader: inout CSVReader, pack: RulePack, mapping: ColumnMapping, group: Bool = true
    ) throws(Failure) -> (header: Header, accounts: [Account]) {
        guard let measureName = pack.extras["portfolio"]?["measure"]?.string,
              let measure = mapping.bindings.first(where: { $0.input.name == measureName })
        else { throw .format("the pack `\(pack.id)` ranks no measure (its `portfolio.measure`), or the file has no column for it") }
        let idName = pack.extras["portfolio"]?["id"]?.string ?? ""
        let id = mapping.bindings.first { $0.input.name == idName }
        let membership = PortfolioMembership(measure: measure, id: id, dialect: reader.dialect)
        var lines: [(key: [UInt8], account: Account, decimals: Int)] = []
        var unreadableIds: Set<[UInt8]> = []
        var record = CSVRecord()
        var rows = 0, unreadable = 0
        var tooLong: Int?
        var given = first.makeIterator()
        do throws(CSVError) {
            while true {
                if let next = given.next() { record = next } else if try !reader.next(into: &record) { break }
                if record.ends.allSatisfy({ $0 == 0 }) { continue }  // a blank line, or delimiters only, is no row
                rows += 1
                let raw = id.flatMap { $0.column < record.count ? Array(record[$0.column]) : nil } ?? []
                guard let x = membership.measure(of: record) else {
                    unreadable += 1
                    if id != nil, !raw.isEmpty { raw.withUnsafeBufferPointer { if AccountId.isAccount($0) { unreadableIds.insert(LineGrouping.trimmed($0)) } } }
                    continue
                }
                if raw.count > Int(UInt16.max) { tooLong = record.line }
                let decimals = record.withCell(measure.column) { $0.map { LineCombiner.decimals($0, mark: reader.dialect.decimalSeparator) } ?? 0 }
                lines.append((raw.withUnsafeBufferPointer(LineGrouping.trimmed), Account(measure: x == 0 ? 0 : x, id: raw), decimals))
            }
        } catch {
            throw .csv(error)
        }
        if let line = tooLong { throw .format("line \(line): the id is longer than 65,535 bytes") }
        var accounts = try group && id != nil ? combined(lines, unreadableIds, measure.input) : lines.map(\.account)
        accounts.sort(by: Account.precedes)
        return (Header(pack: pack, measure: measureName, id: idName, rows: rows, unreadable: unreadable, accounts: accounts.count), accounts)
    }

    /// The lines of each id made one account, in the order of first lines, as the grouping
    /// pass makes them: the measure combined in line order, the first line's id.
    static func combined(_ lines: [(key: [UInt8], account: Account, decimals: Int)], _ unreadable: Set<[UInt8]>, _ measure: Input) throws(Failure) -> [Account] {
        var index: [[UInt8]: Int] = [:]
        var groups: [(account: Account, values: [Double], decimals: Int)] = []
        for (key, account, decimals) in lines {
            if let g = index[key] {
                groups[g].values.append(account.measure)
                groups[g].decimals = max(groups[g].decimals, decimals)
            } else {
                index[key] = groups.count
                groups.append((account, [account.measure], decimals))
            }
        }
        if groups.count == lines.count && unreadable.isEmpty { return lines.map(\.account) }
        var accounts: [Account] = []
        for group in groups {
            guard !unreadable.contains(Array(group.account.id).withUnsafeBufferPointer(LineGrouping.trimmed)) else { continue }
            guard group.values.count > 1 else {
                accounts.append(group.account)
                continue
            }
            let x: Double
            switch measure.aggregate {
            case .sum?: x = LineCombiner.rounded(group.values.reduce(0, +), group.decimals)
            case .mean?: x = group.values.reduce(0, +) / Double(group.values.count)
            case .max?: x = group.values.max()!
            case .min?: x = group.values.min()!
            case .first?: x = group.values[0]
            case .last?: x = group.values[group.values.count - 1]
            case .weightedMean?, nil:
                throw .format("account ids repeat (several lines per customer), and `\(measure.name)` does not say how lines combine by `sum`, `max`, `min`, `first`, `last` or `mean`")
            }
            accounts.append(Account(measure: x == 0 ? 0 : x, id: group.account.id))
        }
        return accounts
    }

    // MARK: Writing

    public static func encode(_ header: Header) -> [UInt8] {
        var out = magic
        for text in [header.packId, header.packHash, header.measure, header.id] {
            put(UInt64(text.utf8.count), 4, &out)
            out += Array(text.utf8)
        }
        for n in [header.rows, header.unreadable, header.accounts] { put(UInt64(n), 8, &out) }
        return out
    }

    public static func encode(_ account: Account, into out: inout [UInt8]) {
        put(account.measure.bitPattern, 8, &out)
        put(UInt64(account.id.count), 2, &out)
        out += account.id
    }

    private static func put(_ x: UInt64, _ width: Int, _ out: inout [UInt8]) {
        for k in 0..<width { out.append(UInt8(truncatingIfNeeded: x >> (8 * UInt64(k)))) }
    }

    // MARK: Reading

    /// Reads a portfolio file account by account, a megabyte at a time.
    public final class Reader {
        public private(set) var header = Header(packId: "", packHash: "", measure: "", id: "", rows: 0, unreadable: 0, accounts: 0)
        private let fd: Int32
        private let path: String
        private var buffer: [UInt8] = []
        private var at = 0
        private var eof = false
        public private(set) var read = 0

        public init(path: String) throws(Failure) {
            self.path = path
            fd = open(path, O_RDONLY)
            guard fd >= 0 else { throw .io("cannot read \(path): \(String(cString: strerror(errno)))") }
            let magic = try bytes(8)
            if magic == PortfolioFile.formerMagic {
                throw .format("\(path) was written by an earlier kam (portfolio format 1, which counted rows without an id, such as totals lines, as accounts)\nhelp: write it again with `kam portfolio`")
            }
            guard magic == PortfolioFile.magic else {
                throw .format("\(path) is not a kam portfolio file (made by `kam portfolio`)")
            }
            var texts: [String] = []
            for _ in 0..<4 {
                let n = try number(4)
                guard n < 1 << 20 else { throw .format("\(path): the header is damaged") }
                texts.append(String(decoding: try bytes(n), as: UTF8.self))
            }
            header = Header(packId: texts[0], packHash: texts[1], measure: texts[2], id: texts[3],
                            rows: try number(8), unreadable: try number(8), accounts: try number(8))
            // If any of this throws, deinit closes the descriptor: every property is set.
        }

        deinit { close(fd) }

        /// The next account, nil after the last; a file cut short is an error.
        public func next() throws(Failure) -> Account? {
            if read == header.accounts {
                if try !atEnd() { throw .format("\(path): more accounts than its header says (\(header.accounts))") }
                return nil
            }
            let bits = UInt64(try number(8))
            let id = try bytes(try number(2))
            read += 1
            return Account(measure: Double(bitPattern: bits), id: id)
        }

        private func atEnd() throws(Failure) -> Bool {
            if at < buffer.count { return false }
            try fill(1)
            return at >= buffer.count
        }

        private func number(_ width: Int) throws(Failure) -> Int {
            let b = try bytes(width)
            var x: UInt64 = 0
            for k in 0..<width { x |= UInt64(b[k]) << (8 * UInt64(k)) }
            guard x <= UInt64(Int.max) else { throw .format("\(path): a number in the file is damaged") }
            return Int(x)
        }

        private func bytes(_ n: Int) throws(Failure) -> [UInt8] {
            if buffer.count - at < n { try fill(n) }
            guard buffer.count - at >= n else { throw .format("\(path) is cut short (after \(read) of \(header.accounts) accounts)") }
            defer { at += n }
            return Array(buffer[at..<(at + n)])
        }

        private func fill(_ n: Int) throws(Failure) {
            buffer.removeFirst(at)
            at = 0
            while buffer.count < n && !eof {
                var chunk = [UInt8](repeating: 0, count: max(n, 1 << 20))
                let got = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress!, $0.count) }
                if got < 0 {
                    if errno == EINTR { continue }
                    throw .io("cannot read \(path): \(String(cString: strerror(errno)))")
                }
                if got == 0 { eof = true }
                buffer += chunk[..<got]
            }
        }
    }

    // MARK: Merging

    /// Merges sorted account streams into one, in order, handing each account to `emit`.
    /// Memory is one account per input, and the ids' hashes go to a scratch file: an id in
    /// two inputs means a customer's lines were cut across partitions, which no merge can
    /// mend, so it is an error naming the id and both files (the caller drops what it wrote).
    public static func merge(_ readers: [Reader], paths: [String], emit: (Account) throws(Failure) -> Void) throws(Failure) {
        let ids = RepeatedIds()
        var hashes: [UInt64] = []
        try merge(readers) { (account) throws(Failure) in
            hashes.append(account.id.withUnsafeBufferPointer { RepeatedIds.hash($0) })
            if hashes.count >= 1 << 16 {
                do throws(BatchFailure) { try ids.add(hashes) } catch { throw .io(error.description) }
                hashes.removeAll(keepingCapacity: true)
            }
            try emit(account)
        }
        let repeated: UInt64?
        do throws(BatchFailure) {
            try ids.add(hashes)
            repeated = try ids.firstRepeat(jobs: System.cores)
        } catch {
            throw .io(error.description)
        }
        guard let repeated else { return }
        var holders: [(path: String, id: [UInt8])] = []
        for path in paths {
            let reader = try Reader(path: path)
            while let account = try reader.next() {
                if account.id.withUnsafeBufferPointer({ RepeatedIds.hash($0) }) == repeated { holders.append((path, account.id)) }
            }
        }
        let id = holders.first.map { String(decoding: $0.id, as: UTF8.self) } ?? "?"
        let files = holders.map(\.path)
        throw .format("the account `\(id)` is in " + (Set(files).count > 1 ? "both \(files[0]) and \(files.first { $0 != files[0] }!)" : "\(files.first ?? "?") twice")
                      + ": a customer's lines must all lie in one partition (split the list by customer id), or its sales are counted twice")
    }

    /// Merges sorted account streams into one, in order.
    static func merge(_ readers: [Reader], emit: (Account) throws(Failure) -> Void) throws(Failure) {
        var heads: [Account?] = []
        for r in readers { heads.append(try r.next()) }
        while true {
            var best = -1
            for (i, head) in heads.enumerated() {
                guard let head else { continue }
                if best < 0 || Account.precedes(head, heads[best]!) { best = i }
            }
            if best < 0 { return }
            try emit(heads[best]!)
            heads[best] = try readers[best].next()
        }
    }

    // MARK: Figures

    /// The figures of the portfolio file at `path` for scoring with `pack`: refused when the
    /// file was written with another pack, whose measure or ranking may differ.
    public static func figures(path: String, for pack: RulePack) throws(Failure) -> PortfolioFigures {
        let reader = try Reader(path: path)
        let header = reader.header
        guard header.packHash == pack.hash else {
            throw .format("\(path) was made with pack `\(header.packId)` (sha256 \(header.packHash.prefix(12))…), not the `\(pack.id)` being run (sha256 \(pack.hash.prefix(12))…)\nhelp: write the portfolio again with the same --rules")
        }
        guard let figures = try figures(reader) else {
            throw .format("\(path): the accounts' `\(header.measure)` add up to no positive total")
        }
        return figures
    }

    /// The portfolio figures of a merged file (or of a single partial, for one partition).
    public static func figures(_ reader: Reader) throws(Failure) -> PortfolioFigures? {
        var values: [Double] = [], counts: [Int32] = []
        var tied: [(group: Int, id: [UInt8])] = []  // the accounts of groups of two or more, in order
        var previous: Account?
        var groupStart: Account?
        while let account = try reader.next() {
            if let p = previous, Account.precedes(account, p) {
                throw .format("the accounts of the portfolio file are out of order; was it written by `kam portfolio`?")
            }
            if let v = values.last, v == account.measure {
                counts[counts.count - 1] += 1
                if counts[counts.count - 1] == 2, let first = groupStart { tied.append((values.count - 1, first.id)) }
                tied.append((values.count - 1, account.id))
            } else {
                values.append(account.measure)
                counts.append(1)
                groupStart = account
            }
            previous = account
        }
        guard var figures = PortfolioFigures(descending: values, counts: counts) else { return nil }
        if figures.hasTies {
            var builder = figures.tieBuilder()
            for (g, id) in tied { builder.add(group: Int32(g), key: PortfolioFigures.key(id)) }
            let colliding = Set(figures.setTies(&builder))
            if !colliding.isEmpty {
                var whole: [Int: [[UInt8]]] = [:]
                for (g, id) in tied where colliding.contains(g) { whole[g, default: []].append(id) }
                figures.setWholeIds(whole)
            }
        }
        return figures
    }
}
