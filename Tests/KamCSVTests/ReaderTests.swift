import Foundation
import KamTestSupport
import Testing
@testable import KamCSV

private func read(_ text: String, options: CSVReader.Options = .init(), limits: CSVLimits = .init()) throws -> [[String]] {
    var reader = CSVReader(bytes: Array(text.utf8), dialect: .comma, limits: limits, options: options)
    return try reader.readAll()
}

private func error(_ text: String, options: CSVReader.Options = .init(), limits: CSVLimits = .init()) -> CSVError? {
    do { _ = try read(text, options: options, limits: limits); return nil } catch { return error as? CSVError }
}

/// A temporary file holding `bytes`, removed by the caller.
func temporaryFile(_ bytes: [UInt8]) -> String {
    let path = NSTemporaryDirectory() + "kamcsv-\(UUID().uuidString).csv"
    _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
    return path
}

@Suite struct ReaderTests {
    @Test func basicQuoting() throws {
        #expect(try read("a,\"b,c\",\"d\"\"e\"\n1,2,3") == [["a", "b,c", "d\"e"], ["1", "2", "3"]])
        #expect(try read("") == [])
        #expect(try read("a,") == [["a", ""]])
        #expect(try read("\"a\"b,c") == [["ab", "c"]])
    }

    @Test func blankLinesAreOneEmptyFieldUnlessSkipped() throws {
        #expect(try read("a\n\nb\n") == [["a"], [""], ["b"]])
        #expect(try read("a\r\n\r\nb\r\n\r\n", options: .init(skipBlankLines: true)) == [["a"], ["b"]])
        #expect(try read("\r\r\na", options: .init(skipBlankLines: true)) == [["a"]])
    }

    @Test func linesAndOffsetsAcrossEmbeddedNewlines() throws {
        let text = "h1,h2\n\"multi\nline\",x\r\n\"cr\rlf\r\n\",y\rlast,z"
        var reader = CSVReader(bytes: Array(text.utf8), dialect: .comma)
        var record = CSVRecord()
        var seen: [(Int, Int, String)] = []
        while try reader.next(into: &record) { seen.append((record.line, record.byteOffset, record.string(at: 0))) }
        #expect(seen.map(\.0) == [1, 2, 4, 7])
        #expect(seen.map(\.1) == [0, 6, 22, 34])
        #expect(seen.map(\.2) == ["h1", "multi\nline", "cr\rlf\r\n", "last"])
    }

    @Test func unterminatedQuoteNamesWhereItOpened() throws {
        let e = try #require(error("a,b,c\nd,e,\"f\ng\nh"))
        #expect(e.kind == .unterminatedQuote)
        #expect(e.line == 2)
        #expect(e.column == 3)
        #expect(e.byteOffset == 10)
        #expect(e.description == "line 2, field 3: unclosed quote starting here; the record runs to the end of the file")
    }

    @Test func strictQuotesRejectStrayQuotes() throws {
        let stray = try #require(error("ab,c\"d\n", options: .init(strictQuotes: true)))
        #expect(stray.kind == .quoteInUnquotedField)
        #expect(stray.line == 1 && stray.column == 2 && stray.byteOffset == 4)
        let after = try #require(error("x\n\"ab\"c\n", options: .init(strictQuotes: true)))
        #expect(after.kind == .quoteInUnquotedField)
        #expect(after.line == 2)
        #expect(try read("ab,c\"d\n") == [["ab", "c\"d"]])
    }

    @Test func limitsNameTheLimitAndLine() throws {
        let limits = CSVLimits(maxFieldBytes: 8, maxRecordBytes: 20, maxColumns: 4)
        let field = try #require(error("ok\na,123456789\n", limits: limits))
        #expect(field.kind == .fieldTooLarge(limit: 8))
        #expect(field.line == 2 && field.column == 2)
        #expect(field.description.contains("maxFieldBytes = 8"))
        let record = try #require(error("ok\nok\n1234567,1234567,1234567\n", limits: limits))
        #expect(record.kind == .recordTooLarge(limit: 20))
        #expect(record.line == 3)
        let columns = try #require(error("a,b,c,d\na,b,c,d,e\n", limits: limits))
        #expect(columns.kind == .tooManyColumns(limit: 4))
        #expect(columns.line == 2 && columns.column == 5)
        #expect(try read("a,b,c,d\n12345678,1\n", limits: limits) == [["a", "b", "c", "d"], ["12345678", "1"]])
    }

