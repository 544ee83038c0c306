"""`seqkit lm`: character- and word-level language models: sample novel sequences, score sentences."""
