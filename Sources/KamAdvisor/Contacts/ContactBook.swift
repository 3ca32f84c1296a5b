import KamCSV
import KamRules

/// A contacts file read for the report: who of the customer's people we know at each
/// account, in which buying-centre role, held by whom of ours, how strongly, and when we last
/// spoke. A row that cannot be read in full is kept as far as it can be and named with its
/// line; a row that names no account or no person is left out and named.
public struct ContactBook: Sendable {
    /// One person at one account, merged over the file's rows (a contact matrix writes one
    /// row per pair of people).
    public struct Person: Sendable {
        public let name: String
        /// Role ids, in the pack's order.
        public internal(set) var roles: [String]
        public internal(set) var owners: [String]
        public internal(set) var strength: Double?
        public internal(set) var lastContact: CalendarDay?
        /// The first line the person appears on.
        public let line: Int
        /// A role cell named a role no pack role matches: the person's roles are not known.
        public internal(set) var roleUnknown = false
    }

    public struct Problem: Sendable, Equatable {
        /// Nil for a problem of the file as a whole.
        public let line: Int?
        public let message: String
    }

    public let path: String
    /// Data rows read (the header and title lines not counted).
    public let rows: Int
    /// By account id (spaces trimmed), the people in file order.
    public let accounts: [String: [Person]]
    /// The day "days since the last contact" counts to: `--as-of`, else the latest contact in
    /// the file; nil when the file has no dates.
    public let asOf: CalendarDay?
    public let asOfGiven: Bool
    /// The line whose date is the report's date, when the file's latest contact sets it.
    public let asOfLine: Int?
    /// The columns the file has; a fact whose column is missing stays unknown.
    public let columns: Set<BuyingCentreSpec.Column>
    public let problems: [Problem]

