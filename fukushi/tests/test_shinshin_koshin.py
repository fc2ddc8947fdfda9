"""心身障害者医療 一斉更新: in the town's 更新月 every 受給者証 ending the day before is checked
again against the town's criteria and the 本人's income of the new 年度, and gets the new
certificate year or ends with its reasons, exactly once; two towns with different 更新月.
The criteria and incomes are test inputs, not any real town's 条例."""

from __future__ import annotations

from datetime import date

import pytest

from fukushi.models import ShinshinJotai, ShinshinJukyusha, TechoKind
from fukushi.services.shinshin import ShinshinRefused, shinshin_kofu, shinshin_koshin
from fukushi.tests.test_shinshin import ACTOR, AUG, HAYAMA, SAMUKAWA, person, techo
from tenants.accesslog.models import AccessLog
from tenants.db import connection
from tenants.params.tenant.services import municipal_parameter_set
from zeimu.tests.factories import kazei

pytestmark = pytest.mark.django_db

BASE = "/fukushi/shinshin-shogaisha-iryo"


def criteria(values: dict[str, str], *years: int) -> None:
    for year in years:
        for name, v in values.items():
            municipal_parameter_set(
                key=f"fukushi.shinshin.{name}", fiscal_year=year, value_text=v,
                reason="試験（条例）", actor=ACTOR,
            )  # fmt: skip


def test_koshin_renews_or_ends_once_in_each_towns_month(alpha, beta, login):
    connection.set_tenant(alpha.municipality)  # 葉山町: 更新月 8月 (the default)
    criteria(HAYAMA, 2025)
    ok = person("hayama", shimei="更新　継続")
    techo(ok.pk, TechoKind.SHINTAI, "1")
    kazei(ok.pk, 2025, sonota=0)
    rich = person("hayama", shimei="更新　所得")
    techo(rich.pk, TechoKind.SHINTAI, "2")
    kazei(rich.pk, 2025, sonota=0)
    j_ok = shinshin_kofu(atena_id=ok.pk, kaishi=AUG, actor=ACTOR)
    j_rich = shinshin_kofu(atena_id=rich.pk, kaishi=AUG, actor=ACTOR)
    assert j_ok.yuko_shuryo == date(2026, 7, 31)
    # a town with no criteria at all for the 年度 is refused before anything changes
    with pytest.raises(ShinshinRefused):
        shinshin_koshin(nen=2024, actor=ACTOR)
    kazei(ok.pk, 2026, sonota=1_000_000)
    kazei(rich.pk, 2026, sonota=4_000_000)  # over the 3,604,000円 limit in the new 年度

    connection.set_tenant(beta.municipality)  # 寒川町: 更新月 4月
    criteria({**SAMUKAWA, "koshin_tsuki": "4"}, 2025, 2026)
    b = person("samukawa", shimei="寒川　更新")
    techo(b.pk, TechoKind.SHINTAI, "3")
    jb = shinshin_kofu(atena_id=b.pk, kaishi=AUG, actor=ACTOR)
    assert jb.yuko_shuryo == date(2026, 3, 31)

    # 葉山町's run (through the screen) touches only 葉山町's certificates
    connection.set_schema_to_public()
    c = login("hayama-clerk", alpha.host)  # without the grant: 404
    assert c.post(f"{BASE}/koshin/", {"nen": 2026}).status_code == 404
    s = login("hayama-shinsa", alpha.host)
    r = s.post(f"{BASE}/koshin/", {"nen": 2026}, follow=True)
    assert "一斉更新：更新 1件、更新しない 1件" in r.content.decode()
    r = s.post(f"{BASE}/koshin/", {"nen": 2026}, follow=True)  # again: nothing more
    assert "一斉更新：更新 0件、更新しない 0件" in r.content.decode()
    connection.set_tenant(alpha.municipality)
    j_ok.refresh_from_db()
    j_rich.refresh_from_db()
    assert (j_ok.jotai, j_ok.yuko_kaishi, j_ok.yuko_shuryo) == (
        ShinshinJotai.YUKO, AUG, date(2027, 7, 31),
    )  # fmt: skip
    assert (j_rich.jotai, j_rich.yuko_shuryo, j_rich.shikkaku_jiyu) == (
        ShinshinJotai.SHIKKAKU, date(2026, 7, 31), "koshin",
    )  # fmt: skip
    last = j_rich.rireki.order_by("pk").last()
    assert last is not None and last.naiyo == (
        "一斉更新で更新しない（令和8年7月31日まで）：本人の合計所得金額 4,000,000円が"
        "所得制限 3,604,000円を超えています。"
    )
    assert j_ok.rireki.filter(kind="koshin").count() == 1
    assert j_rich.rireki.filter(kind="shikkaku").count() == 1
    assert AccessLog.objects.filter(screen="fukushi.shinshin_koshin").count() == 1

    connection.set_tenant(beta.municipality)
    jb.refresh_from_db()
    assert jb.yuko_shuryo == date(2026, 3, 31) and not jb.rireki.filter(kind="koshin").exists()
    out = shinshin_koshin(nen=2026, actor=ACTOR)  # 寒川町's own month: 令和8年4月
    assert (out.koshin, out.shuryo) == (1, 0)
    jb.refresh_from_db()
    assert jb.yuko_shuryo == date(2027, 3, 31)
    assert shinshin_koshin(nen=2026, actor=ACTOR).koshin == 0
    assert list(ShinshinJukyusha.objects.values_list("atena_id", flat=True)) == [b.pk]
