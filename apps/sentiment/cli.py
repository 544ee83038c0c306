"""`seqkit sentiment` command group (being built)."""

import click

group = click.Group(name="sentiment", help="(being built)")
