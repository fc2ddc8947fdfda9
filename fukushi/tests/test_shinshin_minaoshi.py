"""見直し of a 心身障害者医療 受給者証 whose 根拠 手帳 changed (fukushi/services/shinshin.py):
a 等級 that no longer meets the town's criteria ends the certificate the day before the
見直し; a returned 手帳 with another qualifying 手帳 moves the 根拠; an unchanged certificate is
not listed and cannot be "reviewed"; two towns. Criteria values are test inputs (as in
test_shinshin.py), not any town's 条例."""

from __future__ import annotations

from datetime import date

import pytest

from fukushi.models import ShinshinJotai, ShinshinJukyusha, ShinshinRireki, TechoKind
from fukushi.services.shinshin import (
    ShinshinRefused,
    minaoshi_list,
    shinshin_kofu,
    shinshin_minaoshi,
)
from fukushi.services.shogai import techo_henkan, techo_tokyu_henko
from fukushi.tests.test_shinshin import ACTOR, AUG, BASE, HAYAMA, SAMUKAWA, criteria, person, techo
from tenants.accesslog.models import AccessLog
from tenants.db import connection
from zeimu.tests.factories import kazei

pytestmark = pytest.mark.django_db

OCT = date(2025, 10, 1)


@pytest.fixture
def hayama(alpha):
    """葉山町 (身体 up to 2級, 療育 A1・A2): three 受給者 from 令和7年8月1日."""
    connection.set_tenant(alpha.municipality)
    criteria(HAYAMA)
    out = {}
    for name, kinds in (
        ("等級　変更", [(TechoKind.SHINTAI, "2")]),
        ("返還　療育", [(TechoKind.SHINTAI, "2"), (TechoKind.RYOIKU, "A1")]),
        ("不変　一郎", [(TechoKind.SHINTAI, "1")]),
    ):
        a = person("hayama", shimei=name)
        ts = [techo(a.pk, kind, tokyu) for kind, tokyu in kinds]
        kazei(a.pk, 2025, sonota=1_000_000)
        j = shinshin_kofu(atena_id=a.pk, kaishi=AUG, actor=ACTOR)
        out[name] = (a, ts, j)
    return out


def test_a_changed_techo_is_listed_and_reviewed(hayama, beta):
    (a, (t,), j) = hayama["等級　変更"]
    (_b, (tb, rb), jb) = hayama["返還　療育"]
    (_c, _, jc) = hayama["不変　一郎"]
    assert jb.konkyo == "身体障害者手帳 2級"
    # nothing changed yet: nothing to review
    assert minaoshi_list(OCT) == []
    # the 身体 2級 becomes 3級 (再認定) and the other 身体 手帳 is returned
    techo_tokyu_henko(pk=t.pk, day=OCT, tokyu="3", bui=None, riyu="再認定", actor=ACTOR)
    techo_henkan(pk=tb.pk, day=OCT, riyu="返還届", actor=ACTOR)
    listed = {m.jukyusha.pk: m for m in minaoshi_list(OCT)}
    assert set(listed) == {j.pk, jb.pk}
    assert (
        listed[j.pk].change
        == "根拠の手帳の等級が変わりました（身体障害者手帳 2級 → 身体障害者手帳 3級）。"
    )
    assert listed[j.pk].reasons == ("手帳の等級・程度がこの町の対象（条例）に当たりません。",)
    assert listed[jb.pk].change == "根拠の手帳が返還になっています。"
    assert (listed[jb.pk].konkyo, listed[jb.pk].reasons) == ("療育手帳 A1", ())
    # reviewed on 10/1: the 3級 holder's certificate ends on 9/30, with the reason kept
    ended = shinshin_minaoshi(pk=j.pk, day=OCT, actor=ACTOR)
    assert (ended.jotai, ended.yuko_shuryo, ended.shikkaku_jiyu) == (
        ShinshinJotai.SHIKKAKU, date(2025, 9, 30), "minaoshi",
    )  # fmt: skip
    last = ShinshinRireki.objects.filter(jukyusha=j).order_by("pk").last()
    assert last is not None and last.naiyo.startswith(
        "見直しにより令和7年9月30日まで：根拠の手帳の等級"
    )
    # the 返還 holder goes on, the 療育 A1 手帳 now the 根拠, to the same end
    moved = shinshin_minaoshi(pk=jb.pk, day=OCT, actor=ACTOR)
    assert (moved.jotai, moved.konkyo, moved.techo_id, moved.yuko_shuryo) == (
        ShinshinJotai.YUKO, "療育手帳 A1", rb.pk, jb.yuko_shuryo,
    )  # fmt: skip
    assert minaoshi_list(OCT) == []  # both done: a second review finds nothing
    log = AccessLog.objects.get(
        screen="fukushi.shinshin_minaoshi", username=ACTOR.username, record_id=str(j.pk)
    )
    assert log.detail == {"atena_ids": [a.pk], "day": "2025-10-01"}
    # refused, nothing written: an unchanged certificate, a day outside the 有効期間
    rows = ShinshinRireki.objects.count()
    with pytest.raises(ShinshinRefused, match="見直しの対象ではありません"):
        shinshin_minaoshi(pk=jc.pk, day=OCT, actor=ACTOR)
    with pytest.raises(ShinshinRefused, match="有効な受給者証ではありません"):
        shinshin_minaoshi(pk=j.pk, day=OCT, actor=ACTOR)  # already ended
    techo_tokyu_henko(pk=hayama["不変　一郎"][1][0].pk, day=OCT, tokyu="2", bui=None,
                      riyu="再認定", actor=ACTOR)  # fmt: skip
    with pytest.raises(ShinshinRefused, match="有効期間"):
        shinshin_minaoshi(pk=jc.pk, day=AUG, actor=ACTOR)
    assert ShinshinRireki.objects.count() == rows
    assert ShinshinJukyusha.objects.get(pk=jc.pk).jotai == ShinshinJotai.YUKO
    # 寒川町: none of 葉山町's certificates exist there
    connection.set_tenant(beta.municipality)
    criteria(SAMUKAWA)
    assert minaoshi_list(OCT) == []
    with pytest.raises(ShinshinRefused, match="有効な受給者証ではありません"):
        shinshin_minaoshi(pk=jc.pk, day=OCT, actor=ACTOR)


