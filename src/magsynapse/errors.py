"""Errors and warnings raised by magsynapse.

Every error a user can cause is a :class:`MagsynapseError` whose message is one line
naming the offending input and the accepted values, so that the command-line interface
can print it without a traceback (exit status 2). A run that fails although its input was
valid raises :class:`MagsynapseRunError` (exit status 1).
"""


class MagsynapseError(ValueError):
    """Bad input: the message names the input and what is accepted."""


class MagsynapseRunError(RuntimeError):
    """A run that could not finish although its input was valid (a worker process
    stopped, a file could not be written, a scheduler could not be reached, an iteration
    did not converge): the message says what failed."""


class MagsynapseWarning(UserWarning):
    """A result that is valid but deserves attention (e.g. outside a calibrated range)."""
