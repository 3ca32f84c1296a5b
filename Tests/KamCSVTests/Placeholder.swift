import Testing
@testable import KamCSV
