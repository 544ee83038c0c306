"""`seqkit lm` command group (being built)."""

import click

group = click.Group(name="lm", help="(being built)")
