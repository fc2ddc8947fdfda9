"""The 国保 給付 screens in two towns: the lookup (POST) and the person's page, the 申請
forms, the 決定 with its 決定通知書 and the 認定 with its 認定証 (PDFs read back), the
支払一覧 and its CSV — each logged, in words and 和暦, and 寒川町 reaching none of it."""

from __future__ import annotations

from datetime import date

import pytest

from juminkiroku.tests.factories import actor_for, family, person_fields
from kokuho.models import GendoNintei, Kyufu
from kokuho.tests.factories import tennyu
from tenants.accesslog.models import AccessLog
from tenants.db import connection
from tenants.params.tenant.services import municipal_parameter_set
from tenants.testing.pdf import pdf_pages, squash
from tenants.zengin import read_sogo_furikomi
from tests.personas import ALPHA_HOST, BETA_HOST
from zeimu.tests.factories import kazei_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def yamada(alpha, django_capture_on_commit_callbacks):
    connection.set_tenant(alpha.municipality)
    _, people = tennyu(django_capture_on_commit_callbacks, members=family(), day=date(2020, 4, 1))
    head, wife, child = people
    kazei_set(head.pk, 2025, kyuyo=4_000_000, kazei_shotoku=2_800_000)
    kazei_set(wife.pk, 2025, status="hikazei")
    kazei_set(child.pk, 2025, status="hikazei")
    connection.set_schema_to_public()
    return people


def _log(town, **filters):
    connection.set_tenant(town.municipality)
    rows = list(AccessLog.objects.filter(**filters).order_by("id"))
    connection.set_schema_to_public()
    return rows


def _futan(head, wife):
    rows = {
        "futan-TOTAL_FORMS": "4",
        "futan-INITIAL_FORMS": "0",
        "futan-MIN_NUM_FORMS": "0",
        "futan-MAX_NUM_FORMS": "12",
    }
    lines = [
        (head.pk, "葉山病院", "nyuin", "ika", "300000", "1000000"),
        (wife.pk, "歯科医院", "gairai", "shika", "5000", "16667"),
    ]
    for i in range(4):
        who, kikan, nyugai, ika, futan, iryohi = (
            lines[i] if i < len(lines) else ("", "", "gairai", "ika", "", "")
        )
        rows.update(
            {
                f"futan-{i}-jushinsha": str(who),
                f"futan-{i}-iryokikan": kikan,
                f"futan-{i}-nyugai": nyugai,
                f"futan-{i}-ika": ika,
                f"futan-{i}-ichibu_futan": futan,
                f"futan-{i}-iryohi": iryohi,
            }
        )
    return rows


