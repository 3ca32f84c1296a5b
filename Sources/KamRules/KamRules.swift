import KamExpr
