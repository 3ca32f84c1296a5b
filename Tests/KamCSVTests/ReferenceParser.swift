@testable import KamCSV

/// A deliberately plain CSV reader (whole input in memory, one byte at a time, strings
/// built as it goes) with the same rules as `CSVParser`, to check the fast one against.
struct ReferenceRecord: Equatable, CustomStringConvertible {
    var fields: [[UInt8]]
    var line: Int
    var byteOffset: Int
    var description: String { "\(line)@\(byteOffset) \(fields.map { String(decoding: $0, as: UTF8.self) })" }
}

enum ReferenceParser {
    struct Unterminated: Error, Equatable {
        var line: Int
        var byteOffset: Int
    }

    static func parse(_ s: [UInt8], delimiter: UInt8 = UInt8(ascii: ","), quote: UInt8 = UInt8(ascii: "\"")) -> Result<[ReferenceRecord], Unterminated> {
        let CR: UInt8 = 13, LF: UInt8 = 10
        var records: [ReferenceRecord] = []
        var i = 0
        var line = 1
        let n = s.count
        func endLine() {
            line += 1
            if s[i] == CR && i + 1 < n && s[i + 1] == LF { i += 2 } else { i += 1 }
        }
        while i < n {
            let record = ReferenceRecord(fields: [], line: line, byteOffset: i)
            var fields: [[UInt8]] = []
            if s[i] == CR || s[i] == LF {
                endLine()
                records.append(ReferenceRecord(fields: [[]], line: record.line, byteOffset: record.byteOffset))
                continue
            }
            fieldLoop: while true {
                var field: [UInt8] = []
                if i < n && s[i] == quote {
                    let openLine = line, openOffset = i
                    i += 1
                    while true {
                        if i == n { return .failure(Unterminated(line: openLine, byteOffset: openOffset)) }
                        let c = s[i]
                        if c == quote {
                            if i + 1 < n && s[i + 1] == quote { field.append(quote); i += 2; continue }
                            i += 1
                            break
                        }
                        if c == CR || (c == LF && s[i - 1] != CR) { line += 1 }
                        field.append(c)
                        i += 1
                    }
                }
                while i < n && s[i] != delimiter && s[i] != CR && s[i] != LF {
                    field.append(s[i])
                    i += 1
                }
                fields.append(field)
                if i == n { break fieldLoop }
                if s[i] == delimiter {
                    i += 1
                    if i == n { fields.append([]); break fieldLoop }
                    continue fieldLoop
                }
                endLine()
                break fieldLoop
            }
            records.append(ReferenceRecord(fields: fields, line: record.line, byteOffset: record.byteOffset))
        }
        return .success(records)
    }
}

/// Reads everything with the real reader into the reference's shape.
func readAllRecords(_ reader: inout CSVReader) -> Result<[ReferenceRecord], CSVError> {
    var out: [ReferenceRecord] = []
    var record = CSVRecord(capacity: 1, fieldCapacity: 1)
    do {
        while try reader.next(into: &record) {
            out.append(ReferenceRecord(fields: (0..<record.count).map { Array(record[$0]) },
                                       line: record.line, byteOffset: record.byteOffset))
        }
    } catch {
        return .failure(error)
    }
    return .success(out)
}
