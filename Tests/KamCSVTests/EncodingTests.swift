import Foundation
import Testing
@testable import KamCSV

@Suite struct EncodingTests {
    @Test func detectsByteOrderMarks() {
        #expect(CSVEncoding.detect(prefix: [0xEF, 0xBB, 0xBF, 0x41]) == (.utf8, 3))
        #expect(CSVEncoding.detect(prefix: [0xFF, 0xFE, 0x41, 0]) == (.utf16LE, 2))
        #expect(CSVEncoding.detect(prefix: [0xFE, 0xFF, 0, 0x41]) == (.utf16BE, 2))
        #expect(CSVEncoding.detect(prefix: Array("a,b".utf8)) == (.utf8, 0))
        #expect(CSVEncoding.detect(prefix: []) == (.utf8, 0))
        #expect(CSVEncoding(name: "CP1251") == .windows1251)
        #expect(CSVEncoding(name: "utf-16be") == .utf16BE)
        #expect(CSVEncoding(name: "koi8-r") == nil)
    }

    /// Every mapped byte of the table against Foundation's own converter.
    @Test func windows1251TableMatchesFoundation() throws {
        for byte in UInt8(0x80)...UInt8(0xFF) where byte != 0x98 {
            let ours = String(decoding: CSVEncoding.windows1251.transcodeToUTF8([byte]), as: UTF8.self)
            let foundation = try #require(String(data: Data([byte]), encoding: .windowsCP1251))
            #expect(ours == foundation, "byte 0x\(String(byte, radix: 16))")
        }
        #expect(CSVEncoding.windows1251.transcodeToUTF8([0x98]) == [0xEF, 0xBF, 0xBD])
    }

    @Test func readsWindows1251() throws {
        let utf8 = "Клиент;Выручка\nООО «Ромашка»;1 234,50 €\n"
        let cp1251 = try #require(utf8.data(using: .windowsCP1251))
        let path = temporaryFile([UInt8](cp1251))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let expected = [["Клиент", "Выручка"], ["ООО «Ромашка»", "1 234,50 €"]]
        var sniffed = try CSVReader(path: path, encoding: .windows1251)
        #expect(sniffed.dialect.delimiter == UInt8(ascii: ";"))
        #expect(sniffed.dialect.decimalSeparator == UInt8(ascii: ","))
        #expect(try sniffed.readAll() == expected)
        var smallBlocks = try CSVReader(path: path, dialect: .semicolon, encoding: .windows1251, options: .init(blockSize: 5))
        #expect(try smallBlocks.readAll() == expected)
    }

