"""Stage 0, the base every stage stands on: errors, words and language, text folding, cell parsers,
limits, provinces, the vocabulary of codes."""
