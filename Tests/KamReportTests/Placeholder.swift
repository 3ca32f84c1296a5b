import Testing
@testable import KamReport
