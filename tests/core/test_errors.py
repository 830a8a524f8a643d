"""The exception hierarchy."""

from __future__ import annotations

import pytest

import newsdedup
from newsdedup._core.errors import missing_extra


@pytest.mark.parametrize(("error", "builtin"), [
    (newsdedup.InputError, ValueError), (newsdedup.ConfigError, ValueError),
    (newsdedup.IndexStoreError, RuntimeError), (newsdedup.MissingExtraError, ImportError)])
def test_errors_subclass_builtin_and_base(error: type, builtin: type) -> None:
    """Each error is a NewsdedupError and the matching builtin."""
    assert issubclass(error, newsdedup.NewsdedupError) and issubclass(error, builtin)


def test_missing_extra_names_the_pip_line() -> None:
    """A missing optional module names the extra to install."""
    message = str(missing_extra("pandas", "pandas"))
    assert "pip install 'newsdedup[pandas]'" in message
