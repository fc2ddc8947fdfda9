"""自立支援給付 from the registry's declared events (fukushi/subscribers/shogai.py): a death ends
the open 支給決定 (valid to the day of death) and a pending 申請; a 転出確定 ends them on the
除票 date, except a 入所・居住系 decision (居住地特例, 障害者総合支援法第19条第3項) which stays and
asks the clerk in its history; each exactly once (a redelivered event changes nothing), with the
history row keyed on the 異動 and the system's access-log row; the other town's decisions are
untouched; the ended decision shows its state on the screen behind the grant and prints no
受給者証."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from fukushi.models import JiritsuKettei, JiritsuRireki
from fukushi.services.jiritsu import jiritsu_shinsei, jiritsu_torikeshi
from fukushi.tests.test_jiritsu_services import ACTOR, WARI_159999, kettei, person
from fukushi.tests.test_shogai_teate_cases import _redeliver
from tenants.accesslog.models import AccessLog
from tenants.db import connection
from zeimu.tests.factories import kazei_set

pytestmark = pytest.mark.django_db

BASE = "/fukushi/jiritsu-shien"
SUB = "fukushi.subscribers.shogai."
WHO: dict[tuple[str, str], Any] = {}  # the 宛名 of each person made by ``decided``


def decided(town: str, shimei: str, services: dict[str, int]) -> JiritsuKettei:
    a = person(town, shimei=shimei)
    WHO[(town, shimei)] = a
    kazei_set(a.pk, 2025, shotokuwari=WARI_159999)
    k = jiritsu_shinsei(atena_id=a.pk, shinsei_date=date(2025, 7, 1), haigusha_atena_id=None,
                        actor=ACTOR)  # fmt: skip
    return kettei(k, services)  # 令和7年8月1日から令和8年7月31日まで


def test_death_and_tenshutsu_end_decisions_exactly_once(
    alpha, beta, django_capture_on_commit_callbacks
):
    from juminkiroku.tests.factories import shibo, tenshutsu

    connection.set_tenant(beta.municipality)
    other = decided("samukawa", "寒川　四郎", {"shuro_keizoku_b": 20})
    connection.set_tenant(alpha.municipality)
    d = decided("hayama", "死亡　一", {"shuro_keizoku_b": 20})
    m = decided("hayama", "転出　二", {"shuro_keizoku_a": 18})
    g = decided("hayama", "入居　三", {"kyodo_seikatsu_enjo": 31, "shuro_keizoku_b": 20})
    p_atena = person("hayama", shimei="申請　四")
    p = jiritsu_shinsei(atena_id=p_atena.pk, shinsei_date=date(2025, 9, 1),
                        haigusha_atena_id=None, actor=ACTOR)  # fmt: skip

    def who(shimei: str) -> Any:
        return WHO[("hayama", shimei)]

    with django_capture_on_commit_callbacks(execute=True):
        ido_d = shibo(who("死亡　一"), ido_date=date(2025, 9, 20))
    with django_capture_on_commit_callbacks(execute=True):
        ido_p = shibo(p_atena, ido_date=date(2025, 9, 21))
    with django_capture_on_commit_callbacks(execute=True):
        ido_m = tenshutsu(
            who("転出　二"), ido_date=date(2025, 10, 5), todoke_date=date(2025, 10, 1)
        )
    with django_capture_on_commit_callbacks(execute=True):
        ido_g = tenshutsu(
            who("入居　三"), ido_date=date(2025, 10, 6), todoke_date=date(2025, 10, 1)
        )
    for k in (d, m, g, p):
        k.refresh_from_db()
    # death: valid to the day of death, ended
    assert (d.jotai, d.shuryo_jiyu, d.kikan_kaishi, d.kikan_shuryo) == (
        "shuryo", "shibo", date(2025, 8, 1), date(2025, 9, 20),
    )  # fmt: skip
    assert d.rireki.get(ido_id=ido_d.pk).naiyo == (
        "支給決定の終了：死亡（住民記録の異動、令和7年9月20日）。"
        "支給決定期間 令和7年8月1日から令和8年7月31日まで → 令和7年8月1日から令和7年9月20日まで"
    )
    # a pending 申請 ends too (the constraint of one open case per person no longer holds it)
    assert (p.jotai, p.shuryo_jiyu, p.kikan_shuryo) == ("shuryo", "shibo", None)
    assert (
        p.rireki.get(ido_id=ido_p.pk).naiyo == "申請の終了：死亡（住民記録の異動、令和7年9月21日）"
    )
    # 転出確定: valid to the 除票 date (the 転出予定日 here)
    assert (m.jotai, m.shuryo_jiyu, m.kikan_shuryo) == ("shuryo", "tenshutsu", date(2025, 10, 5))
    assert m.rireki.get(ido_id=ido_m.pk).created_by == "system:fukushi_jiritsu"
    # 共同生活援助: may stay under the 居住地特例 — not ended, the clerk is asked, once
    assert (g.jotai, g.kikan_shuryo) == ("yuko", date(2026, 7, 31))
    kakunin = g.rireki.get(ido_id=ido_g.pk)
    assert kakunin.kind == "kakunin"
    assert "共同生活援助の支給決定のため自動では終了していません" in kakunin.naiyo
    assert "居住地特例（障害者総合支援法第19条第3項）" in kakunin.naiyo

    counts = {k.pk: k.rireki.count() for k in (d, m, g, p)}
    _redeliver("juminkiroku.shibo", ido_d.pk, SUB + "jiritsu_on_shibo")
    _redeliver("juminkiroku.shibo", ido_p.pk, SUB + "jiritsu_on_shibo")
    _redeliver("juminkiroku.tenshutsu_kakutei", ido_m.pk, SUB + "jiritsu_on_tenshutsu")
    _redeliver("juminkiroku.tenshutsu_kakutei", ido_g.pk, SUB + "jiritsu_on_tenshutsu")
    assert {k.pk: k.rireki.count() for k in (d, m, g, p)} == counts
    g.refresh_from_db()
    d.refresh_from_db()
    assert g.jotai == "yuko" and d.kikan_shuryo == date(2025, 9, 20)
    assert (
        AccessLog.objects.filter(
            record_type="fukushi.JiritsuKettei", screen="fukushi.jiritsu_renkei",
            record_id__in=[str(k.pk) for k in (d, m, g, p)],
        ).count()
        == 4
    )  # fmt: skip
    # the clerk judges the 特例 does not apply: 取消 after the 転出 date is accepted
    jiritsu_torikeshi(pk=g.pk, day=date(2025, 10, 7), riyu="居住地特例に当たらない", actor=ACTOR)
    g.refresh_from_db()
    assert g.jotai == "torikeshi"

    # 寒川町: untouched
    connection.set_tenant(beta.municipality)
    other.refresh_from_db()
    assert other.jotai == "yuko" and other.rireki.count() == 2
    assert not JiritsuRireki.objects.filter(ido_id__isnull=False).exists()
    connection.set_schema_to_public()


def test_death_before_the_period_and_the_ended_screen(
    alpha, beta, login, django_capture_on_commit_callbacks
):
    from juminkiroku.tests.factories import shibo

    connection.set_tenant(alpha.municipality)
    k = decided("hayama", "期間前　五", {"shuro_keizoku_b": 20})
    with django_capture_on_commit_callbacks(execute=True):
        ido = shibo(WHO[("hayama", "期間前　五")], ido_date=date(2025, 7, 25))
    k.refresh_from_db()
    # the period (from 令和7年8月1日) had not begun: left as decided, nothing paid, ended
    assert (k.jotai, k.kikan_kaishi, k.kikan_shuryo) == (
        "shuryo", date(2025, 8, 1), date(2026, 7, 31),
    )  # fmt: skip
    assert k.rireki.get(ido_id=ido.pk).naiyo.endswith(
        "支給決定期間（令和7年8月1日から令和8年7月31日まで）の開始前のため支給なし"
    )
    connection.set_schema_to_public()

    s = login("hayama-shinsa", alpha.host)
    r = s.post(f"{BASE}/", {"mokuteki": "死亡の確認", "jukyusha_bango": k.jukyusha_bango})
    assert "該当する支給決定はありません。" in r.content.decode()  # an ended one is not open
    r = s.post(f"{BASE}/", {"mokuteki": "死亡の確認", "jukyusha_bango": k.jukyusha_bango,
                            "include_closed": "on"})  # fmt: skip
    assert "期間前　五" in r.content.decode()
    html = s.get(f"{BASE}/{k.pk}/").content.decode()
    assert "終了（死亡・転出）" in html and "開始前のため支給なし" in html
    assert "受給者証を印刷する" not in html and "支給量の変更" not in html
    assert s.get(f"{BASE}/{k.pk}/jukyushasho.pdf").status_code != 200
    # without the grant, or in the other town: 404
    c = login("hayama-clerk", alpha.host)
    assert c.get(f"{BASE}/{k.pk}/").status_code == 404
    sb = login("samukawa-shinsa", beta.host)
    assert sb.get(f"{BASE}/{k.pk}/").status_code == 404
