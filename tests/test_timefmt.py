"""One timestamp rule in every output: findings.md/csv (cite), personas.md and report.html."""

from __future__ import annotations

import pytest

from insightminer.output.html.sections import _quote
from insightminer.output.report import _md_item, cite
from insightminer.timefmt import format_timestamp


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [
        (None, ""),
        (0, "00:00"),
        (59.4, "00:59"),
        (59.6, "01:00"),
        (2.5, "00:03"),
        (83, "01:23"),
        (3599.7, "1:00:00"),
        (3725.2, "1:02:05"),
        (-3, "00:00"),
        ("12.4", "00:12"),
        ("soon", ""),
        (float("nan"), ""),
    ],
)
def test_format_timestamp(seconds, shown):
    assert format_timestamp(seconds) == shown


def test_every_output_shows_59_6_seconds_the_same():
    item = {"doc_id": "d1", "speaker": "Ann", "text": "It broke.", "start": 59.6, "end": 61.2}
    assert cite(item) == "d1, Ann @ 01:00"
    assert "(d1 @ 01:00)" in _md_item(item)
    assert '<span class="ts">01:00\u201301:01</span>' in _quote(item)
