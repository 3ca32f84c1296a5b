import Testing
@testable import KamSource
