"""`seqkit dna`: the generic verbs with options for FASTA/GFF3/BED/table data, and a `predict` that takes DNA
strings or streams a FASTA file to BED/GFF3."""

import json

import click

from seqkit.apps.dna.application import APPLICATION
from seqkit.cli import options
from seqkit.cli.app_group import AppSpec, make_app_group, read_inputs
from seqkit.cli.errors import report_errors

API = "seqkit.apps.dna.api"
annotation_path = click.Path(exists=True, dir_okay=False)

READ_OPTIONS = (
    click.option("--annotation", type=annotation_path,
                 help="GFF3 or BED annotation of a FASTA --data (default: the same name beside it, e.g. genes.gff3)."),
    click.option("--transcript", type=click.Choice(["first", "longest"]),
                 help="GFF3: the transcript of each gene whose structure gives the classes (default first)."),
    click.option("--strand", type=click.Choice(["both", "+", "-"]),
                 help="GFF3: tag genes on both strands (classes cds+/cds-, ...) or on one strand only (default both)."),
    click.option("--sequence-column", help="Tables: the sequence column (default sequence/seq)."),
    click.option("--label-column", help="Tables: the class column (default label/class)."),
    click.option("--tags-column", help="Tables: a per-base tag string column (one character per base): tagging."),
)

FIT_OPTIONS = READ_OPTIONS + (
    click.option("--valid-annotation", type=annotation_path, help="GFF3 or BED annotation of a FASTA --valid."),
    click.option("--background", help="BED: the class of bases outside every interval (default intergenic)."),
    click.option("--skip-bad-rows", is_flag=True, help="Leave out and count bad table rows instead of stopping."),
    click.option("--head", type=click.Choice(["softmax", "crf"]), help="Tagging: per-base softmax (default) or CRF."),
    click.option("--pooling", type=click.Choice(["mean", "max", "last", "attention"]), help="Classification: pooling (default attention; the tiny preset mean)."),
    click.option("--conv-filters", type=click.IntRange(min=1), help="Filters of the motif convolution (default 64)."),
    click.option("--conv-kernel-size", type=click.IntRange(min=1), help="Width of the motif convolution (default 9)."),
    click.option("--window", type=click.IntRange(min=10), help="Bases per window of long FASTA records (default 2,000)."),
    click.option("--overlap", type=click.IntRange(min=0), help="Bases shared by neighbouring prediction windows (default 200)."),
    click.option("--rc-augment/--no-rc-augment", default=None,
                 help="Also train on reverse complements (stranded classes swapped). Off by default: only right "
                 "when the classes do not depend on the strand read (e.g. cds+/cds-), not for splice sites."),
)

RC_AVERAGE = click.option("--rc-average", is_flag=True,
                          help="Average the predictions of each sequence and of its reverse complement.")
EVALUATE_OPTIONS = READ_OPTIONS + (RC_AVERAGE,)


@click.command("predict")
@options.model_dir_option
@click.argument("inputs", nargs=-1, metavar="[SEQUENCE]...")
@options.input_file_option
@click.option("--fasta", type=click.Path(exists=True, dir_okay=False),
              help="Predict every record of this FASTA file (plain or gzip), streamed; needs --out.")
@click.option("--out", "out", type=click.Path(dir_okay=False),
              help="With --fasta: the BED/GFF3 file of detected regions (tagging) or TSV of classes (classification).")
@click.option("--format", "output_format", type=click.Choice(["bed", "gff3"]),
              help="Tagging with --fasta: BED (default) or GFF3 (also chosen by a .gff3 suffix of --out).")
@RC_AVERAGE
@options.json_option
@report_errors
def predict_command(model_dir, inputs, input_file, fasta, out, output_format, rc_average, as_json):
    """Tag or classify DNA strings (arguments, --input FILE, or standard input), or a FASTA file with --fasta."""
    import importlib

    predictor = importlib.import_module(API).load(model_dir)
    if fasta is not None:
        if inputs or input_file is not None:
            raise click.UsageError("Give --fasta or sequences, not both.")
        if out is None:
            raise click.UsageError("--fasta needs --out (the BED, GFF3 or TSV file to write).")
        summary = predictor.predict_fasta(fasta, out, output_format=output_format, rc_average=rc_average)
        click.echo(json.dumps(summary) if as_json else _summary_line(summary))
        return
    for result in predictor.predict(read_inputs(inputs, input_file), rc_average=rc_average):
        click.echo(json.dumps(result) if as_json else predictor.format_prediction(result))


def _summary_line(summary):
    found = f", {summary['regions']} regions" if "regions" in summary else ""
    return f"Wrote {summary['path']} ({summary['format']}: {summary['records']} records{found})."


group = make_app_group(
    AppSpec(
        application=APPLICATION,
        name="dna",
        help=(
            "DNA: per-base tagging (gene structure: intergenic, UTR, CDS, intron) from FASTA + GFF3/BED, or a "
            "class per sequence (splice sites, promoters) from CSV/TSV tables or a folder of FASTA files, one "
            "per class. Default data: generated genome-like loci with planted genes."
        ),
        api_module=API,
        input_name="SEQUENCE",
        fit_options=FIT_OPTIONS,
        evaluate_options=EVALUATE_OPTIONS,
        predict_verb=None,
        extra_commands=(predict_command,),
    )
)
