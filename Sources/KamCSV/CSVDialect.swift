/// How one file spells its fields and numbers. Exports from European and Russian
/// spreadsheets use `;` with a decimal comma, so guessing both from a sample spares users
/// from knowing the difference.
public struct CSVDialect: Sendable, Equatable {
    /// Which marks may group thousands in numbers. The one of `.`/`,` that is not the
    /// decimal separator is `otherMark`.
    public struct ThousandsSeparators: OptionSet, Sendable, Hashable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        public static let space = ThousandsSeparators(rawValue: 1)
        /// U+00A0, what Excel in a Russian locale writes.
        public static let noBreakSpace = ThousandsSeparators(rawValue: 2)
        /// U+202F, what newer CLDR locales (French, Russian) write.
        public static let narrowNoBreakSpace = ThousandsSeparators(rawValue: 4)
        /// `'`, the Swiss style.
        public static let apostrophe = ThousandsSeparators(rawValue: 8)
        /// `,` when the decimal separator is `.`, and `.` when it is `,`.
        public static let otherMark = ThousandsSeparators(rawValue: 16)
        public static let all: ThousandsSeparators = [.space, .noBreakSpace, .narrowNoBreakSpace, .apostrophe, .otherMark]
    }

    public var delimiter: UInt8
    public var quote: UInt8
    /// `.` or `,`.
    public var decimalSeparator: UInt8
    public var thousandsSeparators: ThousandsSeparators

    public init(
        delimiter: UInt8 = UInt8(ascii: ","), quote: UInt8 = UInt8(ascii: "\""),
        decimalSeparator: UInt8 = UInt8(ascii: "."), thousandsSeparators: ThousandsSeparators = .all
    ) {
        precondition(delimiter != quote, "the delimiter and the quote must differ")
        precondition(delimiter != 10 && delimiter != 13 && quote != 10 && quote != 13, "CR and LF end records")
        precondition(decimalSeparator == UInt8(ascii: ".") || decimalSeparator == UInt8(ascii: ","),
                     "the decimal separator is . or ,")
        self.delimiter = delimiter
        self.quote = quote
        self.decimalSeparator = decimalSeparator
        self.thousandsSeparators = thousandsSeparators
    }

    public static let comma = CSVDialect()
    public static let semicolon = CSVDialect(delimiter: UInt8(ascii: ";"), decimalSeparator: UInt8(ascii: ","))
    public static let tab = CSVDialect(delimiter: 9)

    /// The delimiters a sniff considers, in order of preference on a tie.
    public static let candidateDelimiters: [UInt8] = [UInt8(ascii: ","), UInt8(ascii: ";"), 9, UInt8(ascii: "|")]
}
