"""`maillage recover`'s decision to rebuild the index, and its place in the `maillage` command."""

from __future__ import annotations

import pytest

from maillage.cli import build_parser
from maillage.recover import must_rebuild


@pytest.mark.parametrize(
    ("indexed", "stored", "mode", "expected"),
    [
        (0, 10_000, "auto", True),  # an emptied Elasticsearch node
        (9_990, 10_000, "auto", True),  # events lost with Kafka's logs
        (10_000, 10_000, "auto", False),  # intact: no needless rebuild
        (10_003, 10_000, "auto", True),  # the store restored from an older backup
        (10_000, 10_000, "always", True),
        (0, 10_000, "never", False),
    ],
)
def test_the_index_is_rebuilt_only_when_its_count_differs_from_the_store(
    indexed: int, stored: int, mode: str, expected: bool
) -> None:
    assert must_rebuild(indexed, stored, mode) is expected


def test_recover_is_a_maillage_command_with_its_options() -> None:
    args = build_parser().parse_args(["recover", "--timeout", "30", "--reindex", "never"])
    assert (args.timeout, args.reindex) == (30.0, "never")
    assert args.func.__name__ == "cmd_recover"