    /// An unclosed quote at the top of a big file must stop at the limit, having held no
    /// more than about the limit in memory, and say which quote is to blame.
    @Test func unclosedQuoteInBigFileStopsAtTheLimit() throws {
        var bytes = Array("id,name\n1,\"oops\n".utf8)
        let row = Array("2,plain row with some text\n".utf8)
        while bytes.count < 8 << 20 { bytes += row }
        let path = temporaryFile(bytes)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let limits = CSVLimits(maxFieldBytes: 1 << 20, maxRecordBytes: 2 << 20)
        var reader = try CSVReader(path: path, dialect: .comma, limits: limits, options: .init(blockSize: 64 << 10))
        var record = CSVRecord()
        #expect(try reader.next(into: &record))
        do {
            _ = try reader.next(into: &record)
            Issue.record("expected a limit error")
        } catch {
            #expect(error.kind == .fieldTooLarge(limit: 1 << 20))
            #expect(error.line == 2 && error.column == 2)
            #expect(error.description.contains("quote opened at line 2"))
            #expect(error.description.hasPrefix(path + ", line 2, field 2"))
        }
        #expect(record.storage.count <= (2 << 20) + 1)
        #expect(try reader.next(into: &record) == false)
    }

    @Test func recordBuffersAreReused() throws {
        var reader = CSVReader(bytes: Array("a,bb,ccc\nd,ee,fff\n".utf8), dialect: .comma)
        var record = CSVRecord()
        #expect(try reader.next(into: &record))
        let capacity = record.storage.count
        #expect(try reader.next(into: &record))
        #expect(record.storage.count == capacity)
        #expect(record.count == 3)
        #expect(Array(record.bytes) == Array("deefff".utf8))
        #expect(Array(record.ends) == [1, 3, 6])
        #expect(record.string(at: 2) == "fff")
        #expect(Array(record[1]) == Array("ee".utf8))
        #expect(record.withUnsafeField(2) { $0.count } == 3)
        #expect(record.line == 2)
    }

