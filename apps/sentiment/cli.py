"""`seqkit sentiment`: the generic verbs plus options for labelled text tables and the classifier head."""

import click

from seqkit.apps.sentiment.application import APPLICATION
from seqkit.cli import options
from seqkit.cli.app_group import AppSpec, make_app_group


def _label_list(ctx, param, value):
    if value is None:
        return None
    labels = [label.strip() for label in value.split(",")]
    if len(labels) < 2 or not all(labels) or len(set(labels)) != len(labels):
        raise click.BadParameter(f"expected at least two distinct comma-separated labels, got {value!r}")
    return labels


COLUMN_OPTIONS = (
    click.option("--text-column", help="Tables: the text column (default text, or review/sentence/...)."),
    click.option("--label-column", help="Tables: the label column (default label, or stars/rating/score/...)."),
    click.option(
        "--skip-bad-rows",
        is_flag=True,
        help="Skip rows with a missing text or label, an undecodable text or an unknown label, and count them.",
    ),
)

FIT_OPTIONS = COLUMN_OPTIONS + (
    click.option(
        "--labels",
        callback=_label_list,
        help="The label set in order, comma separated (e.g. neg,pos). Default: detected from the data "
        "(integers: every value from the lowest to the highest, 1-5 for star ratings).",
    ),
    click.option(
        "--head",
        type=click.Choice(["softmax", "ordinal"]),
        help="Softmax over classes (rates with the most probable), or ordinal (cumulative logits; rates with the median).",
    ),
    click.option("--pooling", type=click.Choice(["last", "mean", "max", "attention"]), help="How the sequence becomes one vector."),
    click.option(
        "--class-weights",
        type=click.Choice(["none", "balanced", "sqrt"]),
        help="balanced: weigh classes by inverse frequency; sqrt: by its square root; none: every text counts the same.",
    ),
    click.option(
        "--decision",
        type=click.Choice(["argmax", "median"]),
        help="Rate with the most probable rating (argmax) or the one with the least expected distance (median).",
    ),
    options.embeddings_option,
    click.option("--max-vocabulary", type=click.IntRange(3, 100_000), help="Largest vocabulary of words or pieces (default 10,000)."),
    click.option("--max-length", type=click.IntRange(min=1), help="Words (or pieces) kept per text (the first ones)."),
    click.option("--lowercase/--no-lowercase", default=None, help="Lowercase words before the lookup (default on)."),
    click.option(
        "--tokenizer",
        type=click.Choice(["word", "wordpiece"]),
        help=(
            "wordpiece: sub-words learned from the training texts (default preset); word: whole words, <UNK> for "
            "rare ones (always with --embeddings)."
        ),
    ),
)

EVALUATE_OPTIONS = COLUMN_OPTIONS + (
    click.option("--confusion-png", type=click.Path(dir_okay=False), help="Also draw the confusion matrix here."),
)

group = make_app_group(
    AppSpec(
        application=APPLICATION,
        name="sentiment",
        help=(
            "Sentiment: rate a review (1-5 stars by default, or any label set found in the data). Reads "
            "CSV/TSV/JSON Lines/Parquet tables with a text and a label column, or folders of pos/ and neg/ text "
            "files; --dataset imdb or yelp-full downloads a standard set. Words are split off punctuation "
            '("great!" -> great, !) and lowercased.'
        ),
        api_module="seqkit.apps.sentiment.api",
        input_name="TEXT",
        fit_options=FIT_OPTIONS,
        evaluate_options=EVALUATE_OPTIONS,
    )
)
