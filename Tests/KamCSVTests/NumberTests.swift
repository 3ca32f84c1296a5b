import KamTestSupport
import Testing
@testable import KamCSV

private let comma = CSVDialect.comma
private let semicolon = CSVDialect.semicolon

@Suite struct NumberTests {
    @Test func spreadsheetSpellings() {
        #expect(CSVNumber.parse("1 234 567,89", dialect: semicolon) == 1234567.89)
        #expect(CSVNumber.parse("1\u{A0}234\u{A0}567,89", dialect: semicolon) == 1234567.89)
        #expect(CSVNumber.parse("1\u{202F}234,5", dialect: semicolon) == 1234.5)
        #expect(CSVNumber.parse("1.234.567,89", dialect: semicolon) == 1234567.89)
        #expect(CSVNumber.parse("1,234,567.89", dialect: comma) == 1234567.89)
        #expect(CSVNumber.parse("1'234'567.89", dialect: comma) == 1234567.89)
        #expect(CSVNumber.parse("12,5%", dialect: semicolon) == 12.5)
        #expect(CSVNumber.parse("12%", dialect: comma) == 12)
        #expect(CSVNumber.parse("€1 200", dialect: comma) == 1200)
        #expect(CSVNumber.parse("-0.5", dialect: comma) == -0.5)
        #expect(CSVNumber.parse("  42  ") == 42)
        #expect(CSVNumber.parse("+7") == 7)
        #expect(CSVNumber.parse("−3,5", dialect: semicolon) == -3.5)
        #expect(CSVNumber.parse(".5") == 0.5)
        #expect(CSVNumber.parse("5.") == 5)
        #expect(CSVNumber.parse("1.5e3") == 1500)
        #expect(CSVNumber.parse("2E-2") == 0.02)
        #expect(CSVNumber.parse("-0")?.sign == .minus)
    }

    @Test func currencies() {
        #expect(CSVNumber.parse("$1,200.50") == 1200.5)
        #expect(CSVNumber.parse("-$12") == -12)
        #expect(CSVNumber.parse("$-12") == -12)
        #expect(CSVNumber.parse("£3") == 3)
        #expect(CSVNumber.parse("¥1000") == 1000)
        #expect(CSVNumber.parse("1 500 ₽", dialect: semicolon) == 1500)
        #expect(CSVNumber.parse("1 500,50 руб.", dialect: semicolon) == 1500.5)
        #expect(CSVNumber.parse("1500 руб", dialect: semicolon) == 1500)
        #expect(CSVNumber.parse("RUB 1 500", dialect: semicolon) == 1500)
        #expect(CSVNumber.parse("USD 12.5") == 12.5)
        #expect(CSVNumber.parse("12.5 usd") == 12.5)
        #expect(CSVNumber.parse("EUR-3") == -3)
        #expect(CSVNumber.parse("12 EUR") == 12)
    }

    @Test func rejections() {
        for text in ["", " ", "nan", "NaN", "inf", "-inf", "infinity", "1e400", "-1e400", "abc", "1.2.3", "1,5",
                     "12a", "--1", "1e", "1e+", "$", "%", "1 23", "12,34,567.8", ",5e", "e5", "1..2", "0x10"] {
            #expect(CSVNumber.parse(text, dialect: comma) == nil, "\(text.debugDescription)")
        }
        #expect(CSVNumber.parse("1.5", dialect: semicolon) == nil)
        #expect(CSVNumber.parse("1,5", dialect: semicolon) == 1.5)
        #expect(CSVNumber.parse("1e-400") == 0)
    }

