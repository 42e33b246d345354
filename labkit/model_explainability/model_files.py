"""Save and load scikit-learn models as skops files, never as pickles.

The explainability CLI takes a model file from the learner. A pickle runs arbitrary code
when it is loaded, so the kit only reads skops files (a zip archive with a ``schema.json``
that names every type inside). Before anything is built, every type in the file is checked
against skops's default trusted set plus the caller's explicit ``trusted`` list; a file
holding any other type is refused with the type names, and nothing from it is instantiated.
"""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from labkit.errors import LabkitInputError
from labkit.paths import check_output_file, require_file

__all__ = ["load_model", "save_model"]


def save_model(model: Any, path: str | Path) -> Path:
    """Write ``model`` to ``path`` in skops format (parents created) and return the path."""
    import skops.io as sio

    path = check_output_file(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    sio.dump(model, path)
    return path


def load_model(path: str | Path, *, trusted: Sequence[str] = ()) -> Any:
    """Load a skops model file after checking every type it holds.

    ``trusted`` names extra types (``"module.Class"``) the caller vouches for, e.g. a custom
    transformer of their own; by default only skops's default trusted types (scikit-learn,
    NumPy, SciPy and builtins) are accepted. The result must have ``predict``.
    """
    import skops.io as sio

    path = require_file(path, "a skops model file")  # a FIFO or a device is refused unopened
    try:
        untrusted = sio.get_untrusted_types(file=path)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise LabkitInputError(
            f"not a skops model file ({exc}); save the model with labkit.model_explainability.save_model "
            "or skops.io.dump — pickle files are never loaded",
            path=path,
        ) from None
    refused = sorted(set(untrusted) - set(trusted))
    if refused:
        raise LabkitInputError(
            f"refusing to load types that are not trusted: {', '.join(refused)} "
            "(pass trusted=[...] in Python only if you wrote or audited them)",
            path=path,
        )
    try:
        model = sio.load(path, trusted=list(untrusted))
    except (
        ValueError,
        TypeError,
        KeyError,
        AttributeError,
        ImportError,
        OSError,
        zipfile.BadZipFile,
    ) as exc:
        raise LabkitInputError(f"could not read the skops model: {exc}", path=path) from None
    if not callable(getattr(model, "predict", None)):
        raise LabkitInputError(
            f"the file holds a {type(model).__name__}, not a model with predict()", path=path
        )
    return model
