"""Errors and warnings raised by magsynapse.

Every error a user can cause is a :class:`MagsynapseError` whose message is one line
naming the offending input and the accepted values, so that the command-line interface
can print it without a traceback.
"""


class MagsynapseError(ValueError):
    """Bad input: the message names the input and what is accepted."""


class MagsynapseWarning(UserWarning):
    """A result that is valid but deserves attention (e.g. outside a calibrated range)."""