    /// Why a contacts file cannot be used at all.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public let description: String
        public let help: String?
        public let csv: CSVError?
    }

    /// `shownAs` names the file in the book (a workbook's sheet is read through a CSV copy).
    public static func read(path: String, shownAs: String? = nil, spec: BuyingCentreSpec, asOf: CalendarDay?, encoding: CSVEncoding?)
        throws(Failure) -> ContactBook
    {
        var records: [(line: Int, fields: [String])] = []
        do throws(CSVError) {
            var reader = try CSVReader(path: path, encoding: encoding)
            var record = CSVRecord()
            while try reader.next(into: &record) { records.append((record.line, record.strings)) }
        } catch {
            var error = error
            error.path = nil
            error.encodingOption = "--contacts-encoding"
            throw Failure(description: "\(error)", help: nil, csv: error)
        }
        // The header is the first of the first lines that names an account and a person
        // column; the lines above it are a title.
        var found: (index: Int, at: [BuyingCentreSpec.Column: Int])?
        for (index, record) in records.prefix(10).enumerated() {
            let keys = record.fields.map(HeaderKey.normalize)
            var at: [BuyingCentreSpec.Column: Int] = [:]
            for column in BuyingCentreSpec.Column.allCases {
                if let i = keys.firstIndex(where: spec.names(of: column).contains) { at[column] = i }
            }
            if at[.account] != nil, at[.person] != nil {
                found = (index, at)
                break
            }
        }
        guard let (headerIndex, at) = found else {
            let first = records.first.map { $0.fields.map { "`\($0)`" }.joined(separator: ", ") } ?? "none: the file is empty"
            throw Failure(
                description: "no header with an account column and a person column in the first lines (the first line's columns: \(first))",
                help: "name them as the pack does: account \(spec.labels(of: .account).prefix(4).joined(separator: ", ")); person \(spec.labels(of: .person).prefix(4).joined(separator: ", "))",
                csv: nil)
        }
        let width = records[headerIndex].fields.count
        let rows = records[(headerIndex + 1)...].filter { !$0.fields.allSatisfy { $0.trimmingSpaces.isEmpty } }
        func cell(_ row: (line: Int, fields: [String]), _ column: BuyingCentreSpec.Column) -> String {
            guard let i = at[column], i < row.fields.count else { return "" }
            return row.fields[i].trimmingSpaces
        }

        // The order of A/B/YYYY dates is the file's: settle it over every date first.
        let dates = at[.lastContact] == nil ? [] : rows.map { cell($0, .lastContact) }
        let (order, mixed) = CalendarDay.slashOrder(of: dates)
        if mixed {
            throw Failure(description: "the last-contact dates mix day-first (31/01/2026) and month-first (01/31/2026) forms, so none can be read safely",
                          help: "write them as 2026-01-31 (ISO) or 31.01.2026", csv: nil)
        }
        if order == nil, let ambiguous = dates.first(where: { $0.contains("/") && CalendarDay.parse($0) == nil && CalendarDay.parse($0, slashes: .dayFirst) != nil }) {
            throw Failure(description: "dates such as \(ambiguous) can be read day first or month first, and no date in the file tells which",
                          help: "write them as 2026-04-03 (ISO) or 03.04.2026", csv: nil)
        }

        var accounts: [String: [Person]] = [:]
        var problems: [Problem] = []
        var dated: [(day: CalendarDay, line: Int)] = []
        for row in rows {
            if row.fields.count != width, !(row.fields.count > width && row.fields[width...].allSatisfy({ $0.trimmingSpaces.isEmpty })) {
                problems.append(Problem(line: row.line, message: "\(row.fields.count) fields where the header has \(width); "
                    + (row.fields.count < width ? "the missing ones are read as empty" : "the extra ones are not read")))
            }
            let id = cell(row, .account), name = cell(row, .person)
            if id.isEmpty || AccountId.classify(CSVRecord([id]), column: 0) != .id {
                problems.append(Problem(line: row.line, message: id.isEmpty ? "no account id; the row is left out" : "`\(id)` is a totals label, not an account; the row is left out"))
                continue
            }
            guard !name.isEmpty else {
                problems.append(Problem(line: row.line, message: "no person named; the row is left out"))
                continue
            }
            var roles: [String] = []
            var roleUnknown = false
            for word in cell(row, .role).split(whereSeparator: { ",;/".contains($0) }).map({ String($0).trimmingSpaces }) where !word.isEmpty {
                if let role = spec.role(named: word) {
                    roles.append(role.id)
                } else {
                    roleUnknown = true
                    problems.append(Problem(line: row.line, message: "role `\(word)` is none of the buying-centre roles (\(spec.roles.map(\.title).joined(separator: ", "))); the contact counts, its role is unknown"))
                }
            }
            var strength: Double?
            let strengthText = cell(row, .strength)
            if !strengthText.isEmpty {
                if let x = CSVNumber.parse(strengthText) ?? CSVNumber.parse(strengthText, dialect: CSVDialect(delimiter: 59, decimalSeparator: 44)), x >= 1, x <= 5 {
                    strength = x
                } else if let x = spec.strength(of: strengthText) {
                    strength = x
                } else {
                    problems.append(Problem(line: row.line, message: "strength `\(strengthText)` is neither 1 to 5 nor a word the pack knows; the contact counts without it"))
                }
            }
            var day: CalendarDay?
            let dateText = cell(row, .lastContact)
            if !dateText.isEmpty {
                day = CalendarDay.parse(dateText, slashes: order)
                if day == nil {
                    problems.append(Problem(line: row.line, message: "last contact `\(dateText)` is no date (write 2026-11-30 or 30.11.2026); the contact counts without it"))
                }
            }
            if let day { dated.append((day, row.line)) }
            let owner = cell(row, .owner)
            var people = accounts[id] ?? []
            let key = Input.fold(name)
            if let k = people.firstIndex(where: { Input.fold($0.name) == key }) {
                people[k].merge(roles: roles, owner: owner, strength: strength, day: day, order: spec.roles.map(\.id))
                people[k].roleUnknown = people[k].roleUnknown || roleUnknown
            } else {
                var person = Person(name: name, roles: [], owners: [], strength: nil, lastContact: nil, line: row.line, roleUnknown: roleUnknown)
                person.merge(roles: roles, owner: owner, strength: strength, day: day, order: spec.roles.map(\.id))
                people.append(person)
            }
            accounts[id] = people
        }
        guard !accounts.isEmpty else {
            throw Failure(description: rows.isEmpty ? "no contact rows below the header" : "none of its \(rows.count) rows names both an account and a person",
                          help: "a contacts file has one row per person at an account; leave out --contacts to report without one", csv: nil)
        }
        dated.sort { $0.day != $1.day ? $0.day > $1.day : $0.line < $1.line }
        if let asOf, let latest = dated.first, latest.day > asOf {
            problems.append(Problem(line: latest.line, message: "contacts as late as \(latest.day) are after the report's date \(asOf); they count as contacts on that date"))
        }
        // Without --as-of the latest contact is the report's date, and one mistyped year would
        // move every count: a latest date far from all the others is refused, not followed.
        if asOf == nil, dated.count >= 2, dated[0].day.days - dated[1].day.days > Self.loneDateDays {
            throw Failure(description: "the latest last contact, \(dated[0].day) on line \(dated[0].line), is \(dated[0].day.days - dated[1].day.days) days after every other; "
                + "as the report's date it would make every other account look neglected",
                          help: "correct that date, or give the report's date with --as-of DATE", csv: nil)
        }
        return ContactBook(path: shownAs ?? path, rows: rows.count, accounts: accounts, asOf: asOf ?? dated.first?.day, asOfGiven: asOf != nil,
                           asOfLine: asOf == nil ? dated.first?.line : nil, columns: Set(at.keys), problems: problems)
    }

    /// How far the latest contact may lie beyond every other before it is taken for a typing
    /// mistake (a year or a month mistyped) rather than the report's date [O]: half a year.
    static let loneDateDays = 183

    /// The buying centre of the account with `id`: nobody known when the file does not name it.
    public func buyingCentre(of id: String, spec: BuyingCentreSpec) -> BuyingCentre {
        BuyingCentre(people: accounts[id.trimmingSpaces] ?? [], book: self, spec: spec)
    }
}

extension ContactBook.Person {
    mutating func merge(roles more: [String], owner: String, strength s: Double?, day: CalendarDay?, order: [String]) {
        roles = order.filter { roles.contains($0) || more.contains($0) }
        if !owner.isEmpty, !owners.contains(where: { Input.fold($0) == Input.fold(owner) }) { owners.append(owner) }
        if let s { strength = max(strength ?? s, s) }
        if let day { lastContact = max(lastContact ?? day, day) }
    }
}
