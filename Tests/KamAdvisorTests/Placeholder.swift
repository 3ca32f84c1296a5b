import Testing
@testable import KamAdvisor
