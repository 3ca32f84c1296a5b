import Foundation
import KamCSV
import KamRules
import KamSource

/// Which of a customer list's first records is its header. Excel and 1C reports put a title
/// above it (`Отчёт по продажам за 2025 год`, `Период: 2025 г.`, a blank line); the header is
/// the first record whose cells map every required input of the pack, and the records above
/// it are title lines — provided they look like titles (at most half as many filled cells as
/// the header, or one), for a header found below rows of data is a sign of a file misread,
/// not of a title. Where no record maps, the header is the first record as wide as the rows
/// (past one-cell titles), and the mapping says what is missing.
public struct HeaderChoice: Sendable {
    /// How the header is chosen: found, or given by the user.
    public enum Rule: Sendable, Equatable {
        case find
        /// `--skip-lines N`: the header is the record after the first N.
        case skip(Int)
        /// `--header-line N`: the header is the record that starts on line N.
        case line(Int)
    }

    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        case empty
        case noLine(Int, last: Int)
        case pastTheStart(limit: Int)
        case dataAbove(headerLine: Int, dataLine: Int)

        public var description: String {
            switch self {
            case .empty: "the file is empty"
            case .noLine(let n, let last): "no record starts on line \(n) (the first records end on line \(last))"
            case .pastTheStart(let limit): "the header must be within the first \(limit) records"
            case .dataAbove(let header, let data):
                "the header seems to be on line \(header), but line \(data) above it looks like a row of data, not a title; "
                    + "say where the header is with --header-line N"
            }
        }
    }

    /// Records looked at for a header, and the most a user may skip.
    public static let limit = 50

    /// The header's index among the records, and so how many records come before the rows.
    public let index: Int
    public let line: Int
    public let headers: [String]
    /// The title lines above the header: line and text (cells joined), blank ones left out.
    public let titles: [(line: Int, text: String)]

    public var recordsBeforeRows: Int { index + 1 }

    /// The header among `records` (the file's first records, with the line each starts on).
    /// `mapped` says whether a record would serve as the header (maps every required input).
    public static func choose(
        _ records: [(line: Int, fields: [String])], rule: Rule, mapped: ([String]) -> Bool
    ) -> Result<HeaderChoice, Failure> {
        guard !records.isEmpty else { return .failure(.empty) }
        let index: Int
        switch rule {
        case .skip(let n):
            guard n < records.count else { return .failure(n >= limit ? .pastTheStart(limit: limit) : .empty) }
            index = n
        case .line(let n):
            guard let i = records.firstIndex(where: { $0.line == n }) else {
                return .failure(.noLine(n, last: records.last!.line))
            }
            index = i
        case .find:
            if mapped(records[0].fields) {
                index = 0
            } else if let found = records.indices.dropFirst().first(where: { mapped(records[$0].fields) }) {
                let width = filled(records[found].fields)
                if let data = records[..<found].first(where: { looksLikeData(filled($0.fields), width) }) {
                    return .failure(.dataAbove(headerLine: records[found].line, dataLine: data.line))
                }
                index = found
            } else {
                // No record maps: the header is the first that is as wide as the rows, so the
                // mapping's errors name the real columns, not a title's.
                let widest = records.map { filled($0.fields) }.max() ?? 0
                index = records.firstIndex { looksLikeData(filled($0.fields), widest) } ?? 0
            }
        }
        let titles = records[..<index].compactMap { record -> (line: Int, text: String)? in
            let text = record.fields.filter { !$0.isEmpty }.joined(separator: " ")
            return text.isEmpty ? nil : (record.line, text)
        }
        return .success(HeaderChoice(index: index, line: records[index].line, headers: records[index].fields, titles: titles))
    }

    /// Whether a record with `cells` filled cells is a row (or header) rather than a title,
    /// beside a header or row of `width` filled cells: two or more, and more than half.
    static func looksLikeData(_ cells: Int, _ width: Int) -> Bool { cells >= 2 && 2 * cells > width }

    static func filled(_ fields: [String]) -> Int {
        fields.count { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
    }
}
