import KamCSV
import KamRules

/// Reads one amount per customer (our sales to it) from a customer list, for the
/// concentration figures. Every row that cannot be read is reported with its line; none is
/// dropped silently.
public enum CustomerAmounts {
    public struct Problem: Sendable {
        public let line: Int
        public let message: String
    }

    public struct Result: Sendable {
        public let column: String
        public let amounts: [Double]
        public let problems: [Problem]
    }

    public enum Failure: Error, Sendable, CustomStringConvertible {
        case csv(CSVError)
        case noColumn(headers: [String], wanted: [String])
        case empty(path: String)

        public var description: String {
            switch self {
            case .csv(let error): return error.description
            case .noColumn(let headers, let wanted):
                return "cannot find the column of our sales to each customer; looked for \(wanted.prefix(8).map { "`\($0)`" }.joined(separator: ", ")) among \(headers.map { "`\($0)`" }.joined(separator: ", "))"
            case .empty(let path): return "\(path) has a header but no customers"
            }
        }
    }

    /// The headers that name our sales to a customer: the account pack's measure and its aliases.
    public static func measureNames(in pack: RulePack?) -> [String] {
        guard let pack, let measure = pack.extras["portfolio"]?["measure"]?.string, let input = pack.input(named: measure) else {
            return []
        }
        return [input.name] + input.aliases
    }

    public static func read(path: String, column wanted: [String], encoding: CSVEncoding? = nil, dialect: CSVDialect? = nil)
        -> Swift.Result<Result, Failure>
    {
        do throws(CSVError) {
            var reader = try CSVReader(path: path, dialect: dialect, encoding: encoding)
            var record = CSVRecord()
            guard try reader.next(into: &record) else { return .failure(.empty(path: path)) }
            let headers = record.strings
            let keys = wanted.map(HeaderKey.normalize)
            guard let index = headers.firstIndex(where: { keys.contains(HeaderKey.normalize($0)) }) else {
                return .failure(.noColumn(headers: headers, wanted: wanted))
            }
            var amounts: [Double] = []
            var problems: [Problem] = []
            while try reader.next(into: &record) {
                if record.count == 1 && record.string(at: 0).isEmpty { continue }  // a blank line
                guard index < record.count else {
                    problems.append(Problem(line: record.line, message: "the row has \(record.count) fields; `\(headers[index])` is field \(index + 1)"))
                    continue
                }
                guard let x = CSVNumber.parse(record, at: index, dialect: reader.dialect), x.isFinite else {
                    problems.append(Problem(line: record.line, message: "`\(headers[index])` is \"\(record.string(at: index))\", not a number"))
                    continue
                }
                guard x >= 0 else {
                    problems.append(Problem(line: record.line, message: "`\(headers[index])` is negative (\(record.string(at: index))); sales to a customer cannot be"))
                    continue
                }
                amounts.append(x)
            }
            if amounts.isEmpty && problems.isEmpty { return .failure(.empty(path: path)) }
            return .success(Result(column: headers[index], amounts: amounts, problems: problems))
        } catch {
            return .failure(.csv(error))
        }
    }
}
