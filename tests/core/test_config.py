"""DedupConfig: defaults, validation, overrides."""

from __future__ import annotations

import pytest

from newsdedup import ConfigError, DedupConfig


def test_defaults_are_documented_values() -> None:
    """The defaults are the ones the docs describe."""
    config = DedupConfig()
    assert (config.shingle_size, config.num_perm, config.seed) == (5, 128, 1)
    assert config.article_threshold == 0.8 and config.containment_threshold == 0.8


@pytest.mark.parametrize(("name", "value"), [
    ("num_perm", 0), ("shingle_size", -1), ("shingle_size", 2.5), ("article_threshold", 0.0),
    ("article_threshold", 1.5), ("lsh_threshold", "high"), ("story_window_days", -3),
    ("workers", 0), ("boilerplate_patterns", "yes"), ("min_coverage", True),
    ("story_name_agreement", 1.5), ("story_name_agreement", "high"),
])
def test_invalid_values_name_the_option(name: str, value: object) -> None:
    """An invalid value raises ConfigError naming the option and the value."""
    with pytest.raises(ConfigError, match=name):
        DedupConfig(**{name: value})


def test_from_options_applies_overrides_and_rejects_unknown() -> None:
    """Keyword overrides apply on top of a base config; unknown names are errors."""
    base = DedupConfig(shingle_size=3)
    assert DedupConfig.from_options(base, num_perm=64) == DedupConfig(shingle_size=3,
                                                                       num_perm=64)
    with pytest.raises(ConfigError, match="unknown option"):
        DedupConfig.from_options(base, bogus=1)
    with pytest.raises(ConfigError, match="expected a DedupConfig"):
        DedupConfig.from_options({"shingle_size": 3})  # type: ignore[arg-type]


@pytest.mark.parametrize(("retired", "replacement"), [
    ("rewrite_paragraph_threshold", "rewrite_sentence_threshold"),
    ("rewrite_text_threshold", "rewrite_retold_share"),
    ("rewrite_evidence_threshold", "rewrite_evidence_share"),
])
def test_a_retired_option_names_what_replaced_it(retired: str, replacement: str) -> None:
    """An option of an earlier release is refused with what replaced it, not as unknown."""
    with pytest.raises(ConfigError, match=f"'{retired}' is no longer an option: .*{replacement}"):
        DedupConfig.from_options(**{retired: 0.4})


def test_config_is_frozen() -> None:
    """A config cannot be changed after creation."""
    config = DedupConfig()
    with pytest.raises(AttributeError):
        config.num_perm = 3  # type: ignore[misc]


def test_window_can_be_disabled() -> None:
    """story_window_days=None turns the time window off."""
    assert DedupConfig(story_window_days=None).story_window_days is None


@pytest.mark.parametrize("seed", [2**32, 2**70, -1])
def test_seed_outside_numpy_range_is_a_config_error(seed: int) -> None:
    """Seeds numpy's RandomState refuses (>= 2**32) are a ConfigError giving the range."""
    with pytest.raises(ConfigError, match=r"seed: expected an integer from 0 to 2\*\*32 - 1"):
        DedupConfig(seed=seed)


def test_seed_range_ends_are_accepted_and_run() -> None:
    """Seed 0 and 2**32 - 1 are valid and run end to end."""
    from newsdedup import dedup

    for seed in (0, 2**32 - 1):
        assert len(dedup([{"id": "a", "text": "one two three"}], seed=seed).groups) == 1


def test_shingle_size_above_the_kernel_limit_is_a_config_error() -> None:
    """Shingles of more than 64 words are refused when the config is built, not mid-run."""
    assert DedupConfig(shingle_size=64).shingle_size == 64
    with pytest.raises(ConfigError, match="shingle_size: expected an integer from 1 to 64"):
        DedupConfig(shingle_size=65)


def test_nan_window_is_a_config_error() -> None:
    """A NaN story window (neither a window nor None) is refused."""
    with pytest.raises(ConfigError, match="story_window_days"):
        DedupConfig(story_window_days=float("nan"))
