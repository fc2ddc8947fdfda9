"""障害児通所支援 from the registry's declared events (fukushi/subscribers/tsusho.py): the child's
death ends the open 給付決定 (valid to the day of death) and a pending 申請; the child's 転出確定
ends it on the 除票 date; the 保護者's 転出 alone flags the decision for the clerk (listed on the
search screen, kept or ended by the clerk), never ends it; each exactly once (a redelivered
event changes nothing), with the history row keyed on the 異動 and the system's access-log row;
the other town's decisions are untouched and unseen."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from fukushi.models import TsushoKettei, TsushoRireki
from fukushi.services.tsusho import TsushoRefused, tsusho_kakunin, tsusho_shinsei
from fukushi.tests.test_shogai_teate_cases import _redeliver
from fukushi.tests.test_tsusho_services import ACTOR, WARI_240000, family, kettei
from tenants.accesslog.models import AccessLog
from tenants.db import connection
from zeimu.tests.factories import kazei_set

pytestmark = pytest.mark.django_db

BASE = "/fukushi/jido-tsusho"
SUB = "fukushi.subscribers.tsusho."


def decided(town: str, shimei: str, birth: str = "2015-05-05") -> tuple[Any, Any, TsushoKettei]:
    """(father, child, 給付決定 of 放課後等デイサービス from 令和7年8月1日 to 令和8年7月31日)."""
    father, mother, child = family(town, birth, shimei=shimei)
    kazei_set(father.pk, 2025, shotokuwari=WARI_240000)
    kazei_set(mother.pk, 2025, status="hikazei")
    k = tsusho_shinsei(atena_id=child.pk, hogosha_atena_id=father.pk,
                       shinsei_date=date(2025, 7, 1), actor=ACTOR)  # fmt: skip
    return father, child, kettei(k, {"hokago_day": 15})


def test_child_death_and_tenshutsu_end_once_and_the_hogosha_flags(
    alpha, beta, django_capture_on_commit_callbacks
):
    from juminkiroku.tests.factories import shibo, tenshutsu

    connection.set_tenant(beta.municipality)
    _bf, _bc, other = decided("samukawa", "寒川")
    connection.set_tenant(alpha.municipality)
    _f1, c1, d = decided("hayama", "死亡")
    _f2, c2, m = decided("hayama", "転出")
    f3, _c3, g = decided("hayama", "父転出")
    _f4, _m4, c4 = family("hayama", "2016-06-06", shimei="申請")
    p = tsusho_shinsei(atena_id=c4.pk, hogosha_atena_id=_f4.pk, shinsei_date=date(2025, 9, 1),
                       actor=ACTOR)  # fmt: skip

    with django_capture_on_commit_callbacks(execute=True):
        ido_d = shibo(c1, ido_date=date(2025, 9, 20))
    with django_capture_on_commit_callbacks(execute=True):
        ido_p = shibo(c4, ido_date=date(2025, 9, 21))
    with django_capture_on_commit_callbacks(execute=True):
        ido_m = tenshutsu(c2, ido_date=date(2025, 10, 5), todoke_date=date(2025, 10, 1))
    with django_capture_on_commit_callbacks(execute=True):
        ido_g = tenshutsu(f3, ido_date=date(2025, 10, 6), todoke_date=date(2025, 10, 1))
    for k in (d, m, g, p):
        k.refresh_from_db()
    # the child's death: valid to the day of death, ended
    assert (d.jotai, d.shuryo_jiyu, d.kikan_kaishi, d.kikan_shuryo) == (
        "shuryo", "shibo", date(2025, 8, 1), date(2025, 9, 20),
    )  # fmt: skip
    assert d.rireki.get(ido_id=ido_d.pk).naiyo == (
        "給付決定の終了：障害児の死亡（住民記録の異動、令和7年9月20日）。"
        "給付決定期間 令和7年8月1日から令和8年7月31日まで → 令和7年8月1日から令和7年9月20日まで"
    )
    # a pending 申請 ends too
    assert (p.jotai, p.shuryo_jiyu, p.kikan_shuryo) == ("shuryo", "shibo", None)
    assert p.rireki.get(ido_id=ido_p.pk).naiyo == (
        "申請の終了：障害児の死亡（住民記録の異動、令和7年9月21日）"
    )
    # the child's 転出確定: valid to the 除票 date
    assert (m.jotai, m.shuryo_jiyu, m.kikan_shuryo) == ("shuryo", "tenshutsu", date(2025, 10, 5))
    assert m.rireki.get(ido_id=ido_m.pk).created_by == "system:fukushi_tsusho"
    # the 保護者's 転出: not ended, flagged for the clerk, once
    assert (g.jotai, g.kikan_shuryo, g.shuryo_jiyu) == ("yuko", date(2026, 7, 31), "")
    assert g.yokakunin == "保護者の転出（住民記録の異動、令和7年10月6日）"
    flag = g.rireki.get(ido_id=ido_g.pk)
    assert flag.kind == "kakunin" and "自動では終了していません" in flag.naiyo

    counts = {k.pk: k.rireki.count() for k in (d, m, g, p)}
    _redeliver("juminkiroku.shibo", ido_d.pk, SUB + "tsusho_on_shibo")
    _redeliver("juminkiroku.shibo", ido_p.pk, SUB + "tsusho_on_shibo")
    _redeliver("juminkiroku.tenshutsu_kakutei", ido_m.pk, SUB + "tsusho_on_tenshutsu")
    _redeliver("juminkiroku.tenshutsu_kakutei", ido_g.pk, SUB + "tsusho_on_tenshutsu")
    assert {k.pk: k.rireki.count() for k in (d, m, g, p)} == counts
    d.refresh_from_db()
    g.refresh_from_db()
    assert d.kikan_shuryo == date(2025, 9, 20) and g.jotai == "yuko"
    assert (
        AccessLog.objects.filter(
            record_type="fukushi.TsushoKettei", screen="fukushi.tsusho_renkei",
            record_id__in=[str(k.pk) for k in (d, m, g, p)],
        ).count()
        == 4
    )  # fmt: skip

    # 寒川町: untouched
    connection.set_tenant(beta.municipality)
    other.refresh_from_db()
    assert (other.jotai, other.yokakunin, other.rireki.count()) == ("yuko", "", 2)
    assert not TsushoRireki.objects.filter(ido_id__isnull=False).exists()
    assert not AccessLog.objects.filter(screen="fukushi.tsusho_renkei").exists()
    connection.set_schema_to_public()


def test_the_flag_is_listed_kept_by_the_clerk_and_walled(
    alpha, beta, login, django_capture_on_commit_callbacks
):
    from juminkiroku.tests.factories import shibo, tenshutsu

    connection.set_tenant(alpha.municipality)
    father, _child, k = decided("hayama", "確認")
    _f, _c, plain = decided("hayama", "普通", birth="2014-04-04")
    with django_capture_on_commit_callbacks(execute=True):
        tenshutsu(father, ido_date=date(2025, 10, 6), todoke_date=date(2025, 10, 1))
    connection.set_tenant(beta.municipality)
    bf, _bc, bk = decided("samukawa", "寒川")
    with django_capture_on_commit_callbacks(execute=True):
        shibo(bf, ido_date=date(2025, 10, 7), town_slug="samukawa")  # the 保護者's death flags too
    bk.refresh_from_db()
    assert bk.jotai == "yuko" and bk.yokakunin.startswith("保護者の死亡")
    connection.set_schema_to_public()

    s = login("hayama-shinsa", alpha.host)
    r = s.post(f"{BASE}/", {"mokuteki": "異動の確認", "yokakunin": "on"}).content.decode()
    assert "確認　子0" in r and "要確認：保護者の転出（住民記録の異動、令和7年10月6日）" in r
    assert "普通　子0" not in r and "寒川　子0" not in r
    html = s.get(f"{BASE}/{k.pk}/").content.decode()
    assert "確認が必要です：保護者の転出" in html
    # keeping it needs a reason: Japanese, nothing written
    connection.set_tenant(alpha.municipality)
    before = k.rireki.count()
    connection.set_schema_to_public()
    r = s.post(f"{BASE}/{k.pk}/ido/", {"ido": "kakunin", "jiyu_date": "令和7年10月10日",
                                       "riyu": ""}, follow=True)  # fmt: skip
    assert "確認の結果（理由）を入力してください。" in r.content.decode()
    connection.set_tenant(alpha.municipality)
    k.refresh_from_db()
    assert k.rireki.count() == before and k.yokakunin
    with pytest.raises(TsushoRefused):  # a decision with nothing to confirm
        tsusho_kakunin(pk=plain.pk, day=date(2025, 10, 10), riyu="x", actor=ACTOR)
    connection.set_schema_to_public()
    r = s.post(f"{BASE}/{k.pk}/ido/", {"ido": "kakunin", "jiyu_date": "令和7年10月10日",
                                       "riyu": "母が保護者として同居を続ける"})  # fmt: skip
    assert r.status_code == 302
    connection.set_tenant(alpha.municipality)
    k.refresh_from_db()
    last = k.rireki.order_by("-id").first()
    assert (k.jotai, k.yokakunin) == ("yuko", "")
    assert last is not None and (last.kind, last.riyu) == (
        "kakunin",
        "母が保護者として同居を続ける",
    )
    assert last.naiyo == "保護者の異動を確認し継続：保護者の転出（住民記録の異動、令和7年10月6日）"
    connection.set_schema_to_public()
    r = s.post(f"{BASE}/", {"mokuteki": "異動の確認", "yokakunin": "on"}).content.decode()
    assert "該当する支給決定はありません。" in r

    # 寒川町's flag is its own: the other town's clerk lists only hers; hayama's record is 404
    sb = login("samukawa-shinsa", beta.host)
    r = sb.post(f"{BASE}/", {"mokuteki": "異動の確認", "yokakunin": "on"}).content.decode()
    assert "寒川　子0" in r and "確認　子0" not in r
    assert "確認　子0" not in sb.get(f"{BASE}/{k.pk}/", follow=True).content.decode()
    # without the grant: no list, no record
    c = login("hayama-clerk", alpha.host)
    assert (
        "確認　子0" not in c.post(f"{BASE}/", {"mokuteki": "x", "yokakunin": "on"}).content.decode()
    )
    assert c.get(f"{BASE}/{k.pk}/").status_code == 404
