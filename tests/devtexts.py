"""The development articles' raw texts, for tests that compare a faster form with its old one on
real text (read from ../shared when it is beside the repository; third-party text, never copied)."""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def dev_texts() -> list[str]:
    """The dev and seed articles' texts; skips the calling test when ../shared is not there."""
    files = sorted((SHARED / "dev" / "articles").glob("*.txt")) + sorted((SHARED / "seeds").glob("*.txt"))
    if not files:
        pytest.skip("the development articles (../shared/dev/articles) are not beside the repository")
    return [f.read_text(encoding="utf-8") for f in files]
