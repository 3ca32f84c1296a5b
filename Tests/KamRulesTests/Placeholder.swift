import Testing
@testable import KamRules
