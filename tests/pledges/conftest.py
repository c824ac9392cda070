import pytest


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """Generated packs go to a temporary private directory, never the developer's."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private-media"
    return settings.PRIVATE_MEDIA_ROOT
