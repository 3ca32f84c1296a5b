import KamCSV
import KamRules

/// Which accounts of a contacts file the customer list has. Checked against the whole list,
/// not only the accounts a report holds, so a file that names small accounts only is not
/// mistaken for one with foreign ids; and an id that matches only when case and spaces are
/// ignored is named, never used quietly.
public struct ContactMatch: Sendable {
    /// Contacts-file ids found in the customer list.
    public let found: Int
    /// Ids not in the list, in file order of first sight (sorted), each with the list's id it
    /// matches when case and spaces are ignored, if one does.
    public let missing: [(id: String, near: String?)]
    /// A few ids of the customer list, to show beside the file's when nothing matches.
    public let listExamples: [String]

    /// Reads the id column of the customer list once.
    static func check(_ book: ContactBook, customers path: String, idColumn: Int, dialect: CSVDialect, encoding: CSVEncoding?,
                      headerRecords: Int) throws(CSVError) -> ContactMatch
    {
        let wanted = Set(book.accounts.keys)
        let folded = Dictionary(wanted.map { (fold($0), $0) }, uniquingKeysWith: { a, _ in a })
        var seen = Set<String>(), near: [String: String] = [:], examples: [String] = []
        var reader = try CSVReader(path: path, dialect: dialect, encoding: encoding)
        var record = CSVRecord()
        var index = 0
        while try reader.next(into: &record) {
            index += 1
            guard index > headerRecords, idColumn < record.count else { continue }
            let id = record.string(at: idColumn).trimmingSpaces
            guard !id.isEmpty else { continue }
            if examples.count < 3 { examples.append(id) }
            if wanted.contains(id) {
                seen.insert(id)
            } else if let theirs = folded[fold(id)], near[theirs] == nil {
                near[theirs] = id
            }
        }
        let missing = wanted.subtracting(seen).sorted().map { (id: $0, near: near[$0]) }
        return ContactMatch(found: seen.count, missing: missing, listExamples: examples)
    }

    private static func fold(_ id: String) -> String { String(id.lowercased().filter { !$0.isWhitespace }) }
}
