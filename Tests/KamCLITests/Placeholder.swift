import Testing
@testable import KamCLI
