"""The text encoders a sentiment model can use: whole words (default) or WordPiece sub-words."""

TOKENIZERS = ("word", "wordpiece")


def build_encoder(texts, data_config):
    """A `WordIdEncoder` or `WordPieceEncoder` learned from training texts, as `data_config["tokenizer"]` says."""
    tokenizer = data_config.get("tokenizer", "word")
    if tokenizer == "wordpiece":
        from seqkit.data.word_pieces import WordPieceEncoder

        return WordPieceEncoder.build(
            texts,
            max_size=data_config["max_vocabulary"],
            lowercase=data_config["lowercase"],
            max_length=data_config["max_length"],
        )
    if tokenizer != "word":
        raise ValueError(f"`tokenizer` must be one of {TOKENIZERS}. Received: tokenizer={tokenizer!r}")
    from seqkit.data.word_ids import WordIdEncoder

    return WordIdEncoder.build(
        texts,
        max_size=data_config["max_vocabulary"],
        min_count=data_config["min_count"],
        lowercase=data_config["lowercase"],
        max_length=data_config["max_length"],
    )


def load_encoder(directory, settings):
    """The encoder saved in a run directory, from its `config.json` settings."""
    if settings.get("tokenizer", "word") == "wordpiece":
        from seqkit.data.word_pieces import WordPieceEncoder

        return WordPieceEncoder.load(directory, settings)
    from seqkit.data.word_ids import WordIdEncoder

    return WordIdEncoder.load(directory, settings)
