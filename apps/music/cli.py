"""`seqkit music` command group (being built)."""

import click

group = click.Group(name="music", help="(being built)")
