"""戸籍届出・通知日 (標準仕様書 4.2.0.4): today is the initial value on the entry of a 異動 made
on a 戸籍届出・通知 (kept as the 異動's 届出日, which the standard allows); not on others.
戸籍の表示の引用 (4.2.0.3): a household member's 本籍・筆頭者 quoted into a 出生."""

from __future__ import annotations

import pytest
from django.utils import timezone
from django.utils.html import escape

from juminkiroku.models import Ido
from juminkiroku.rules.koseki import todoke_date_initial
from juminkiroku.tests.factories import family, household_tennyu
from tenants.accesslog.models import AccessLog
from tenants.db import connection
from tenants.text import text_problem
from tenants.wareki import format_wareki
from tests.personas import ALPHA_HOST, BETA_HOST

pytestmark = pytest.mark.django_db


def test_initial_value_by_jiyu():
    today = timezone.localdate()
    assert todoke_date_initial("K03", today) == format_wareki(today)
    assert todoke_date_initial("S05", today) == format_wareki(today)
    assert todoke_date_initial("M07", today) == ""  # a 職権修正 may come from an investigation
    assert todoke_date_initial("K01", today) == ""


def test_the_entry_screens_show_today(alpha, beta, login):
    connection.set_tenant(alpha.municipality)
    _, atenas = household_tennyu("hayama", members=family())
    connection.set_schema_to_public()
    today = format_wareki(timezone.localdate())
    client = login("hayama-clerk", ALPHA_HOST)
    birth = client.get("/juminkiroku/ido/new/K03/").content.decode()
    assert f'name="todoke_date" value="{today}"' in birth
    shibo = client.get(f"/juminkiroku/ido/new/S03/?atena={atenas[0].pk}").content.decode()
    assert f'name="todoke_date" value="{today}"' in shibo
    goki = client.get(f"/juminkiroku/ido/new/M08/?atena={atenas[0].pk}").content.decode()
    assert 'name="todoke_date" value=""' in goki  # 誤記修正: no 届出, no 戸籍通知
    other = login("samukawa-clerk", BETA_HOST)
    assert other.get(f"/juminkiroku/ido/new/S03/?atena={atenas[0].pk}").status_code == 302


def test_quote_the_households_honseki_into_a_birth(alpha, beta, login):
    # given a household whose 世帯主 has a 本籍 (4.2.0.3)
    connection.set_tenant(alpha.municipality)
    _, atenas = household_tennyu("hayama", members=family())
    setai = atenas[0].setai
    assert setai is not None
    setai_no = setai.setai_no
    connection.set_schema_to_public()
    body = {
        "setai_mode": "existing",
        "setai_no": setai_no,
        "n1-shimei": "山田　二郎",
        "quote_honseki": "1",
    }
    # when the clerk entering a 出生 asks to quote it
    client = login("hayama-clerk", ALPHA_HOST)
    page = client.post("/juminkiroku/ido/new/K03/", body).content.decode()
    # then the new person's 本籍・筆頭者 are filled in, the typed name kept, the read logged
    assert 'name="n1-honseki" value="神奈川県三浦郡葉山町堀内2135番地"' in page
    assert 'name="n1-hittosha" value="山田　太郎"' in page
    assert 'name="n1-shimei" value="山田　二郎"' in page
    connection.set_tenant(alpha.municipality)
    assert AccessLog.objects.filter(
        screen="異動入力（本籍・筆頭者の引用）", record_id=str(atenas[0].pk)
    ).exists()
    assert not Ido.objects.filter(jiyu="K03").exists()
    connection.set_schema_to_public()
    # and in 寒川町 the same 世帯番号 quotes nothing
    other = login("samukawa-clerk", BETA_HOST)
    page = other.post("/juminkiroku/ido/new/K03/", body).content.decode()
    assert "本籍の記録がある住民がいません" in page and "堀内2135番地" not in page
    connection.set_tenant(beta.municipality)
    assert not AccessLog.objects.filter(screen="異動入力（本籍・筆頭者の引用）").exists()


def test_a_control_character_in_the_setai_no_is_refused(alpha, login):
    client = login("hayama-clerk", ALPHA_HOST)
    r = client.post(
        "/juminkiroku/ido/new/K03/",
        {"setai_mode": "existing", "setai_no": "12\x00", "quote_honseki": "1"},
    )
    message = text_problem("12\x00", label="世帯番号")
    assert message is not None and escape(message) in r.content.decode()
