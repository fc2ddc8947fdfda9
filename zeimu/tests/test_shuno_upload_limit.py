"""The three 収納 file imports (口座振替結果, コンビニ収納, 金融機関の納付書データ) share one screen
flow (``zeimu.views.shuno.file_import_view``): a file over the size limit is refused on the
file field in words, before anything is read or written, and each screen still answers."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tenants.db import connection
from tests.personas import ALPHA_HOST
from zeimu.models import ShunoFile

pytestmark = pytest.mark.django_db

SCREENS = ["/zeimu/shuno/koza-kekka/", "/zeimu/shuno/conveni/", "/zeimu/shuno/kinyu/"]


@pytest.mark.parametrize("url", SCREENS)
def test_a_file_over_the_limit_is_refused_and_nothing_is_written(
    world: Any, login: Any, monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    from zeimu.views import shuno, shuno_conveni

    monkeypatch.setattr(shuno, "MAX_FILE", 100)
    monkeypatch.setattr(shuno_conveni, "MAX_FILE", 100)
    clerk = login("hayama-clerk", ALPHA_HOST)
    assert clerk.get(url).status_code == 200
    r = clerk.post(url, {"file": SimpleUploadedFile("big.dat", b"1" * 5_000)})
    assert r.status_code == 200
    assert "ファイルが大きすぎます" in r.content.decode()
    connection.set_tenant(world.alpha.municipality)
    assert not ShunoFile.objects.exists()
