"""The application recipe: an app declares its parts (`Application`), `recipe.fit` runs fit → evaluate → save.

- `seqkit.application.application`: `Application` (the declaration an app subclasses), `Option`, `Settings`,
  `FitContext`;
- `seqkit.application.sources`: files, `--dataset` or the embedded default → streaming `Split`s;
- `seqkit.application.recipe`: the recipe itself, one function;
- `seqkit.application.result`: `FitResult`.

Importing this package imports no TensorFlow.

Example:

>>> from seqkit.application import Application, Option
>>> Application.example_unit
'example'
"""

from seqkit.application.application import Application, FitContext, Option, Settings
from seqkit.application.result import FitResult
from seqkit.application.sources import EmbeddedData, Skipped, Split

__all__ = ["Application", "EmbeddedData", "FitContext", "FitResult", "Option", "Settings", "Skipped", "Split"]
