"""`seqkit sentiment`: review text to a rating (many-to-one classification)."""
