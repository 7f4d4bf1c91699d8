import os
from pathlib import Path

import pytest

from xsvid_convert.synthetic import write_dataset, xsvid_coco

REPO = Path(__file__).resolve().parent.parent


def fixtures_root() -> Path:
    return Path(os.environ.get("XSVID_FIXTURES", REPO.parent / "shared" / "fixtures"))


@pytest.fixture
def fixtures() -> Path:
    root = fixtures_root()
    if not root.is_dir():
        pytest.skip(f"shared fixtures not found at {root} (set XSVID_FIXTURES)")
    return root


@pytest.fixture
def xsvid(tmp_path) -> Path:
    """An XS-VID-shaped COCO file with PNG frames in images/<video>/."""
    return write_dataset(tmp_path / "xsvid", xsvid_coco(videos=3, frames=5))
