"""`seqkit translate`: the generic verbs with options for parallel data, tokenisers and decoding, and a `predict`
with beam search, n-best lists, sampling and attention plots."""

import json

import click

from seqkit.apps.translate.application import APPLICATION
from seqkit.cli import options
from seqkit.cli.app_group import AppSpec, make_app_group, read_inputs
from seqkit.cli.errors import report_errors

API = "seqkit.apps.translate.api"

READ_OPTIONS = (
    click.option("--source-lang", help="Source language code: --data PREFIX reads PREFIX.<source-lang> (e.g. en)."),
    click.option("--target-lang", help="Target language code: --data PREFIX reads PREFIX.<target-lang> (e.g. de)."),
    click.option("--source-column", help="Tables: the source column (default source/src or the source language)."),
    click.option("--target-column", help="Tables: the target column (default target/tgt/translation or the target language)."),
    click.option(
        "--skip-bad-rows", is_flag=True,
        help="Leave out and count bad pairs (one side empty, more than --max-tokens tokens) instead of stopping.",
    ),
)

TOKENIZER_CHOICE = click.Choice(["subword", "word", "char"])

FIT_OPTIONS = READ_OPTIONS + (
    click.option(
        "--tokenizer", type=TOKENIZER_CHOICE,
        help="Both sides: subword (WordPiece learned from the data; default for --data), word (<UNK> for rare "
        "words) or char (default for the embedded dates).",
    ),
    click.option("--source-tokenizer", type=TOKENIZER_CHOICE, help="The source side's tokeniser."),
    click.option("--target-tokenizer", type=TOKENIZER_CHOICE, help="The target side's tokeniser."),
    click.option("--vocab-size", type=click.IntRange(10, 200_000), help="Largest vocabulary per side (default 8,000)."),
    click.option("--lowercase/--no-lowercase", default=None, help="Lowercase both sides (default: keep case)."),
    click.option("--max-tokens", type=click.IntRange(min=1), help="Longest sentence in tokens; longer pairs are bad pairs."),
    click.option("--attention", type=click.Choice(["bahdanau", "luong"]), help="Attention of the decoder."),
    click.option("--input-feeding/--no-input-feeding", default=None,
                 help="Feed the previous attentional vector to the decoder (Luong et al., 2015)."),
    click.option("--tie-embeddings/--no-tie-embeddings", default=None,
                 help="Use the target embeddings as the output layer."),
    click.option("--label-smoothing", type=click.FloatRange(0.0, 1.0, max_open=True), help="Label smoothing (default 0.1)."),
    click.option("--beam-size", type=click.IntRange(min=1), help="Beam width for evaluation and export (1: greedy)."),
    click.option("--length-penalty", type=click.FloatRange(min=0.0), help="GNMT length penalty alpha (0: none)."),
)

EVALUATE_OPTIONS = READ_OPTIONS + (
    click.option("--beam-size", type=click.IntRange(min=1), help="Beam width (1: greedy). Default: the run's."),
)


@click.command("predict")
@options.model_dir_option
@click.argument("inputs", nargs=-1, metavar="[SENTENCE]...")
@options.input_file_option
@click.option("--beam-size", type=click.IntRange(min=1), help="Beam width (1: greedy). Default: the run's.")
@click.option("--length-penalty", type=click.FloatRange(min=0.0), help="GNMT length penalty alpha. Default: the run's.")
@click.option("--n-best", type=click.IntRange(min=1), default=1, show_default=True,
              help="Print the n best translations with their scores (at most --beam-size).")
@click.option("--max-length", type=click.IntRange(min=1),
              help="Most target tokens of a translation (besides the run's limit relative to the source length).")
@click.option("--temperature", type=click.FloatRange(min=0.0),
              help="Sample translations at this temperature instead of searching (with --top-k/--top-p).")
@click.option("--top-k", type=click.IntRange(min=1), help="Sample among the k most likely tokens only.")
@click.option("--top-p", type=click.FloatRange(0.0, 1.0, min_open=True), help="Sample from the nucleus of mass p.")
@click.option("--seed", type=int, help="Random seed of sampling.")
@click.option("--plot-attention", type=click.Path(dir_okay=False),
              help="Draw the attention map of each sentence to this PNG (NAME-2.png, ... for further sentences).")
@options.json_option
@report_errors
def predict_command(model_dir, inputs, input_file, plot_attention, as_json, **settings):
    """Translate sentences (arguments, --input FILE, or standard input)."""
    import importlib

    texts = read_inputs(inputs, input_file)
    translator = importlib.import_module(API).load(model_dir)
    results = translator.translate(texts, **settings)
    for index, (text, result) in enumerate(zip(texts, results)):
        if plot_attention:
            result["attention_plot"] = translator.plot_attention(
                text, _numbered(plot_attention, index), translation=result["translation"]
            )
        click.echo(json.dumps(result, ensure_ascii=False) if as_json else translator.format_prediction(result))


def _numbered(path, index):
    if index == 0:
        return path
    stem, dot, suffix = path.rpartition(".")
    return f"{stem}-{index + 1}.{suffix}" if dot else f"{path}-{index + 1}"


group = make_app_group(
    AppSpec(
        application=APPLICATION,
        name="translate",
        help=(
            "Translation with an attention encoder-decoder (T_x != T_y). Reads aligned files (--data "
            "multi30k/train --source-lang en --target-lang de reads train.en and train.de) or TSV/CSV tables of "
            "pairs (the Tatoeba/Anki layout included); --dataset multi30k-en-de, multi30k-en-fr or tatoeba-en-de "
            "downloads one. Default data: dates in many formats and languages to ISO 8601."
        ),
        api_module=API,
        input_name="SENTENCE",
        fit_options=FIT_OPTIONS,
        evaluate_options=EVALUATE_OPTIONS,
        predict_verb=None,
        extra_commands=(predict_command,),
        data_path_type=click.Path(),
        per_sentence_with_json=True,
    )
)
