"""The typer application every command registers on, and what runs before each of them."""

from typing import Annotated

import typer

from .. import formats
from .params import state

app = typer.Typer(add_completion=True, no_args_is_help=True, rich_markup_mode=None, pretty_exceptions_enable=False,
                  help="Convert detection and tracking annotations and results between formats: "
                       + ", ".join(formats.FORMATS) + ".")


@app.callback()
def _before_each(debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks.")] = False) -> None:
    import warnings

    import numpy as np

    state["debug"] = debug
    # One line, always: numbers that overflow are checked where they matter, and a library's
    # warning (numpy, Pillow, pandas) is not a message for the user.
    np.seterr(all="ignore")
    warnings.simplefilter("ignore")
