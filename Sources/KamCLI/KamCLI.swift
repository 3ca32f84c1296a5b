import KamReport