    @Test func readsFromAPipe() throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        let text = Array("x;y\n1;2,5\n".utf8)
        _ = text.withUnsafeBytes { write(fds[1], $0.baseAddress!, $0.count) }
        close(fds[1])
        var reader = try CSVReader(fileDescriptor: fds[0], closeWhenDone: true)
        #expect(reader.dialect.delimiter == UInt8(ascii: ";"))
        #expect(reader.dialect.decimalSeparator == UInt8(ascii: ","))
        #expect(try reader.readAll() == [["x", "y"], ["1", "2,5"]])
    }

    /// Records written so far come out before the writer closes the pipe.
    @Test func doesNotWaitForAFullBlock() throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        func send(_ text: String) { _ = Array(text.utf8).withUnsafeBytes { write(fds[1], $0.baseAddress!, $0.count) } }
        send("a,b\nc,")
        var reader = try CSVReader(fileDescriptor: fds[0], closeWhenDone: true, dialect: .comma)
        var record = CSVRecord()
        #expect(try reader.next(into: &record) && record.strings == ["a", "b"])
        send("d\n")
        #expect(try reader.next(into: &record) && record.strings == ["c", "d"])
        close(fds[1])
        #expect(try reader.next(into: &record) == false)
    }

    @Test func missingFileIsAnIOError() {
        do {
            _ = try CSVReader(path: "/nonexistent/kam.csv")
            Issue.record("expected an error")
        } catch {
            #expect(error.kind == .io(errno: ENOENT, operation: "open"))
            #expect(error.description.hasPrefix("/nonexistent/kam.csv: open failed"))
        }
    }

    @Test func readsData() throws {
        var reader = CSVReader(data: Data("a|b\n1|2\n".utf8))
        #expect(reader.dialect.delimiter == UInt8(ascii: "|"))
        #expect(try reader.readAll() == [["a", "b"], ["1", "2"]])
    }

    /// The fast reader against the plain reference on random text made of the bytes that
    /// matter, read whole and in blocks of awkward sizes.
    @Test func matchesReferenceOnRandomInput() throws {
        try matchReference(seed: 42, lengths: 0...40, alphabet: Array("ab,\"\n\r ".utf8) + [0xC3, 0xA9])
    }

    /// Mostly text between the bytes that matter, so fields run past the eight bytes the
    /// reader looks at in one step, and stop at every offset within a step.
    @Test func matchesReferenceOnLongFields() throws {
        try matchReference(seed: 7, lengths: 0...400, alphabet: Array(repeating: Array("abcdefgh 12.5".utf8), count: 4).flatMap { $0 }
                           + Array(",\"\n\r".utf8) + [0xC3, 0xA9])
    }

    /// Lines of the shape the plain-record path reads (unquoted fields on one line), with
    /// what makes it hand over or stop: a quote opening a field or inside one, CR and CRLF,
    /// tabs and other control bytes, NUL and bytes that are not UTF-8, blank lines, fields and
    /// records over small limits, and block boundaries anywhere. With that path and without it the reader must give the same
    /// records, lines, offsets and errors.
    @Test func plainRecordsReadAsTheStateMachineReadsThem() throws {
        var rng = SplitMix64(seed: 2026)
        let dialects: [CSVDialect] = [.comma, .semicolon, .tab]
        let ends: [[UInt8]] = [[10], [10], [10], [13, 10], [13]]
        var plainRead = 0, badBytes = 0
        for round in 0..<1500 {
            let dialect = dialects[round % 3]
            let text = Array("abcdefgh 12.5ёж".utf8) + [dialect.delimiter, dialect.delimiter, dialect.delimiter]
            var bytes: [UInt8] = []
            for _ in 0..<Int.random(in: 0...12, using: &rng) {
                for _ in 0..<Int.random(in: 0...60, using: &rng) {
                    let roll = Int.random(in: 0..<100, using: &rng)
                    // Now and then a byte that is not UTF-8, or NUL: both must stop the read.
                    if round % 7 == 3 && Int.random(in: 0..<300, using: &rng) == 0 { bytes.append(Bool.random(using: &rng) ? 0 : 0xFF) }
                    bytes += roll < 2 ? [dialect.quote] : roll < 3 ? [11] : roll < 4 ? [9] : [text.randomElement(using: &rng)!]
                }
                if Int.random(in: 0..<20, using: &rng) > 0 { bytes += ends.randomElement(using: &rng)! }
            }
            // Keep UTF-8 whole: each lead byte of ё or ж gets a continuation byte of one of them.
            bytes = bytes.enumerated().flatMap { k, b -> [UInt8] in
                b == 0xD1 || b == 0xD0 ? [b, k % 2 == 0 ? 0x91 : 0xB6] : b == 0x91 || b == 0xB6 ? [] : [b]
            }
            let strict = round % 4 == 1
            let limits = round % 5 == 2 ? CSVLimits(maxFieldBytes: 12, maxRecordBytes: 40, maxColumns: 6) : CSVLimits()
            let path = temporaryFile(bytes)
            defer { try? FileManager.default.removeItem(atPath: path) }
            for blockSize in [5, 64, 1 << 16] {
                let options = CSVReader.Options(strictQuotes: strict, blockSize: blockSize)
                var plain = try CSVReader(path: path, dialect: dialect, limits: limits, options: options)
                var machine = try CSVReader(path: path, dialect: dialect, limits: limits, options: options)
                machine.readsPlainRecords = false
                let a = readAllRecords(&plain), b = readAllRecords(&machine)
                #expect(a == b, "round \(round) block \(blockSize): \(String(decoding: bytes, as: UTF8.self).debugDescription)")
                switch a {
                case .success(let records): plainRead += records.count
                case .failure(let error): if case .invalidUTF8 = error.kind { badBytes += 1 } else if error.kind == .nulByte { badBytes += 1 }
                }
            }
        }
        #expect(plainRead > 10000)
        #expect(badBytes > 50)
    }

    /// Found by the CSV fuzzer: after a CRLF record the plain path stood past the LF and the
    /// state machine before it, so an error's guess at the encoding, which reads what follows
    /// the record, differed by that byte.
    @Test func anErrorAfterACRLFRecordReadsTheSameEitherWay() {
        let bytes: [UInt8] = [0xFF, 0xFF, 13, 10, 0xFF, 0xFF, 0x24, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 4, 0x69, 0x41, 13, 10,
                              0xFF, 0xFF, 0x24, 0xFF, 4, 0x69, 0x41, 13, 10, 0x42]
        var plain = CSVReader(bytes: bytes, dialect: .comma)
        var machine = CSVReader(bytes: bytes, dialect: .comma)
        machine.readsPlainRecords = false
        let a = readAllRecords(&plain), b = readAllRecords(&machine)
        // Equal errors: the same kind, with the same guess at the encoding, at the same place.
        #expect(a == b)
        guard case .failure(let error) = a, case .invalidUTF8 = error.kind else {
            Issue.record("expected an invalid UTF-8 error, got \(a)")
            return
        }
    }

    private func matchReference(seed: UInt64, lengths: ClosedRange<Int>, alphabet: [UInt8]) throws {
        var rng = SplitMix64(seed: seed)
        for round in 0..<3000 {
            let length = Int.random(in: lengths, using: &rng)
            var bytes = (0..<length).map { _ in alphabet.randomElement(using: &rng)! }
            // Keep UTF-8 valid: é is C3 A9, so pair every lead byte with its continuation.
            bytes = bytes.flatMap { $0 == 0xC3 ? [0xC3, 0xA9] : $0 == 0xA9 ? [] : [$0] }
            let expected = ReferenceParser.parse(bytes)
            let path = temporaryFile(bytes)
            defer { try? FileManager.default.removeItem(atPath: path) }
            for blockSize in [4, 7, 1 << 16] {
                var reader = try CSVReader(path: path, dialect: .comma, options: .init(blockSize: blockSize))
                let actual = readAllRecords(&reader)
                switch (expected, actual) {
                case (.success(let a), .success(let b)):
                    #expect(a == b, "round \(round) block \(blockSize): \(String(decoding: bytes, as: UTF8.self).debugDescription)")
                case (.failure(let a), .failure(let b)):
                    #expect(b.kind == .unterminatedQuote && b.line == a.line && b.byteOffset == a.byteOffset,
                            "round \(round): \(b)")
                default:
                    Issue.record("round \(round) block \(blockSize): \(expected) vs \(actual) for \(String(decoding: bytes, as: UTF8.self).debugDescription)")
                }
            }
        }
    }

    /// A record is known clear only for the dialect it was read in, and only when the plain
    /// path read it: a writer of another delimiter, or a record with a quoted field or a
    /// field added after, must still be looked at.
    @Test func knowsWhichRecordsHoldNothingToQuote() throws {
        var reader = CSVReader(bytes: Array("a,b;c\n\"x,y\",z\nplain,again\n".utf8), dialect: .comma)
        var record = CSVRecord()
        #expect(try reader.next(into: &record))
        #expect(record.isKnownClear(delimiter: UInt8(ascii: ","), quote: UInt8(ascii: "\"")))
        #expect(!record.isKnownClear(delimiter: UInt8(ascii: ";"), quote: UInt8(ascii: "\"")))
        #expect(record.kept().isKnownClear(delimiter: UInt8(ascii: ","), quote: UInt8(ascii: "\"")))
        #expect(try reader.next(into: &record))
        #expect(record.strings == ["x,y", "z"])
        #expect(!record.isKnownClear(delimiter: UInt8(ascii: ","), quote: UInt8(ascii: "\"")))
        #expect(try reader.next(into: &record))
        #expect(record.isKnownClear(delimiter: UInt8(ascii: ","), quote: UInt8(ascii: "\"")))
        record.append(Array("with,comma".utf8))
        #expect(!record.isKnownClear(delimiter: UInt8(ascii: ","), quote: UInt8(ascii: "\"")))
    }
}