def test_the_review_screen_is_behind_the_grant_and_logs_its_purpose(hayama, alpha, beta, login):
    (_a, (t,), j) = hayama["等級　変更"]
    techo_tokyu_henko(pk=t.pk, day=OCT, tokyu="3", bui=None, riyu="再認定", actor=ACTOR)
    connection.set_tenant(beta.municipality)
    criteria(SAMUKAWA)
    connection.set_schema_to_public()
    # a clerk without the grant: 404, whether anything is to review or not
    clerk = login("hayama-clerk", alpha.host)
    assert clerk.get(f"{BASE}/minaoshi/").status_code == 404
    assert clerk.post(
        f"{BASE}/minaoshi/{j.pk}/", {f"m{j.pk}-day": "令和7年10月1日"}
    ).status_code in (
        403,
        404,
    )
    # the 審査者 with the grant: the list names the person and what changed
    s = login("hayama-shinsa", alpha.host)
    r = s.post(f"{BASE}/minaoshi/", {"mokuteki": "等級変更の見直し", "kijun": "令和7年10月1日"})
    html = r.content.decode()
    assert "等級　変更" in html and "身体障害者手帳 2級 → 身体障害者手帳 3級" in html
    assert "不変　一郎" not in html
    r = s.post(f"{BASE}/minaoshi/{j.pk}/", {f"m{j.pk}-day": "令和7年10月1日"}, follow=True)
    assert "令和7年9月30日までで資格喪失としました" in r.content.decode()
    # 寒川町's 審査者: nothing to review, and 葉山町's certificate is not there
    sb = login("samukawa-shinsa", beta.host)
    r = sb.post(f"{BASE}/minaoshi/", {"mokuteki": "確認", "kijun": "令和7年10月1日"})
    assert r.context_data["results"] == []
    assert (
        sb.post(f"{BASE}/minaoshi/{j.pk}/", {f"m{j.pk}-day": "令和7年10月1日"}).status_code == 404
    )
    connection.set_tenant(alpha.municipality)
    assert ShinshinJukyusha.objects.get(pk=j.pk).jotai == ShinshinJotai.SHIKKAKU
    rows = AccessLog.objects.filter(
        screen="fukushi.shinshin_minaoshi_list", username="hayama-shinsa"
    )
    (row,) = rows
    assert row.purpose == "等級変更の見直し" and row.record_count == 1
    assert row.detail["shinshinjukyusha_ids"] == [j.pk]
