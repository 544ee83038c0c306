"""The root `seqkit` command; applications are mounted lazily so `--help` is instant."""

import importlib

import click

import seqkit

# Application name -> module holding its Click group named `group`.
APPLICATIONS = {
    "dna": "seqkit.apps.dna.cli",
    "lm": "seqkit.apps.lm.cli",
    "music": "seqkit.apps.music.cli",
    "ner": "seqkit.apps.ner.cli",
    "sentiment": "seqkit.apps.sentiment.cli",
    "speech": "seqkit.apps.speech.cli",
    "translate": "seqkit.apps.translate.cli",
    "video": "seqkit.apps.video.cli",
}


class LazyAppGroup(click.Group):
    """A Click group that imports an application's command group only when it is used."""

    def list_commands(self, ctx):
        return sorted(APPLICATIONS)

    def get_command(self, ctx, name):
        module_name = APPLICATIONS.get(name)
        if module_name is None:
            return None
        return importlib.import_module(module_name).group


@click.group(cls=LazyAppGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(seqkit.__version__, prog_name="seqkit")
def cli():
    """seqkit: recurrent sequence models as finished applications."""


def main():
    cli(prog_name="seqkit")
