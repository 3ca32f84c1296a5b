import Testing
@testable import KamExpr