def test_kogaku_from_the_screens_to_the_notice_and_the_payment_list(world, login, yamada):
    head, wife, _child = yamada
    clerk = login("hayama-clerk", ALPHA_HOST)
    # the lookup by 宛名番号 is a POST and opens the person's 給付 page
    r = clerk.post("/kokuho/kyufu/", {"atena_no": head.atena_no})
    assert r.status_code == 302 and r["Location"] == f"/kokuho/kyufu/person/{head.pk}/"
    page = clerk.get(r["Location"]).content.decode()
    assert "高額療養費の支給申請" in page and "山田　花子" in page
    assert _log(world.alpha, screen="kokuho.kyufu_person")[-1].detail["atena_ids"]
    # when the clerk enters 令和7年9月's 一部負担金
    r = clerk.post(
        f"/kokuho/kyufu/person/{head.pk}/kogaku/",
        {
            "shinryo": "令和7年9月1日",
            "shinsei_date": "R7.11.4",
            "kinyu_kikan": "葉山信用金庫",
            "kinyu_kikan_code": "1234",
            "shiten": "本店",
            "shiten_code": "001",
            "koza_shubetsu": "1",
            "koza_bango": "1234567",
            "koza_meigi": "ヤマダ　タロウ",
            **_futan(head, wife),
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    detail = r["Location"]
    page = clerk.get(detail).content.decode()
    assert "令和7年9月" in page and "申請受付" in page and "葉山病院" in page
    # and decides it: ウ, 87,430円 limit, 212,570円; the 歯科 5,000円 not added
    r = clerk.post(detail + "kettei/", {"kettei_date": "令和7年11月10日"}, follow=True)
    page = r.content.decode()
    assert "支給決定としました（支給額 212,570円）" in page
    assert "ウ（基礎控除後の所得 210万円超600万円以下）" in page and "87,430円" in page
    assert "合算の対象外" in page and "令和7年11月10日" in page
    # the 決定通知書, read back
    k = _one(world.alpha, Kyufu)
    pdf = clerk.get(f"/kokuho/kyufu/{k.pk}/tsuchi.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    text = squash(" ".join(pdf_pages(pdf.content)))
    for expected in ("高額療養費支給決定通知書", "212,570円", "令和7年9月", "87,430円", "山田太郎"):
        assert expected in text, expected
    assert "＊＊＊＊567" in text and "1234567" not in text
    assert _log(world.alpha, screen="kokuho.kyufu_pdf", record_id=str(k.pk))
    # the payment list, its screen and its CSV
    r = clerk.post("/kokuho/kyufu/shiharai/", {"shiharai_date": "令和7年11月28日", "kyufu": [k.pk]})
    assert r.status_code == 302
    page = clerk.get(r["Location"]).content.decode()
    assert "令和7年11月28日支払" in page and "212,570円" in page
    csv = clerk.get(r["Location"] + "kofurikomi.csv")
    body = b"".join(csv.streaming_content if csv.streaming else [csv.content]).decode("utf-8-sig")
    assert body.splitlines()[0].startswith("支払日,決定番号,給付の種類")
    assert "2025-11-28" in body and "212570" in body and "1234567" in body
    assert _log(world.alpha, screen="kokuho.shiharai_csv")[-1].detail["atena_ids"] == [head.pk]
    # the bank file: refused in words until the town sets its 振込依頼人, then read back
    listing = r["Location"]
    r2 = clerk.get(listing + "furikomi.txt", follow=True)
    assert "振込依頼人（国保の給付を支払う町の口座）が設定されていません" in r2.content.decode()
    assert not _log(world.alpha, screen="kokuho.shiharai_zengin")
    connection.set_tenant(world.alpha.municipality)
    for key, value in {
        "irainin_code": "2345678901",
        "irainin_name": "ハヤママチ",
        "shimuke_ginko": "0138",
        "shimuke_shiten": "002",
        "yokin_shumoku": "1",
        "koza_bango": "7654321",
    }.items():
        municipal_parameter_set(
            key=f"kokuho.furikomi.{key}",
            fiscal_year=2025,
            value_text=value,
            reason="試験の値",
            actor=actor_for("hayama-admin"),
        )
    connection.set_schema_to_public()
    data = clerk.get(listing + "furikomi.txt").content
    recs = read_sogo_furikomi(data)
    assert [x.kind for x in recs] == ["header", "data", "trailer", "end"]
    assert (recs[1].fields["koza_bango"], recs[1].fields["amount"]) == ("1234567", 212_570)
    assert recs[1].fields["meigi"] == "ﾔﾏﾀﾞ ﾀﾛｳ"
    zlog = _log(world.alpha, screen="kokuho.shiharai_zengin")[-1]
    assert (zlog.action, zlog.record_count, zlog.detail["atena_ids"]) == ("export", 1, [head.pk])
    # 寒川町's clerk reaches none of it
    beta = login("samukawa-clerk", BETA_HOST)
    assert beta.get(detail).status_code == 404
    assert beta.get(f"/kokuho/kyufu/{k.pk}/tsuchi.pdf").status_code == 404
    assert beta.get(f"/kokuho/kyufu/person/{head.pk}/").status_code == 404
    assert beta.get(r["Location"]).status_code == 404
    assert beta.get(listing + "furikomi.txt").status_code == 404
    page = beta.get("/kokuho/kyufu/").content.decode()
    assert "山田" not in page and "決定・支払を待つ給付はありません" in page
    r = beta.post("/kokuho/kyufu/", {"atena_no": head.atena_no})
    assert r.status_code == 200 and "山田" not in r.content.decode()


def _one(town, model):
    connection.set_tenant(town.municipality)
    row = model.objects.get()
    connection.set_schema_to_public()
    return row


def test_nintei_from_the_screen_with_its_card_and_the_viewer_cannot_write(world, login, yamada):
    _head, wife, _child = yamada
    viewer = login("hayama-viewer", ALPHA_HOST)
    page = viewer.get(f"/kokuho/kyufu/person/{wife.pk}/").content.decode()
    assert "限度額適用認定の申請" not in page  # no forms for a 閲覧者
    assert (
        viewer.post(
            f"/kokuho/kyufu/person/{wife.pk}/nintei/", {"shinsei_date": "令和7年9月10日"}
        ).status_code
        == 403
    )
    clerk = login("hayama-clerk", ALPHA_HOST)
    r = clerk.post(
        f"/kokuho/kyufu/person/{wife.pk}/nintei/", {"shinsei_date": "令和7年9月10日"}, follow=True
    )
    page = r.content.decode()
    assert "所得区分を判定しました" in page and "ウ（基礎控除後の所得" in page
    assert "令和7年度" in page
    n = _one(world.alpha, GendoNintei)
    r = clerk.post(f"/kokuho/kyufu/nintei/{n.pk}/kofu/", {"kofu_date": "R7.9.10"}, follow=True)
    page = r.content.decode()
    assert "認定証を交付しました" in page and "令和8年7月31日" in page
    text = squash(
        " ".join(pdf_pages(clerk.get(f"/kokuho/kyufu/nintei/{n.pk}/ninteisho.pdf").content))
    )
    for expected in ("限度額適用認定証", "山田花子", "令和7年9月1日", "令和8年7月31日", "ウ"):
        assert expected in text, expected
    assert _log(world.alpha, screen="kokuho.nintei_pdf", record_id=str(n.pk))
    beta = login("samukawa-clerk", BETA_HOST)
    assert beta.get(f"/kokuho/kyufu/nintei/{n.pk}/").status_code == 404
    assert (
        beta.post(f"/kokuho/kyufu/nintei/{n.pk}/kofu/", {"kofu_date": "R7.9.10"}).status_code == 404
    )


def test_kijun_shunyu_from_the_person_screen(world, login, django_capture_on_commit_callbacks):
    # 五條市・大仙市 (kokuho/tests/test_rules_kyufu.py::test_kijun_shunyu_at_each_base)
    connection.set_tenant(world.alpha.municipality)
    members = [
        person_fields(shimei="高橋　一", shimei_kana="タカハシ　ハジメ", birth_date="1953-03-03")
    ]
    (old,) = tennyu(django_capture_on_commit_callbacks, members=members, day=date(2020, 4, 1))[1]
    kazei_set(old.pk, 2025, kyuyo=4_000_000, kazei_shotoku=2_800_000)
    connection.set_schema_to_public()
    clerk = login("hayama-clerk", ALPHA_HOST)
    page = clerk.get(f"/kokuho/kyufu/person/{old.pk}/").content.decode()
    assert "基準収入額適用の申請" in page and "3,830,000円未満" in page
    url = f"/kokuho/kyufu/person/{old.pk}/kijun/"
    r = clerk.post(url, {"shinsei_date": "令和7年9月11日", "kyu_shunyu": "１２円"}, follow=True)
    assert "旧国保被保険者の収入は円単位の数字で入力してください。" in r.content.decode()
    r = clerk.post(
        url, {"shinsei_date": "令和7年9月11日", f"shunyu_{old.pk}": "3829999"}, follow=True
    )
    page = r.content.decode()
    assert "基準収入額に該当します。令和7年10月1日から令和8年7月31日まで" in page
    assert "該当（一般）" in page and "3,829,999円（3,830,000円未満）" in page
    viewer = login("hayama-viewer", ALPHA_HOST)
    assert viewer.post(url, {"shinsei_date": "令和7年9月12日"}).status_code == 403
    beta = login("samukawa-clerk", BETA_HOST)
    assert beta.post(url, {"shinsei_date": "令和7年9月12日"}).status_code == 404
    assert beta.get(f"/kokuho/kyufu/person/{old.pk}/").status_code == 404