    /// Read as UTF-8, a cp1251 file must fail on its first bad record with a hint.
    @Test func windows1251ReadAsUTF8SuggestsTheEncoding() throws {
        let text = "name,city\nIvan,Moscow\n\"Иван\",Москва\n"
        let bytes = [UInt8](try #require(text.data(using: .windowsCP1251)))
        var reader = CSVReader(bytes: bytes)
        do {
            _ = try reader.readAll()
            Issue.record("expected invalid UTF-8")
        } catch {
            #expect(error.kind == .invalidUTF8(likely: .windows1251))
            #expect(error.line == 3 && error.column == 1)
            #expect(error.description.contains("--encoding cp1251"))
        }
        #expect(CSVEncoding.firstInvalidUTF8Offset(in: bytes) == 23)
        #expect(CSVEncoding.likelySingleByte(bytes) == .windows1251)
        #expect(CSVEncoding.likelySingleByte(Array(text.utf8)) == nil)
        do {
            try CSVEncoding.validateUTF8(bytes)
            Issue.record("expected invalid UTF-8")
        } catch {
            #expect(error.line == 3 && error.byteOffset == 23)
            #expect(error.description == "line 3: invalid UTF-8 at byte offset 23; the bytes look like Russian in Windows-1251, try --encoding cp1251")
        }
    }

    @Test func utf8Validator() {
        let valid: [[UInt8]] = [[], Array("plain ascii text, long enough".utf8), Array("Привет 😀 €".utf8)]
        for v in valid { #expect(CSVEncoding.firstInvalidUTF8Offset(in: v) == nil) }
        #expect(CSVEncoding.firstInvalidUTF8Offset(in: [0x41, 0xC0, 0x80]) == 1)  // overlong
        #expect(CSVEncoding.firstInvalidUTF8Offset(in: [0xED, 0xA0, 0x80]) == 0)  // surrogate
        #expect(CSVEncoding.firstInvalidUTF8Offset(in: [0xF4, 0x90, 0x80, 0x80]) == 0)  // > U+10FFFF
        #expect(CSVEncoding.firstInvalidUTF8Offset(in: Array("abcdefgh".utf8) + [0xE2, 0x82]) == 8)  // cut short
        #expect(CSVEncoding.firstInvalidUTF8Offset(in: Array("abcdefghij".utf8) + [0x80]) == 10)
    }

    /// UTF-16 in both byte orders, found by the mark, with blocks that split code units and
    /// surrogate pairs.
    @Test(arguments: [CSVEncoding.utf16LE, .utf16BE])
    func readsUTF16(_ encoding: CSVEncoding) throws {
        let text = "имя,emoji\n\"Аня, 😀\",ok\r\nz,\"a\"\"b\"\n"
        var bytes: [UInt8] = encoding == .utf16LE ? [0xFF, 0xFE] : [0xFE, 0xFF]
        for unit in text.utf16 {
            let pair = [UInt8(unit & 0xFF), UInt8(unit >> 8)]
            bytes += encoding == .utf16LE ? pair : pair.reversed()
        }
        let path = temporaryFile(bytes)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let expected = [["имя", "emoji"], ["Аня, 😀", "ok"], ["z", "a\"b"]]
        for blockSize in [5, 7, 1 << 20] {
            var reader = try CSVReader(path: path, options: .init(blockSize: blockSize))
            #expect(reader.encoding == encoding)
            #expect(try reader.readAll() == expected)
        }
        var memory = CSVReader(bytes: bytes)
        #expect(try memory.readAll() == expected)
    }

    @Test func utf8BOMIsDroppedButCountsInOffsets() throws {
        var reader = CSVReader(bytes: [0xEF, 0xBB, 0xBF] + Array("a,b\nc,d\n".utf8))
        var record = CSVRecord()
        #expect(try reader.next(into: &record))
        #expect(record.strings == ["a", "b"] && record.byteOffset == 3)
        #expect(try reader.next(into: &record))
        #expect(record.byteOffset == 7)
    }

    /// Windows-1252 and Latin-1 decode as Foundation decodes them, byte by byte.
    @Test func windows1252AndLatin1DecodeEveryByte() throws {
        for byte in UInt8(0x80)...UInt8(0xFF) {
            let latin1 = String(decoding: CSVEncoding.latin1.transcodeToUTF8([byte]), as: UTF8.self)
            #expect(latin1 == String(data: Data([byte]), encoding: .isoLatin1), "0x\(String(byte, radix: 16))")
            let cp1252 = String(decoding: CSVEncoding.windows1252.transcodeToUTF8([byte]), as: UTF8.self)
            if let expected = String(data: Data([byte]), encoding: .windowsCP1252), expected.unicodeScalars.first!.value >= 0xA0 || byte >= 0xA0 {
                #expect(cp1252 == expected, "0x\(String(byte, radix: 16))")
            }
        }
        #expect(CSVEncoding.windows1252.transcodeToUTF8([0x80]) == Array("€".utf8))
        #expect(CSVEncoding.windows1252.transcodeToUTF8([0x81]) == [0xEF, 0xBF, 0xBD])
        #expect(CSVEncoding(name: "ISO-8859-1") == .latin1)
        #expect(CSVEncoding(name: "Windows-1252") == .windows1252)
    }

    /// The hint tells Russian from Western text by how the letters sit, never by one byte:
    /// "São Paulo" is never taken for Cyrillic.
    @Test(arguments: [
        ("Cliente,Cidade\nAçougue Bom Preço,São Paulo\n", CSVEncoding.windows1252),
        ("Kunde;Ort\nMüller GmbH;Zürich\nBäckerei Schön;Köln\n", .windows1252),
        ("Customer,City\nCafé Crème,Montréal\n", .windows1252),
        ("Контрагент;Город\nООО Ромашка;Москва\nИП Иванов И.И.;Тверь\n", .windows1251),
        ("Клиент;Сумма\nАО \"Уралмаш\";1 234,56\n", .windows1251),
    ])
    func theHintTellsCyrillicFromWesternText(_ text: String, _ expected: CSVEncoding) throws {
        let encoding: String.Encoding = expected == .windows1251 ? .windowsCP1251 : .windowsCP1252
        let bytes = [UInt8](try #require(text.data(using: encoding)))
        #expect(CSVEncoding.likelySingleByte(bytes) == expected)
        var reader = CSVReader(bytes: bytes)
        do {
            _ = try reader.readAll()
            Issue.record("expected invalid UTF-8")
        } catch {
            #expect(error.description.contains(expected == .windows1251 ? "--encoding cp1251" : "--encoding cp1252"), "\(error)")
        }
        #expect(String(decoding: expected.transcodeToUTF8(bytes), as: UTF8.self) == text)
    }
}
