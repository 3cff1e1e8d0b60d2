"""Hypothesis settings for the fuzz tests, and the check every refusal must pass.

The "ci" profile (default) is derandomized and small, so the fuzz tests cost seconds and fail
the same way on every machine; BRUGMETER_FUZZ=thorough runs many more, random examples locally.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

from desktop.i18n import LANGUAGES, catalogue, tr
from desktop.models.errors import BrugmeterError

settings.register_profile(
    "ci", max_examples=60, deadline=None, derandomize=True, database=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
settings.register_profile(
    "thorough", max_examples=1500, deadline=None, database=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
settings.load_profile(os.environ.get("BRUGMETER_FUZZ", "ci"))
# For tests whose examples each write and import a workbook: a quarter as many examples.
HEAVY = settings(max_examples=max(10, settings.default.max_examples // 4))


def assert_clear_error(error: BrugmeterError) -> None:
    """A refusal a user can read: its key is in both catalogues and words in both languages."""
    for language in LANGUAGES:
        assert error.key in catalogue(language), f"{error.key} missing in {language}"
        assert tr(error.key, language, **error.params).strip()
