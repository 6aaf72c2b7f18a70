"""Pure scoring engine: levels, response scores, aggregates, gaps, indices, progress, anonymity."""
