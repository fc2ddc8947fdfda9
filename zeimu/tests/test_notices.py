"""納税通知書（普通徴収）and 特別徴収税額決定通知書: the printed text (names, amounts with
commas, 和暦 dates, moved 納期限), pages of a long employee list, the reprint screens,
their access log, and the wall between towns."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from pypdf import PdfReader

from juminkiroku.public import AddressBlock, PersonIdentity
from juminkiroku.tests.factories import household_tennyu, person_fields
from tenants.accesslog.models import AccessAction, AccessLog
from tenants.db import connection
from tenants.models import Gyomu, Membership, MembershipRole, RoleLevel, Subscription
from tenants.params.services import param_value
from tenants.printing.engine import render
from tenants.testing.pdf import pdf_layout_pages, pdf_pages
from tenants.testing.queries import SqlCount
from tests.personas import ALPHA_HOST, BETA_HOST
from zeimu.forms import notices as notices_module
from zeimu.forms.notices import (
    FUTSU_TEMPLATE,
    TOKUCHO_ROWS_PER_PAGE,
    Issuer,
    futsu_common,
    futsu_notice,
    futsu_queryset,
    futsu_render,
    tokucho_notice,
    tokucho_render,
)
from zeimu.models import Fuka, FukaKind, FukaStatus
from zeimu.rules.kibetsu import futsu_choshu, tokubetsu_choshu

pytestmark = pytest.mark.django_db

EMPLOYER_NO = "00012345"
EMPLOYER = "株式会社葉山マリン"


def kibetsu_json(*, futsu: int, kyuyo: int, fiscal_year: int = 2025) -> dict[str, Any]:
    """期別 as the 当初賦課 stores it, from the real rules and the national parameters."""
    out: dict[str, Any] = {}
    if futsu:
        out["futsu"] = [
            {"label": k.label, "amount": k.amount, "due": k.due.isoformat()}
            for k in futsu_choshu(futsu, fiscal_year, param_value)
        ]
    if kyuyo:
        out["kyuyo"] = [
            {"label": k.label, "amount": k.amount, "due": k.due.isoformat()}
            for k in tokubetsu_choshu(kyuyo, fiscal_year, param_value)
        ]
    return out


def make_fuka(
    atena: Any,
    *,
    futsu: int = 0,
    kyuyo: int = 0,
    shitei_no: str = "",
    employer: str = "",
    fiscal_year: int = 2025,
) -> Fuka:
    """A current assessment with the collection split set (as zeimu.rules.choshu would)."""
    total = futsu + kyuyo
    return Fuka.objects.create(
        fiscal_year=fiscal_year,
        atena=atena,
        kind=FukaKind.TOSHO,
        status=FukaStatus.KAZEI,
        gokei_shotoku=3_560_000,
        kazei_shotoku=1_990_000,
        shotokuwari_shichoson=(total - 5_000) * 6 // 10,
        shotokuwari_dofuken=(total - 5_000) - (total - 5_000) * 6 // 10,
        kintowari_shichoson=3_000,
        kintowari_dofuken=1_000,
        shinrin_kankyozei=1_000,
        gokei_zeigaku=total,
        futsu_choshu_gaku=futsu,
        kyuyo_tokucho_gaku=kyuyo,
        tokucho_shitei_no=shitei_no,
        tokucho_employer_name=employer,
        kibetsu=kibetsu_json(futsu=futsu, kyuyo=kyuyo, fiscal_year=fiscal_year),
        detail={
            "result": {
                "kojo": {"shakai_hokenryo": 500_000, "kiso": 430_000, "gokei": 930_000},
                "chosei_kojo_shichoson": 1_500,
                "chosei_kojo_dofuken": 1_000,
            }
        },
    )


def people(town: str, names: list[tuple[str, str]]) -> list[Any]:
    """One household per person (so 郵便番号 may differ): (氏名, 郵便番号)."""
    out = []
    for shimei, postal_code in names:
        _, (a,) = household_tennyu(
            town, members=[person_fields(shimei=shimei, postal_code=postal_code)]
        )
        out.append(a)
    return out


def grant_beta_juminzei() -> None:
    """寒川町 subscribes to 個人住民税 and its clerk holds it: a refusal of 葉山町's record
    then comes from the schema wall, not from the module gate."""
    connection.set_schema_to_public()
    from tenants.models import Municipality

    beta = Municipality.objects.get(dantai_code="143219")
    gyomu = Gyomu.objects.get(code="kojin_juminzei")
    Subscription.objects.create(municipality=beta, gyomu=gyomu, start_month=date(2020, 4, 1))
    membership = Membership.objects.get(user__username="samukawa-clerk", municipality=beta)
    MembershipRole.objects.create(membership=membership, gyomu=gyomu, level=RoleLevel.WRITE)


def test_futsu_notice_prints_names_amounts_and_wareki_due_dates(alpha, login):
    # given: 116,500円 of 普通徴収 (29,500 + 29,000 × 3)
    connection.set_tenant(alpha.municipality)
    (taro,) = people("hayama", [("山田　太郎", "2400112")])
    fuka = make_fuka(taro, futsu=116_500)
    connection.set_schema_to_public()
    # when
    r = login("hayama-clerk", ALPHA_HOST).get(f"/zeimu/fuka/{fuka.pk}/notice.pdf")
    # then
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert r["Content-Disposition"] == f'inline; filename="notice_{fuka.pk}.pdf"'
    (page,) = pdf_pages(r.content)
    for text in [
        "〒240-0112",
        "神奈川県三浦郡葉山町堀内2135番地",
        "山田太郎様",
        f"宛名番号{taro.atena_no}",
        "令和7年度町民税・県民税・森林環境税納税通知書",
        "葉山町長",
        "116,500",
        "29,500",
        "29,000",
        "111,500",  # 所得割 60% + 40%
        "3,560,000",
        "930,000",
        "1,990,000",
        "令和7年6月30日",  # 第1期: Monday
        "令和7年9月1日",  # 第2期: 8月31日 is a Sunday
        "令和7年10月31日",
        "令和8年2月2日",  # 第4期: 1月31日 is a Saturday
        "審査請求",
    ]:
        assert text in page, text
    assert "令和7年8月31日" not in page and "令和8年1月31日" not in page
    connection.set_tenant(alpha.municipality)
    row = AccessLog.objects.get(
        action=AccessAction.PRINT, record_type="fuka", record_id=str(fuka.pk)
    )
    assert row.username == "hayama-clerk" and row.detail == {"atena_ids": [taro.pk]}


def test_no_reprint_without_futsu_choshu_or_for_a_superseded_assessment(alpha, login):
    connection.set_tenant(alpha.municipality)
    a, b = people("hayama", [("給与　一郎", "2400111"), ("更正　二郎", "2400113")])
    only_kyuyo = make_fuka(a, kyuyo=120_000, shitei_no=EMPLOYER_NO, employer=EMPLOYER)
    old = make_fuka(b, futsu=50_000)
    Fuka.objects.filter(pk=old.pk).update(is_current=False)
    connection.set_schema_to_public()
    clerk = login("hayama-clerk", ALPHA_HOST)
    assert clerk.get(f"/zeimu/fuka/{only_kyuyo.pk}/notice.pdf").status_code == 404
    assert clerk.get(f"/zeimu/fuka/{old.pk}/notice.pdf").status_code == 404
    assert clerk.get("/zeimu/tokucho/99999999/2025/notice.pdf").status_code == 404


def test_employer_notice_lists_its_employees_and_the_monthly_totals(alpha, login):
    # given: two employees of one employer, one of another
    connection.set_tenant(alpha.municipality)
    a, b, c = people(
        "hayama",
        [("特徴　一郎", "2400111"), ("特徴　花子", "2400112"), ("別社　三郎", "2400113")],
    )
    make_fuka(a, kyuyo=196_100, shitei_no=EMPLOYER_NO, employer=EMPLOYER)  # 16,800 + 16,300×11
    make_fuka(b, kyuyo=120_000, futsu=10_000, shitei_no=EMPLOYER_NO, employer=EMPLOYER)
    make_fuka(c, kyuyo=60_000, shitei_no="00099999", employer="有限会社別社")
    connection.set_schema_to_public()
    # when
    r = login("hayama-clerk", ALPHA_HOST).get(f"/zeimu/tokucho/{EMPLOYER_NO}/2025/notice.pdf")
    # then: 120,000 / 12 = 10,000 each month
    assert r.status_code == 200
    (page,) = pdf_pages(r.content)
    for text in [
        f"特別徴収義務者指定番号{EMPLOYER_NO}",
        f"{EMPLOYER}様",
        "特別徴収税額の決定通知書（特別徴収義務者用）",
        "特徴一郎",
        "特徴花子",
        "196,100",
        "16,800",
        "16,300",
        "120,000",
        "26,800",  # 6月分の合計
        "26,300",  # 7月分〜5月分の合計
        "316,100",  # 年税額の合計
        "2人",
        "1/1頁",
        "R7.7.10",  # 6月分の納入期限
        "R7.8.12",  # 7月分: 8月10日は日曜日、11日は山の日
    ]:
        assert text in page, text
    assert "別社三郎" not in page
    connection.set_tenant(alpha.municipality)
    row = AccessLog.objects.get(action=AccessAction.PRINT, record_type="tokucho_gimusha")
    assert row.record_id == EMPLOYER_NO and row.record_count == 2


def _person(i: int) -> PersonIdentity:
    return PersonIdentity(
        atena_id=i,
        atena_no=f"{i:010d}",
        shimei=f"従業員　{i}号",
        shimei_kana="",
        birth_date=date(1980, 1, 1),
        sex="男",
        is_resident=True,
    )


def _unsaved_employee(i: int) -> Fuka:
    return Fuka(
        id=i,
        atena_id=i,
        fiscal_year=2025,
        kyuyo_tokucho_gaku=120_000,
        tokucho_shitei_no=EMPLOYER_NO,
        tokucho_employer_name=EMPLOYER,
        kibetsu={
            "kyuyo": [{"label": f"{(5 + m) % 12 + 1}月分", "amount": 10_000} for m in range(12)]
        },
    )


def test_a_long_employee_list_runs_over_numbered_pages_with_totals_on_the_last():
    from pypdf import PdfReader

    # given: 65 employees → 30 + 30 + 5 rows
    employees = [_unsaved_employee(i + 1) for i in range(65)]
    persons = {i + 1: _person(i + 1) for i in range(65)}
    notice = tokucho_notice(EMPLOYER_NO, employees, fiscal_year=2025, persons=persons)
    assert TOKUCHO_ROWS_PER_PAGE == 30 and notice.pages == 3
    # when
    pdf = tokucho_render(
        [notice],
        issuer=Issuer(name="葉山町", prefecture="神奈川県"),
        fiscal_year=2025,
        tsuchi_date=date(2025, 5, 15),
    )
    # then
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 3
    pages = pdf_pages(pdf)
    assert ["1/3頁" in pages[0], "2/3頁" in pages[1], "3/3頁" in pages[2]] == [True] * 3
    assert "従業員1号" in pages[0] and "従業員31号" in pages[1] and "従業員65号" in pages[2]
    assert "65人" in pages[2] and "650,000" in pages[2] and "7,800,000" in pages[2]
    assert "65人" not in pages[0] and "審査請求" not in pages[0]


def test_data_is_printed_as_text_never_run_as_typst_markup():
    # given: a name made of Typst syntax (code, math, a closing bracket, a raw block)
    address = AddressBlock(
        atena_id=1,
        atena_no="0000000001",
        postal_code="2400112",
        jusho='#read("/etc/passwd")',
        katagaki="",
        shimei='#panic("x") $a^2$ ] *太字* `raw` \\ @ref <l>',
    )
    fuka = Fuka(id=1, atena_id=1, fiscal_year=2025, futsu_choshu_gaku=4_000, gokei_zeigaku=4_000)
    # when
    pdf = futsu_render(
        [futsu_notice(fuka, address=address)],
        issuer=Issuer(name="葉山町", prefecture="神奈川県"),
        fiscal_year=2025,
        tsuchi_date=date(2025, 6, 10),
    )
    # then: printed as typed
    (page,) = pdf_pages(pdf)
    assert '#panic("x")$a^2$]*太字*`raw`\\@ref<l>様' in page
    assert '#read("/etc/passwd")' in page and "root:" not in page


def test_a_notice_in_a_chunk_is_the_page_its_reprint_prints(monkeypatch):
    # given: three notices of a mass-print chunk, different in 方書, 給与特別徴収 and 期別
    issuer = Issuer(name="葉山町", prefecture="神奈川県")
    notices = []
    for i, (katagaki, futsu, kyuyo) in enumerate(
        [("コーポ葉山101号室", 116_500, 0), ("", 58_000, 58_000), ("", 4_000, 0)], start=1
    ):
        address = AddressBlock(
            atena_id=i,
            atena_no=f"{i:010d}",
            postal_code="2400112",
            jusho=f"神奈川県三浦郡葉山町堀内{i}番地",
            katagaki=katagaki,
            shimei=f"山田　{'一二三'[i - 1]}郎",
        )
        kibetsu = {
            "futsu": [
                {"label": f"第{k}期", "amount": futsu // 4, "due": f"2025-{3 + 2 * k:02d}-01"}
                for k in range(1, 5 if futsu > 10_000 else 2)
            ]
        }
        fuka = Fuka(
            id=i,
            atena_id=i,
            fiscal_year=2025,
            gokei_zeigaku=futsu + kyuyo,
            futsu_choshu_gaku=futsu,
            kyuyo_tokucho_gaku=kyuyo,
            kibetsu=kibetsu,
        )
        notices.append(futsu_notice(fuka, address=address))
    templates: list[str] = []
    real_render = notices_module.render

    def seen_render(template: str, **kw: Any) -> bytes:
        templates.append(template)
        return real_render(template, **kw)

    monkeypatch.setattr(notices_module, "render", seen_render)
    kwargs: dict[str, Any] = {
        "issuer": issuer,
        "fiscal_year": 2025,
        "tsuchi_date": date(2025, 6, 10),
    }
    # when: printed as one chunk, then each reprinted alone (zeimu.views.notices)
    chunk = pdf_pages(futsu_render(notices, **kwargs))
    alone = [pdf_pages(futsu_render([n], **kwargs)) for n in notices]
    # then: one page a notice, each the very text of its reprint, through one template
    assert len(chunk) == 3
    assert chunk == [pages[0] for pages in alone] and all(len(p) == 1 for p in alone)
    assert chunk[0] != chunk[1] != chunk[2]
    assert templates == [FUTSU_TEMPLATE] * 4


def unsaved_notice(i: int, town: str, *, futsu: int, kyuyo: int = 0, nenkin: int = 0) -> Any:
    """The notice of an unsaved assessment of ``town`` (期別 from the real rules)."""
    address = AddressBlock(
        atena_id=i,
        atena_no=f"{i:010d}",
        postal_code="2530111",
        jusho=f"神奈川県{town}{i}番地",
        katagaki="",
        shimei=f"山田　{i}郎",
    )
    kibetsu = kibetsu_json(futsu=futsu, kyuyo=kyuyo)
    if nenkin:
        kibetsu["nenkin"] = [
            {"label": f"{m}月", "kind": "本徴収", "amount": nenkin // 3} for m in (10, 12, 2)
        ]
    fuka = Fuka(
        id=i,
        atena_id=i,
        fiscal_year=2025,
        shotokuwari_shichoson=60_000,
        shotokuwari_dofuken=40_000,
        kintowari_shichoson=3_000,
        kintowari_dofuken=1_000,
        shinrin_kankyozei=1_000,
        gokei_zeigaku=futsu + kyuyo + nenkin,
        futsu_choshu_gaku=futsu,
        kyuyo_tokucho_gaku=kyuyo,
        nenkin_tokucho_gaku=nenkin,
        kibetsu=kibetsu,
        detail={"result": {"kojo": {"kiso": 430_000, "gokei": 430_000}}},
    )
    return futsu_notice(fuka, address=address)


def test_the_static_form_changes_no_word_and_no_place_on_the_notice():
    # given: notices with 4 期, 1 期, a 給与 part, a 年金 part (a table the form has not)
    notices = [
        unsaved_notice(1, "三浦郡葉山町堀内", futsu=116_500),
        unsaved_notice(2, "三浦郡葉山町一色", futsu=4_000),
        unsaved_notice(3, "三浦郡葉山町長柄", futsu=58_000, kyuyo=58_000),
        unsaved_notice(4, "三浦郡葉山町木古庭", futsu=40_000, nenkin=36_000),
    ]
    common = futsu_common(
        issuer=Issuer(name="葉山町", prefecture="神奈川県"),
        fiscal_year=2025,
        tsuchi_date=date(2025, 6, 10),
    )
    items = [n.item for n in notices]
    # when: printed on the static form (as futsu_render does) and with every part drawn
    formed = render(FUTSU_TEMPLATE, common=common, items=items, static_form=True)
    drawn = render(FUTSU_TEMPLATE, common=common, items=items)
    # then: pdftotext -layout (words by their place on the page) reads the same four pages
    assert pdf_layout_pages(formed) == pdf_layout_pages(drawn)
    assert len(pdf_layout_pages(formed)) == 4
    for words in ["納税通知書", "税額の内訳", "各期の納付額と納期限", "年金からの特別徴収", "教示"]:
        assert all(words in page for page in pdf_layout_pages(formed)[3:]), words
    # the form's pages are written once: every page places the sheet, and the headings,
    # frames and notes under the 所得控除 line as one group (sheet + 1 object a page) or,
    # with a note between them, two; the 年金 heading is a part of its own
    resources: list[Any] = [page["/Resources"] for page in PdfReader(io.BytesIO(formed)).pages]
    used = [{ref.idnum for ref in r["/XObject"].values()} for r in resources]
    assert len(set.intersection(*used)) == 1  # the sheet
    assert [len(u) for u in used] == [2, 2, 3, 4]
    assert len(set.union(*used)) < sum(len(u) for u in used)


def test_each_town_prints_on_its_own_static_form():
    # given: 葉山町's notices printed first in this process (its form is cached)
    hayama = futsu_render(
        [unsaved_notice(1, "三浦郡葉山町堀内", futsu=116_500)],
        issuer=Issuer(name="葉山町", prefecture="神奈川県"),
        fiscal_year=2025,
        tsuchi_date=date(2025, 6, 10),
    )
    # when: 寒川町 prints next in the same worker
    samukawa = futsu_render(
        [unsaved_notice(2, "高座郡寒川町宮山", futsu=116_500)],
        issuer=Issuer(name="寒川町", prefecture="神奈川県"),
        fiscal_year=2025,
        tsuchi_date=date(2025, 6, 10),
    )
    # then: each page names its own town only (title, issuer, 教示, contact are the form)
    (hayama_page,) = pdf_pages(hayama)
    (samukawa_page,) = pdf_pages(samukawa)
    assert "葉山町長" in hayama_page and "寒川" not in hayama_page
    assert "寒川町長" in samukawa_page and "葉山" not in samukawa_page
    assert "寒川町役場税務担当" in samukawa_page


def test_viewer_cannot_reprint_and_the_other_town_gets_404(alpha, login):
    connection.set_tenant(alpha.municipality)
    (taro,) = people("hayama", [("山田　太郎", "2400112")])
    fuka = make_fuka(taro, futsu=116_500, kyuyo=60_000, shitei_no=EMPLOYER_NO, employer=EMPLOYER)
    grant_beta_juminzei()
    # 閲覧者 of 葉山町: read-only, may not issue
    viewer = login("hayama-viewer", ALPHA_HOST)
    assert viewer.get(f"/zeimu/fuka/{fuka.pk}/notice.pdf").status_code == 403
    # 寒川町's clerk, who now holds 個人住民税 in 寒川町: 葉山町's ids do not exist there
    other = login("samukawa-clerk", BETA_HOST)
    assert other.get(f"/zeimu/fuka/{fuka.pk}/notice.pdf").status_code == 404
    assert other.get(f"/zeimu/tokucho/{EMPLOYER_NO}/2025/notice.pdf").status_code == 404
    connection.set_tenant(alpha.municipality)
    assert not AccessLog.objects.filter(action=AccessAction.PRINT).exists()


def test_the_mass_print_screen_starts_the_job(alpha, login, django_capture_on_commit_callbacks):
    connection.set_tenant(alpha.municipality)
    (taro,) = people("hayama", [("山田　太郎", "2400112")])
    make_fuka(taro, futsu=116_500)
    connection.set_schema_to_public()
    clerk = login("hayama-clerk", ALPHA_HOST)
    assert "一括印刷" in clerk.get("/zeimu/notices/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        r = clerk.post(
            "/zeimu/notices/",
            {"fiscal_year": 2025, "forms": ["futsu"], "tsuchi_date": "令和7年6月10日"},
        )
    assert r.status_code == 302 and r["Location"].startswith("/jobs/")
    page = clerk.get(r["Location"]).content.decode()
    assert "納税通知書等の一括印刷" in page and ".pdf" in page and "print_data.csv" in page
    connection.set_tenant(alpha.municipality)
    from tenants.jobs.models import Job

    job = Job.objects.get(kind="zeimu_notice_print")
    assert job.params == {
        "fiscal_year": 2025,
        "forms": ["futsu"],
        "tsuchi_date": "2025-06-10",
        "print_data_encoding": "utf-8-sig",
    }
    _cleanup(job)
    # the reprint carries the 通知日 of the mass print
    pk = Fuka.objects.get(atena=taro).pk
    connection.set_schema_to_public()
    (reprint,) = pdf_pages(clerk.get(f"/zeimu/fuka/{pk}/notice.pdf").content)
    assert "令和7年6月10日" in reprint


def _cleanup(job: Any) -> None:
    from django.core.files.storage import default_storage

    for f in job.files.all():
        default_storage.delete(f.path)


def test_the_print_queryset_brings_address_blocks_in_one_query_in_mail_order(alpha):
    # given: three taxpayers with different 郵便番号
    connection.set_tenant(alpha.municipality)
    people_ = people(
        "hayama", [("三　郵便", "2400113"), ("一　郵便", "2400111"), ("二", "2400112")]
    )
    ids = [make_fuka(p, futsu=10_000).pk for p in people_]
    # when: a print chunk fetches its rows and builds its notices
    with SqlCount() as sql:
        rows = list(futsu_queryset(2025).filter(pk__in=ids))
        notices = [futsu_notice(f) for f in rows]
    # then: the rows and the address blocks, two queries; 郵便番号 order
    assert sql.count == 2
    assert [n.item["postal"] for n in notices] == ["〒240-0111", "〒240-0112", "〒240-0113"]
    assert [n.item["name"] for n in notices] == ["一　郵便", "二", "三　郵便"]
