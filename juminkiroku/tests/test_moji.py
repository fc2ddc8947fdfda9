"""文字コード照会 (標準仕様書 2.2.3): characters enlarged, with their codes."""

from __future__ import annotations

import pytest

from juminkiroku.rules.moji import moji_info
from tests.personas import ALPHA_HOST


def test_codes_names_and_character_sets():
    # given a JIS X 0213-only character, an IVS and one outside both sets
    chars = moji_info("𠮟田　邉\U000e0103髙")
    # then each character is listed once, spaces skipped, the IVS kept with its base
    assert [m.codes for m in chars] == ["U+20B9F", "U+7530", "U+9089 U+E0103", "U+9AD9"]
    shi, ta, be, taka = chars
    assert (ta.jis_x_0208, ta.jis_x_0213, ta.name) == (True, True, "CJK UNIFIED IDEOGRAPH-7530")
    assert (shi.jis_x_0208, shi.jis_x_0213) == (False, True)  # 𠮟: JIS X 0213 only
    assert be.ivs and not ta.ivs
    assert (taka.jis_x_0208, taka.jis_x_0213) == (False, False)  # 髙: in neither (外字)


@pytest.mark.django_db
def test_screen_posts_the_text_and_shows_codes(world, login):
    client = login("hayama-viewer", ALPHA_HOST)
    assert client.get("/juminkiroku/moji/").status_code == 200
    html = client.post("/juminkiroku/moji/", {"text": "髙橋"}).content.decode()
    assert "U+9AD9" in html and "U+6A4B" in html
    refused = client.post("/juminkiroku/moji/", {"text": "a\x07"})
    assert "moji-table" not in refused.content.decode() and "制御文字" in refused.content.decode()
