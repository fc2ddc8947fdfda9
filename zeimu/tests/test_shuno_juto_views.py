"""The 充当 screens (地方税法第17条の2; docs/standard/shuno.md S-5) in two towns: the 過誤納
waiting, one 期別's candidates in the order the 充当 follows, the decision — 本税 first, then
the 延滞金 of a 本税 the 充当 paid off, counted to its 充当適状日 (第3項・第4項, 施行令第6条の
14) — its page, the 充当通知書 (第5項) read back from the PDF, and the history; logged, in words
and 和暦; the viewer cannot decide; 寒川町, with 収納管理 of its own, sees and reaches only its
own.

The figures are those of zeimu/tests/test_shuno_kanpu.py::
test_kasankin_on_the_parts_juto_runs_to_the_juto_tekijo_date (worked there by hand from the
rates of zeimu/params/shuno.yaml: 延滞金 400,000円 from 令和7年3月1日 to 9月1日 = 15,400円)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from juminkiroku.tests.factories import family, household_tennyu
from tenants.accesslog.models import AccessLog
from tenants.accesslog.services import Actor
from tenants.db import connection
from tenants.testing.pdf import pdf_pages
from tests.personas import ALPHA_HOST, BETA_HOST
from zeimu.models import JutoTsuchi, Kibetsu, Zeimoku
from zeimu.public import chotei_post
from zeimu.services.shuno import balances, madoguchi_nofu

pytestmark = pytest.mark.django_db

ACTOR = Actor(user_id=None, username="test")


def _case(town: Any, prefix: str, kotei: int = 1_500_000) -> dict[str, Any]:
    """A taxpayer whose 固定資産税 (paid 1,500,000円 on its 納期限 令和7年4月30日) is lowered to
    0 on 令和7年9月1日, who owes 軽自動車税 400,000円 due 令和7年2月28日 and 個人住民税
    600,000円 due 令和7年10月31日."""
    connection.set_tenant(town.municipality)
    _, (head, *_) = household_tennyu(prefix, members=family(), ido_date=date(2020, 4, 1))

    def post(key: str, zeimoku: Zeimoku, amount: int, nouki: date, **kw: Any) -> Any:
        return chotei_post(zeimoku=zeimoku, key=key, atena_id=head.pk,
                           nendo=kw.pop("nendo", 2025), ki=kw.pop("ki", 1), ki_label="第1期",
                           nouki=nouki, amount=amount, ref=f"{key}:{amount}",
                           on=kw.pop("on", date(2025, 4, 1)), actor=ACTOR)  # fmt: skip

    kei = post("kei24", Zeimoku.KEIJIDOSHA, 400_000, date(2025, 2, 28), nendo=2024,
               on=date(2024, 5, 1))  # fmt: skip
    jum = post("jum25:3", Zeimoku.JUMINZEI, 600_000, date(2025, 10, 31), ki=3)
    kot = post("kot25:1", Zeimoku.KOTEIZEI, kotei, date(2025, 4, 30))
    madoguchi_nofu(nofu_bango=kot.nofu_bango, amount=kotei, shuno_date=date(2025, 4, 30),
                   actor=ACTOR)  # fmt: skip
    post("kot25:1", Zeimoku.KOTEIZEI, 0, date(2025, 4, 30), on=date(2025, 9, 1))
    connection.set_schema_to_public()
    return {"head": head, "kei": kei, "jum": jum, "kot": kot}


def test_the_juto_screen_decides_prints_and_keeps_the_history(
    world: Any, login: Any, alpha: Any, beta: Any
) -> None:
    from zeimu.tests.test_shuno_tokusoku import grant_beta_shuno

    a = _case(alpha, "hayama")
    b = _case(beta, "samukawa", kotei=1_234_000)
    grant_beta_shuno()
    clerk = login("hayama-clerk", ALPHA_HOST)
    # the list: 葉山町's 過誤納 only
    page = clerk.get("/zeimu/shuno/juto/").content.decode()
    assert "1,500,000円" in page and a["head"].atena_no in page
    assert "1,234,000円" not in page and "充当の決定はまだありません" in page
    # the candidates, in the order the 充当 follows, each with its 延滞金 so far
    kid = a["kot"].kibetsu_id
    page = clerk.get(f"/zeimu/shuno/juto/kibetsu/{kid}/").content.decode()
    assert page.index("軽自動車税（種別割）") < page.index("個人住民税（普通徴収）")
    assert "令和7年2月28日" in page and "400,000円" in page and "本税" in page
    # the viewer cannot decide
    viewer = login("hayama-viewer", ALPHA_HOST)
    form = {"juto_date": "令和7年12月1日", "jiyu": "kosei"}
    assert viewer.post(f"/zeimu/shuno/juto/kibetsu/{kid}/", form).status_code == 403
    # the clerk decides on 令和7年12月1日
    r = clerk.post(f"/zeimu/shuno/juto/kibetsu/{kid}/", form)
    assert r.status_code == 302, r.content.decode()[:800]
    detail = clerk.get(r["Location"]).content.decode()
    # 本税 1,000,000円 (400,000 + 600,000), then the 軽自動車税's 延滞金 15,400円 (充当適状日
    # 令和7年9月1日), 484,600円 left as 過誤納; 還付加算金 of the parts 1,200 + 2,700 + 0
    for want in ("1,000,000円", "15,400円", "484,600円", "3,900円", "延滞金", "令和7年9月1日",
                 "令和7年10月31日", "更正・決定・賦課決定による過納"):  # fmt: skip
        assert want in detail, want
    assert "kosei" not in detail and "2025" not in detail
    connection.set_tenant(alpha.municipality)
    t = JutoTsuchi.objects.get()
    ent = Kibetsu.objects.get(key=f"entaikin:{a['kei'].kibetsu_id}")
    zan = balances([a["kei"].kibetsu_id, a["jum"].kibetsu_id, ent.pk, kid])
    assert {i: v.zan for i, v in zan.items()} == {
        a["kei"].kibetsu_id: 0, a["jum"].kibetsu_id: 0, ent.pk: 0, kid: -484_600,
    }  # fmt: skip
    connection.set_schema_to_public()
    # a second decision finds nothing to move and writes nothing
    again = clerk.post(f"/zeimu/shuno/juto/kibetsu/{kid}/", form)
    assert again.status_code == 200 and "充当先の未納" in again.content.decode()
    # the 充当通知書, read back
    pdf = clerk.get(f"/zeimu/shuno/juto/{t.pk}/juto.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    text = "\n".join(pdf_pages(pdf.content))
    for want in ("過誤納金充当通知書", "地方税法第17条の2", "400,000円", "600,000円", "15,400円",
                 "484,600円", "令和7年12月1日", a["head"].atena_no):  # fmt: skip
        assert want in text, want
    # the history
    page = clerk.get("/zeimu/shuno/juto/").content.decode()
    assert "令和7年12月1日" in page and "15,400円" in page and "484,600円" in page
    connection.set_tenant(alpha.municipality)
    assert JutoTsuchi.objects.count() == 1
    screens = set(AccessLog.objects.values_list("screen", flat=True))
    assert {"zeimu.shuno_juto", "zeimu.shuno_juto_new", "zeimu.shuno_juto_detail",
            "zeimu.shuno_juto_pdf", "過誤納金の充当"} <= screens  # fmt: skip
    connection.set_schema_to_public()

    # 寒川町: its own 過誤納 only; 葉山町's decision and 期別 are not there
    sam = login("samukawa-clerk", BETA_HOST)
    page = sam.get("/zeimu/shuno/juto/").content.decode()
    assert "1,234,000円" in page and "1,500,000円" not in page
    assert "充当の決定はまだありません" in page
    assert sam.get(f"/zeimu/shuno/juto/{t.pk}/").status_code == 404
    assert sam.get(f"/zeimu/shuno/juto/{t.pk}/juto.pdf").status_code == 404
    # (the same id in 寒川町 is its own 期別: its page shows 寒川町's figures only)
    page = sam.get(f"/zeimu/shuno/juto/kibetsu/{b['kot'].kibetsu_id}/").content.decode()
    assert "1,234,000円" in page and "1,500,000円" not in page
    # 寒川町 decides its own: 葉山町's ledger is untouched
    bk = b["kot"].kibetsu_id
    assert sam.post(f"/zeimu/shuno/juto/kibetsu/{bk}/", form).status_code == 302
    connection.set_tenant(beta.municipality)
    assert JutoTsuchi.objects.get().nokori == 1_234_000 - 1_015_400
    connection.set_tenant(alpha.municipality)
    assert JutoTsuchi.objects.count() == 1 and balances([kid])[kid].zan == -484_600
    connection.set_schema_to_public()
