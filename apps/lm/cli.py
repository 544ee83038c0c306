"""`seqkit lm`: the generic verbs plus `score` (log-probabilities of sentences) and `sample` (new sequences)."""

import json

import click

from seqkit.apps.lm.application import APPLICATION
from seqkit.cli import options
from seqkit.cli.app_group import AppSpec, make_app_group, read_inputs
from seqkit.cli.errors import report_errors

API = "seqkit.apps.lm.api"

FIT_OPTIONS = (
    click.option(
        "--level",
        type=click.Choice(["char", "word"]),
        help="char: one sequence per line, a token per character (default). "
        "word: running text split into sentences, words and punctuation apart.",
    ),
    click.option(
        "--vocab-size",
        type=click.IntRange(min=5),
        help="Most ids in the vocabulary, reserved tokens included (default 10,000); rarer tokens become <UNK>.",
    ),
    click.option("--min-count", type=click.IntRange(min=1), help="Tokens seen fewer times become <UNK> (default 1)."),
    click.option(
        "--unit",
        type=click.Choice(["line", "text"]),
        help="line: each line (char) or sentence (word) is one sequence <BOS> ... <EOS> (lists of names). "
        "text: running text, one stream with the line break as a token, the state carried from window to window "
        "(truncated back-propagation through time). Default: chosen from the training data, and said.",
    ),
    click.option(
        "--window",
        type=click.IntRange(min=1),
        help="With --unit text: tokens per training window (default 100 characters or 35 words).",
    ),
)


def _load(model_dir):
    import importlib

    return importlib.import_module(API).load(model_dir)


@click.command("score")
@options.model_dir_option
@click.argument("sentences", nargs=-1, metavar="[SENTENCE]...")
@options.input_file_option
@click.option("--compare", is_flag=True, help="Rank the sentences from most to least likely.")
@options.json_option
@report_errors
def score_command(model_dir, sentences, input_file, compare, as_json):
    """Log-probability, P(sentence), per-token log-probabilities and perplexity of each sentence.

    Every sentence is scored as one sequence ending with <EOS>. Tokens outside the vocabulary are scored as
    <UNK> (the probability of any rare token), and the output says so.
    """
    texts = read_inputs(sentences, input_file)
    model = _load(model_dir)
    if compare:
        if len(texts) < 2:
            raise click.UsageError("--compare needs at least two sentences.")
        results = model.compare(texts)
        click.echo(json.dumps(results, ensure_ascii=False) if as_json else model.format_comparison(results))
        return
    for result in model.predict(texts):
        click.echo(json.dumps(result, ensure_ascii=False) if as_json else model.format_prediction(result))


@click.command("sample")
@options.model_dir_option
@click.option("--num", type=click.IntRange(min=1), default=10, show_default=True, help="How many sequences.")
@click.option("--prefix", default="", help="Text every sequence starts with. Default: sample from nothing.")
@click.option(
    "--max-length",
    type=click.IntRange(min=1),
    default=50,
    show_default=True,
    help="Longest sequence in tokens (characters or words), prefix included.",
)
@click.option(
    "--min-length",
    type=int,
    default=0,
    show_default=True,
    help="Shortest sequence in tokens, prefix included: <EOS> is not sampled before (at most --max-length; "
    "equal to it: exactly that many tokens).",
)
@options.sampling_options
@click.option("--novel", is_flag=True, help="Leave out sequences that appear verbatim in the training data.")
@options.json_option
@report_errors
def sample_command(model_dir, num, as_json, **settings):
    """Sample new sequences from the model, stopping at <EOS> (not before --min-length tokens).

    A model trained with --unit text samples running text: --max-length tokens after a line break, no end token.
    """
    model = _load(model_dir)
    samples = model.sample(num, **settings)
    if as_json:
        for sample in samples:
            click.echo(json.dumps(sample, ensure_ascii=False))
    else:
        click.echo(model.format_samples(samples))
    if len(samples) < num:
        click.echo(f"Only {len(samples)} of {num} samples were novel; try a higher --temperature.", err=True)


group = make_app_group(
    AppSpec(
        application=APPLICATION,
        name="lm",
        help=(
            "Language models P(y<1..T>) = prod P(y<t> | y<1..t-1>) at character or word level: sample novel "
            "sequences (names, text) and score sentences. Reads UTF-8 text files; default data: invented names."
        ),
        api_module=API,
        input_name="SENTENCE",
        fit_options=FIT_OPTIONS,
        predict_verb=None,
        extra_commands=(score_command, sample_command),
    )
)
