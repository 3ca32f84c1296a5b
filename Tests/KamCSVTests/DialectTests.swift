import Testing
@testable import KamCSV

private func sniff(_ text: String, delimiter: UInt8? = nil) -> (String, String) {
    let d = CSVDialect.sniff(sample: Array(text.utf8), delimiter: delimiter)
    return (String(UnicodeScalar(d.delimiter)), String(UnicodeScalar(d.decimalSeparator)))
}

@Suite struct DialectTests {
    @Test func picksTheConsistentDelimiter() {
        #expect(sniff("a,b,c\n1,2,3\n4,5,6\n") == (",", "."))
        #expect(sniff("a;b;c\n1;2,5;3\n4;5;6,75\n") == (";", ","))
        #expect(sniff("a\tb\n1\t2.5\n") == ("\t", "."))
        #expect(sniff("a\tb\n1\t2,5\n") == ("\t", ","))
        #expect(sniff("a|b|c\n1|2|3\n") == ("|", "."))
    }

    @Test func ignoresDelimitersInsideQuotes() {
        #expect(sniff("name;note\n\"Smith, J\";\"a, b, c\"\n\"Doe, K\";x\n") == (";", "."))
        #expect(sniff("\"a;b\",c\n\"d;e\",f\n") == (",", "."))
    }

    @Test func prefersCommaOnTiesAndWithoutEvidence() {
        #expect(sniff("a,b;c\n1,2;3\n") == (",", "."))
        #expect(sniff("single\ncolumn\n") == (",", "."))
        #expect(sniff("") == (",", "."))
    }

    @Test func decimalCommaNeedsEvidence() {
        #expect(sniff("n;m\n1 234,56;-7,5\n") == (";", ","))
        #expect(sniff("n;m\n1.5;2.25\n") == (";", "."))
        // `1,234` alone could be a grouped thousand; it decides nothing.
        #expect(sniff("n;m\n1,234;x\n") == (";", "."))
        #expect(sniff("n;m\n1,234,567;1.234.567,5\n") == (";", ","))
        #expect(sniff("n;m\n1,234,567;1,234,567.5\n") == (";", "."))
        #expect(sniff("n;m\n\"1 234,50 ₽\";12,5%\n") == (";", ","))
    }

    @Test func callerCanFixTheDelimiter() {
        #expect(sniff("a,b;c\n1,5;2,5\n", delimiter: UInt8(ascii: ";")) == (";", ","))
        var d = CSVDialect.sniff(sample: Array("a;b\n1;2\n".utf8))
        d.decimalSeparator = UInt8(ascii: ".")
        #expect(d.delimiter == UInt8(ascii: ";") && d.decimalSeparator == UInt8(ascii: "."))
    }

    @Test func partialLastLineDoesNotSpoilTheGuess() {
        #expect(sniff("a;b;c\n1;2;3\n4;5") == (";", "."))
    }
}