    /// Random decimal strings against the standard library's correctly rounded parser.
    @Test func matchesDoubleParsingBitForBit() {
        var rng = SplitMix64(seed: 7)
        func digits(_ range: ClosedRange<Int>) -> String {
            String((0..<Int.random(in: range, using: &rng)).map { _ in
                Character(UnicodeScalar(UInt8.random(in: 48...57, using: &rng)))
            })
        }
        var checked = 0
        for _ in 0..<50_000 {
            var text = Bool.random(using: &rng) ? "-" : ""
            let whole = digits(0...(Bool.random(using: &rng) ? 4 : 25))
            let fraction = Int.random(in: 0...2, using: &rng) == 0 ? "" : digits(0...(Bool.random(using: &rng) ? 5 : 25))
            guard !(whole + fraction).isEmpty else { continue }
            text += whole
            if !fraction.isEmpty || Bool.random(using: &rng) { text += "." + fraction }
            if Bool.random(using: &rng) {
                text += "e" + (Bool.random(using: &rng) ? "-" : "") + String(Int.random(in: 0...(Bool.random(using: &rng) ? 25 : 340), using: &rng))
            }
            guard let expected = Double(text) else { continue }
            let actual = CSVNumber.parse(text, dialect: comma)
            if expected.isFinite {
                #expect(actual?.bitPattern == expected.bitPattern, "\(text)")
                let commaForm = text.replacingOccurrences(of: ".", with: ",")
                #expect(CSVNumber.parse(commaForm, dialect: semicolon)?.bitPattern == expected.bitPattern, "\(commaForm)")
            } else {
                #expect(actual == nil, "\(text)")
            }
            checked += 1
        }
        #expect(checked > 40_000)
    }

    @Test func hardRoundingCases() {
        for text in ["9007199254740993", "0.1", "2.2250738585072011e-308", "1.7976931348623157e308",
                     "4.9406564584124654e-324", "123456789012345678901234567890", "0.000000000000000000000000123",
                     "1e23", "8.98846567431158e307", "1e22", "1e-22", "123456789012345e10"] {
            #expect(CSVNumber.parse(text)?.bitPattern == Double(text)?.bitPattern, "\(text)")
        }
    }
}

@Suite struct BoolAndHeaderTests {
    @Test func bools() {
        for yes in ["true", "TRUE", "True", "yes", "Y", "y", "1", "да", "Да", "ДА", " yes "] {
            #expect(CSVBool.parse(yes) == true, "\(yes)")
        }
        for no in ["false", "FALSE", "no", "NO", "n", "N", "0", "нет", "НЕТ", "Нет"] {
            #expect(CSVBool.parse(no) == false, "\(no)")
        }
        for other in ["", "2", "maybe", "tru", "yess", "д", "не", "t", "f", "нетт"] {
            #expect(CSVBool.parse(other) == nil, "\(other)")
        }
    }

    @Test func headerKeys() {
        let key = HeaderKey.normalize("Account Name")
        #expect(key == "accountname")
        #expect(HeaderKey.normalize("account_name") == key)
        #expect(HeaderKey.normalize("ACCOUNT-NAME") == key)
        #expect(HeaderKey.normalize(" Account.Name: ") == key)
        #expect(HeaderKey.normalize("Выручка, ₽ (2024)") == "выручка2024")
        #expect(HeaderKey.normalize("Ёмкость") == HeaderKey.normalize("емкость"))
    }
}

extension NumberTests {
    /// Plain numbers (the short path: sign, up to fifteen digits, one decimal mark) read to the
    /// same double as the correctly rounded conversion, in either decimal mark; and the same
    /// digits with one more decoration (a space, `+`, a sixteenth digit, a group) still read
    /// through the general path to the same value.
    @Test func plainNumbersAreCorrectlyRounded() {
        var rng = SplitMix64(seed: 99)
        for _ in 0..<20_000 {
            let digits = String((0..<Int.random(in: 1...15, using: &rng)).map { _ in Character(String(Int.random(in: 0...9, using: &rng))) })
            let point = Int.random(in: 0...digits.count, using: &rng)
            var text = point == 0 || point == digits.count ? digits : String(digits.prefix(point)) + "." + digits.dropFirst(point)
            if Bool.random(using: &rng) { text = "-" + text }
            let exact = Double(text)!
            #expect(CSVNumber.parse(text, dialect: comma) == exact, "\(text)")
            #expect(CSVNumber.parse(text.replacingOccurrences(of: ".", with: ","), dialect: semicolon) == exact, "\(text)")
            #expect(CSVNumber.parse(" " + text, dialect: comma) == exact, "\(text)")
            #expect(CSVNumber.parse(text + "0", dialect: comma) == Double(text + "0")!, "\(text)0")
        }
        #expect(CSVNumber.parse("1.234", dialect: semicolon) == 1234)  // a group, not a decimal mark
        #expect(CSVNumber.parse("-0", dialect: comma)?.sign == .minus)
        #expect(CSVNumber.parse("12.", dialect: comma) == 12)
        #expect(CSVNumber.parse("-", dialect: comma) == nil)
        #expect(CSVNumber.parse("1.2.3", dialect: comma) == nil)
    }
}
