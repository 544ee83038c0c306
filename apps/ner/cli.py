"""`seqkit ner`: the NER verbs are the generic ones plus NER data options."""

import click

from seqkit.apps.ner.application import APPLICATION
from seqkit.cli import options
from seqkit.cli.app_group import AppSpec, make_app_group

TAG_SCHEMES = click.Choice(["auto", "iob1", "iob2", "bioes"])

tag_scheme_option = click.option(
    "--tag-scheme", type=TAG_SCHEMES, default="auto", show_default=True, help="Tag scheme of the data files."
)



FIT_OPTIONS = (
    tag_scheme_option,
    options.embeddings_option,
    click.option("--char-features/--no-char-features", default=None, help="Character-level word encoder."),
    click.option("--head", type=click.Choice(["crf", "softmax"]), help="Output layer: CRF (default) or softmax."),
    click.option("--lowercase/--no-lowercase", default=None, help="Lowercase words for the word embedding."),
    click.option("--max-vocabulary", type=click.IntRange(min=3), help="Largest word vocabulary."),
    click.option(
        "--word-dropout",
        type=click.FloatRange(0.0, 1.0, max_open=True),
        help="Probability that a word seen once in training is replaced by <UNK> in training (default 0: off; "
        "Lample et al. use 0.5).",
    ),
    click.option(
        "--transition-constraints/--no-transition-constraints",
        default=None,
        help="CRF: forbid the transitions IOB2 does not allow (O -> I-X, I-X first); on by default.",
    ),
    click.option("--sentence-column", help="Tables: sentence id column (default sentence_id, or 'Sentence #').", ),
    click.option("--token-column", help="Tables: token column (default token, or 'Word')."),
    click.option("--tag-column", help="Tables: tag column (default tag)."),
)

group = make_app_group(
    AppSpec(
        application=APPLICATION,
        name="ner",
        help=(
            "Named-entity recognition: tag each word of a sentence (PER, LOC, ORG, MISC, ...). Reads CoNLL "
            "files (IOB1, IOB2 or BIOES) or CSV/TSV/Parquet tables with one row per token."
        ),
        api_module="seqkit.apps.ner.api",
        input_name="SENTENCE",
        fit_options=FIT_OPTIONS,
        evaluate_options=(tag_scheme_option,),
    )
)
