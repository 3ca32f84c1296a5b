// The CSV reader lives here (issue 4).
