"""還付・口座振替・窓口 領収証書 screens in two towns: the 過誤納 list, the decision and its page
and 還付通知書, the 窓口 receipt with its 領収証書, the registrations (search by POST, history,
paper entry, stop), the 受付結果 file, the 依頼 screen and the 不能通知 — logged, in words and
和暦; the viewer cannot write, 寒川町 (no 税 業務) reaches none of it."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from juminkiroku.tests.factories import family, household_tennyu
from tenants.accesslog.models import AccessLog
from tenants.accesslog.services import Actor
from tenants.db import connection
from tenants.testing.pdf import pdf_pages
from tests.personas import ALPHA_HOST, BETA_HOST
from zeimu.models import Kanpu, KozaToroku, Zeimoku
from zeimu.public import chotei_post
from zeimu.tests.test_shuno import zengin_file
from zeimu.tests.test_shuno_koza import csv_file

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes) -> str:
    return "\n".join(pdf_pages(data))


ACTOR = Actor(user_id=None, username="test")


@pytest.fixture
def ledger(alpha: Any) -> dict[str, Any]:
    connection.set_tenant(alpha.municipality)
    _, (head, wife, *_) = household_tennyu("hayama", members=family(), ido_date=date(2020, 4, 1))
    over = chotei_post(zeimoku=Zeimoku.JUMINZEI, key="r7:1", atena_id=head.pk, nendo=2025, ki=1,
                       ki_label="第1期", nouki=date(2025, 6, 30), amount=10_000, ref="r7:1:t",
                       on=date(2025, 6, 1), actor=ACTOR)  # fmt: skip
    due = chotei_post(zeimoku=Zeimoku.KOKUHOZEI, key="k7:1", atena_id=wife.pk, nendo=2025, ki=1,
                      ki_label="第1期", nouki=date(2025, 7, 31), amount=30_000, ref="k7:1:t",
                      on=date(2025, 7, 1), actor=ACTOR)  # fmt: skip
    from zeimu.services.shuno import madoguchi_nofu

    madoguchi_nofu(nofu_bango=over.nofu_bango, amount=15_000, shuno_date=date(2025, 6, 20),
                   actor=ACTOR)  # fmt: skip
    connection.set_schema_to_public()
    return {"head": head, "wife": wife, "over": over, "due": due}


def test_kanpu_and_madoguchi_ryoshu(world: Any, login: Any, ledger: Any) -> None:
    clerk = login("hayama-clerk", ALPHA_HOST)
    head = ledger["head"]
    page = clerk.get("/zeimu/shuno/kanpu/").content.decode()
    assert "5,000円" in page and head.atena_no in page and "令和7年6月30日" in page
    kid = ledger["over"].kibetsu_id
    form = {"kettei_date": "令和7年8月1日", "shiharai_hoho": "koza",
            "shiharai_date": "令和7年8月8日", "jiyu": "kosei", "kinyu_kikan": "0138",
            "shiten": "001", "yokin_shumoku": "1",
            "koza_bango": "123", "meigi_kana": "ﾊﾔﾏ ﾀﾛｳ"}  # fmt: skip
    bad = clerk.post(f"/zeimu/shuno/kanpu/new/{kid}/", form)
    assert bad.status_code == 200 and "口座番号は7桁" in bad.content.decode()
    r = clerk.post(f"/zeimu/shuno/kanpu/new/{kid}/", {**form, "koza_bango": "1234567"})
    assert r.status_code == 302, r.content.decode()[:500]
    detail = clerk.get(r["Location"]).content.decode()
    assert "5,000円" in detail and "令和7年8月1日" in detail and "口座振込" in detail
    assert "更正・決定・賦課決定による過納" in detail and "kosei" not in detail
    assert "この決定で充当したものはありません" in detail  # the head owes nothing else
    connection.set_tenant(world.alpha.municipality)
    k = Kanpu.objects.get()
    connection.set_schema_to_public()
    pdf = clerk.get(f"/zeimu/shuno/kanpu/{k.pk}/kanpu.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert "過誤納金還付通知書" in pdf_text(pdf.content) and "5,000円" in pdf_text(pdf.content)

    # 窓口: pay the wife's 国保税, then print the 領収証書
    pay = {"nofu_bango": ledger["due"].nofu_bango, "amount": "30000",
           "shuno_date": "令和7年7月10日"}  # fmt: skip
    r = clerk.post("/zeimu/shuno/madoguchi/", pay)
    assert r.status_code == 302
    done = clerk.get(r["Location"]).content.decode()
    assert "30,000円" in done and "令和7年7月10日" in done
    ryoshu = clerk.get(r["Location"] + "ryoshu.pdf")
    text = pdf_text(ryoshu.content)
    assert "領収証書" in text and "30,000円" in text and "国民健康保険税" in text

    connection.set_tenant(world.alpha.municipality)
    screens = set(AccessLog.objects.values_list("screen", flat=True))
    assert {"zeimu.shuno_kanpu", "zeimu.shuno_kanpu_detail", "zeimu.shuno_kanpu_pdf",
            "還付の決定", "zeimu.shuno_ryoshu_pdf"} <= screens  # fmt: skip
    connection.set_schema_to_public()


def test_koza_screens(world: Any, login: Any, ledger: Any) -> None:
    clerk = login("hayama-clerk", ALPHA_HOST)
    head, wife = ledger["head"], ledger["wife"]
    r = clerk.post("/zeimu/shuno/koza/", {"atena_no": head.atena_no})
    assert r.status_code == 302 and head.atena_no not in r["Location"]
    url = r["Location"]
    form = {"register": "1", "zeimoku": "juminzei", "kinyu_kikan": "0138", "shiten": "001",
            "yokin_shumoku": "1", "koza_bango": "1234567", "meigi_kana": "ﾊﾔﾏ ﾀﾛｳ",
            "kaishi_date": "令和7年4月1日"}  # fmt: skip
    bad = clerk.post(url, {**form, "meigi_kana": "ハヤマ"})
    assert "口座名義に使えない文字" in bad.content.decode()
    assert clerk.post(url, form).status_code == 302
    assert (
        clerk.post(
            url, {**form, "kinyu_kikan": "0005", "kaishi_date": "令和7年10月1日"}
        ).status_code
        == 302
    )
    page = clerk.get(url).content.decode()
    assert "令和7年9月30日" in page and "口座の変更" in page and "普通" in page
    connection.set_tenant(world.alpha.municipality)
    open_row = KozaToroku.objects.get(atena_id=head.pk, teishi_date__isnull=True)
    connection.set_schema_to_public()
    r = clerk.post(url, {"stop": "1", "toroku_id": open_row.pk, "teishi_date": "令和8年3月31日",
                         "reason": "本人の申出"})  # fmt: skip
    assert r.status_code == 302 and "本人の申出" in clerk.get(url).content.decode()
    # the 受付結果 file: a bad line refuses the whole file, by line and field
    row = [wife.atena_no, "国民健康保険税", "0138", "01", "1", "1234567", "ﾊﾔﾏ ﾊﾅｺ", "2025-04-01",
           "0"]  # fmt: skip
    up = clerk.post("/zeimu/shuno/koza/uketsuke/",
                    {"file": SimpleUploadedFile("u.csv", csv_file([row]))})  # fmt: skip
    text = up.content.decode()
    assert "1件も登録しませんでした" in text and "支店コード" in text
    row[3] = "001"
    up = clerk.post("/zeimu/shuno/koza/uketsuke/",
                    {"file": SimpleUploadedFile("u.csv", csv_file([row]))})  # fmt: skip
    assert "1件を登録しました" in up.content.decode()
    # the 依頼 screen refuses while the town has no 委託者コード
    r = clerk.post("/zeimu/shuno/koza/irai/", {"nouki": "令和7年7月31日"})
    assert "委託者コード" in r.content.decode()
    # a result file with a 振替不能 of the wife's 国保税, and its 不能通知
    data = zengin_file([(ledger["due"].nofu_bango, 30_000, "1")])
    r = clerk.post("/zeimu/shuno/koza-kekka/", {"file": SimpleUploadedFile("k.txt", data)})
    file_id = int(r["Location"].rstrip("/").split("/")[-1])
    irai = clerk.get("/zeimu/shuno/koza/irai/").content.decode()
    assert "口座振替不能通知" in irai
    pdf = clerk.get(f"/zeimu/shuno/koza/funo/{file_id}/funo.pdf")
    assert "口座振替不能のお知らせ" in pdf_text(pdf.content) and "資金不足" in pdf_text(pdf.content)


def test_viewer_cannot_write_and_samukawa_sees_nothing(world: Any, login: Any, ledger: Any) -> None:
    viewer = login("hayama-viewer", ALPHA_HOST)
    kid = ledger["over"].kibetsu_id
    assert viewer.get("/zeimu/shuno/kanpu/").status_code == 200
    assert viewer.get(f"/zeimu/shuno/kanpu/new/{kid}/").status_code == 403
    head = ledger["head"]
    assert (
        viewer.post(f"/zeimu/shuno/koza/nozeisha/{head.pk}/", {"register": "1"}).status_code == 403
    )
    connection.set_tenant(world.alpha.municipality)
    assert not Kanpu.objects.exists() and not KozaToroku.objects.exists()
    connection.set_schema_to_public()
    beta = login("samukawa-clerk", BETA_HOST)
    for url in ("/zeimu/shuno/kanpu/", f"/zeimu/shuno/kanpu/new/{kid}/", "/zeimu/shuno/koza/",
                f"/zeimu/shuno/koza/nozeisha/{head.pk}/", "/zeimu/shuno/koza/irai/"):  # fmt: skip
        assert beta.get(url).status_code == 404, url


def test_the_apis_answer_by_atena_no_and_only_in_their_town(
    world: Any, alpha: Any, beta: Any, ledger: Any
) -> None:
    from zeimu.rules.shuno_koza import Account
    from zeimu.services.shuno_kanpu import kanpu_decide
    from zeimu.services.shuno_koza import koza_toroku_register
    from zeimu.tests.test_shuno_tokusoku import grant_beta_shuno
    from zeimu.tests.test_shuno_tokusoku_views import _key

    head = ledger["head"]
    connection.set_tenant(alpha.municipality)
    kanpu_decide(kibetsu_id=ledger["over"].kibetsu_id, kettei_date=date(2025, 8, 1),
                 shiharai_hoho="madoguchi", shiharai_date=date(2025, 8, 8), jiyu="kosei",
                 actor=ACTOR)  # fmt: skip
    koza_toroku_register(atena_id=head.pk, zeimoku=Zeimoku.JUMINZEI,
                         account=Account("0138", "001", "1", "1234567", "ﾊﾔﾏ ﾀﾛｳ"),
                         kaishi_date=date(2025, 4, 1), actor=ACTOR)  # fmt: skip
    connection.set_schema_to_public()
    client = _key(alpha, ALPHA_HOST, ["shuno_kanri:read"])
    body = {"atena_no": head.atena_no}
    r = client.post("/api/v1/zeimu/shuno/kanpu/lookup/", body, content_type="application/json")
    assert r.status_code == 200, r.content
    (k,) = r.json()["kanpu"]
    assert (k["amount"], k["kasankin"], k["kettei_date"]) == (5_000, 0, "2025-08-01")
    r = client.post("/api/v1/zeimu/shuno/koza/lookup/", body, content_type="application/json")
    (t,) = r.json()["toroku"]
    assert (t["kinyu_kikan"], t["koza_bango"], t["teishi_date"]) == ("0138", "1234567", None)
    assert head.atena_no not in r.request["PATH_INFO"]
    connection.set_tenant(alpha.municipality)
    screens = set(AccessLog.objects.values_list("screen", flat=True))
    assert {"api.zeimu.shuno_kanpu", "api.zeimu.shuno_koza"} <= screens
    connection.set_schema_to_public()
    grant_beta_shuno()
    other = _key(beta, BETA_HOST, ["shuno_kanri:read"])
    for url in ("/api/v1/zeimu/shuno/kanpu/lookup/", "/api/v1/zeimu/shuno/koza/lookup/"):
        assert other.post(url, body, content_type="application/json").status_code == 404
