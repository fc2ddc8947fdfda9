"""課税資料の画面: lookup by a posted 宛名番号, the per-person page, entry forms with their
messages, 試算 without saving, CSV upload, the viewer/clerk split, access-log rows, and
the wall between 葉山町 and 寒川町."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from juminkiroku.tests.factories import family, household_tennyu
from tenants.accesslog.models import AccessLog
from tenants.db import connection
from tenants.models import Gyomu, Membership, MembershipRole, RoleLevel, Subscription
from tenants.params.tenant.models import MunicipalParameter
from tests.personas import ALPHA_HOST, BETA_HOST
from zeimu.models import Fuka, KyuyoHokoku, NenkinHokoku, Shinkoku, ShiryoImport
from zeimu.rules.juminzei import juminzei_compute
from zeimu.rules.parameters import parameters_for
from zeimu.services.kazei_inputs import input_for, kazei_totals, town_settings

pytestmark = pytest.mark.django_db


def _csv(*lines: str) -> bytes:
    return ("\ufeff" + "\n".join(lines) + "\n").encode("utf-8")


@pytest.fixture
def people(alpha) -> list[Any]:
    connection.set_tenant(alpha.municipality)
    _, atenas = household_tennyu("hayama", members=family(), ido_date=date(2020, 4, 1))
    MunicipalParameter.objects.create(
        key="zeimu.kojin_juminzei.kyuchi",
        fiscal_year_from=2020,
        value=1,
        source="テスト",
        created_by="test",
    )
    connection.set_schema_to_public()
    return atenas


def _in(town) -> None:
    connection.set_tenant(town.municipality)


def _kyuyo(atena_id: int, **kw: Any) -> KyuyoHokoku:
    fields = {
        "atena_id": atena_id,
        "shotoku_year": 2024,
        "employer_no": "0001234567",
        "employer_name": "株式会社葉山",
        "shiharai_kingaku": 5_200_000,
        "shakai_hoken": 760_000,
    }
    fields.update(kw)
    return KyuyoHokoku.objects.create(**fields)


KYUYO_POST = {
    "employer_no": "０００９９９",
    "employer_name": "葉山商店",
    "shiharai_kingaku": "１，０３０，０００",
    "shakai_hoken": "",
    "seimei_hoken_kojo": "",
    "jishin_hoken_kojo": "",
    "tokubetsu_choshu": "0",
}


def _shinkoku_post(**kw: str) -> dict[str, str]:
    data = {
        "kind": "kakutei",
        "shogai": "なし",
        "kafu_hitorioya": "なし",
        "haigusha_shogai": "なし",
    }
    data.update({f"shinzoku_{i}_shogai": "なし" for i in range(1, 7)})
    data.update(kw)
    return data


# --- lookup and the person page ----------------------------------------------------


def test_lookup_posts_the_number_and_lands_on_the_person_page_by_id(alpha, people, login):
    # given
    head, _, _ = people
    _in(alpha)
    _kyuyo(head.pk)
    NenkinHokoku.objects.create(
        atena_id=head.pk,
        shotoku_year=2024,
        payer_no="NP1",
        payer_name="日本年金機構",
        shiharai_kingaku=600_000,
    )
    connection.set_schema_to_public()
    clerk = login("hayama-clerk", ALPHA_HOST)
    # when
    r = clerk.post("/zeimu/kazei/", {"atena_no": head.atena_no, "shotoku_year": "2024"})
    # then: the URL carries the internal id, never the 宛名番号
    assert r.status_code == 302 and r["Location"] == f"/zeimu/kazei/{head.pk}/2024/"
    assert head.atena_no not in r["Location"]
    page = clerk.get(r["Location"])
    body = page.content.decode()
    assert page.status_code == 200
    assert "株式会社葉山" in body and "5,200,000円" in body and "日本年金機構" in body
    assert "給与支払報告書を追加" in body and "申告を入力" in body
    _in(alpha)
    search = AccessLog.objects.get(screen="課税資料 宛名番号で検索")
    assert (search.action, search.record_id, search.username) == (
        "search",
        str(head.pk),
        "hayama-clerk",
    )
    read = AccessLog.objects.get(screen="課税資料の照会")
    assert (read.action, read.record_id, read.detail) == (
        "read",
        str(head.pk),
        {"shotoku_year": 2024},
    )


def test_lookup_messages_for_a_bad_or_unknown_number(people, login):
    clerk = login("hayama-clerk", ALPHA_HOST)
    r = clerk.post("/zeimu/kazei/", {"atena_no": "12345", "shotoku_year": "2024"})
    assert "宛名番号は10桁の数字で入力してください。" in r.content.decode()
    r = clerk.post("/zeimu/kazei/", {"atena_no": "9999999999", "shotoku_year": "2024"})
    assert r.status_code == 200
    assert "この宛名番号の人はこの団体にいません。" in r.content.decode()
    r = clerk.post("/zeimu/kazei/", {"atena_no": "", "shotoku_year": "2024"})
    assert "宛名番号を入力してください。" in r.content.decode()


def test_viewer_reads_but_cannot_change_anything(alpha, people, login):
    # given
    head, _, _ = people
    _in(alpha)
    row = _kyuyo(head.pk)
    connection.set_schema_to_public()
    viewer = login("hayama-viewer", ALPHA_HOST)
    # when / then: reading is allowed (the lookup is a POST that writes nothing)
    r = viewer.post("/zeimu/kazei/", {"atena_no": head.atena_no, "shotoku_year": "2024"})
    assert r.status_code == 302
    page = viewer.get(f"/zeimu/kazei/{head.pk}/2024/").content.decode()
    assert "株式会社葉山" in page and "変更・削除" not in page and "を追加" not in page
    assert viewer.get(f"/zeimu/kazei/{head.pk}/2024/shisan/").status_code == 200
    # every change is refused, and nothing is written
    assert viewer.get(f"/zeimu/kazei/{head.pk}/2024/kyuyo/new/").status_code == 403
    assert viewer.post(f"/zeimu/kazei/{head.pk}/2024/kyuyo/new/", KYUYO_POST).status_code == 403
    assert viewer.post(f"/zeimu/kazei/kyuyo/{row.pk}/", KYUYO_POST).status_code == 403
    assert viewer.post(f"/zeimu/kazei/kyuyo/{row.pk}/delete/", {"confirm": "on"}).status_code == 403
    shinkoku_url = f"/zeimu/kazei/{head.pk}/2024/shinkoku/"
    assert viewer.post(shinkoku_url, _shinkoku_post()).status_code == 403
    upload = {"kind": "kyuyo", "file": _upload("k.csv", b"x")}
    assert viewer.post("/zeimu/kazei/import/", upload).status_code == 403
    _in(alpha)
    assert KyuyoHokoku.objects.get().employer_name == "株式会社葉山"
    assert Shinkoku.objects.count() == 0 and ShiryoImport.objects.count() == 0
    assert not AccessLog.objects.filter(
        gyomu="kojin_juminzei", action__in=["create", "update", "delete"]
    ).exists()


def test_unknown_person_or_year_is_404(people, login):
    clerk = login("hayama-clerk", ALPHA_HOST)
    assert clerk.get("/zeimu/kazei/999999/2024/").status_code == 404
    head, _, _ = people
    assert clerk.get(f"/zeimu/kazei/{head.pk}/1999/").status_code == 404


# --- 給与支払報告書 entry ---------------------------------------------------------------


def test_clerk_adds_changes_and_deletes_a_kyuyo_report(alpha, people, login):
    head, _, _ = people
    clerk = login("hayama-clerk", ALPHA_HOST)
    # when: amounts with 全角 digits and commas
    r = clerk.post(f"/zeimu/kazei/{head.pk}/2024/kyuyo/new/", KYUYO_POST)
    # then
    assert r.status_code == 302 and r["Location"] == f"/zeimu/kazei/{head.pk}/2024/"
    _in(alpha)
    row = KyuyoHokoku.objects.get()
    assert (row.employer_no, row.shiharai_kingaku, row.tokubetsu_choshu) == (
        "000999",
        1_030_000,
        False,
    )
    created = AccessLog.objects.get(action="create", record_type="kyuyo_hokoku")
    assert created.record_id == str(row.pk) and created.username == "hayama-clerk"
    connection.set_schema_to_public()
    # the edit form shows the stored amounts
    form = clerk.get(f"/zeimu/kazei/kyuyo/{row.pk}/").content.decode()
    assert 'value="1,030,000"' in form
    r = clerk.post(f"/zeimu/kazei/kyuyo/{row.pk}/", {**KYUYO_POST, "shiharai_kingaku": "2,000,000"})
    assert r.status_code == 302
    # deleting needs the confirmation box
    r = clerk.post(f"/zeimu/kazei/kyuyo/{row.pk}/delete/", {})
    assert r.status_code == 302
    _in(alpha)
    assert KyuyoHokoku.objects.get().shiharai_kingaku == 2_000_000
    connection.set_schema_to_public()
    r = clerk.post(f"/zeimu/kazei/kyuyo/{row.pk}/delete/", {"confirm": "on"})
    assert r.status_code == 302
    _in(alpha)
    assert KyuyoHokoku.objects.count() == 0
    actions = list(
        AccessLog.objects.filter(record_type="kyuyo_hokoku")
        .order_by("id")
        .values_list("action", "record_id", "detail")
    )
    detail = {"atena_id": head.pk, "shotoku_year": 2024}
    assert actions == [
        ("create", str(row.pk), detail),
        ("update", str(row.pk), detail),
        ("delete", str(row.pk), detail),
    ]
    # opening the edit form is a read of the person's data
    assert AccessLog.objects.filter(screen="給与支払報告書の変更", action="read").count() == 1


def test_kyuyo_form_messages(alpha, people, login):
    head, _, _ = people
    _in(alpha)
    _kyuyo(head.pk, employer_no="000999")
    connection.set_schema_to_public()
    clerk = login("hayama-clerk", ALPHA_HOST)
    url = f"/zeimu/kazei/{head.pk}/2024/kyuyo/new/"
    body = clerk.post(url, {**KYUYO_POST, "shiharai_kingaku": "5万"}).content.decode()
    assert "0以上の整数（円）で入力してください。" in body
    body = clerk.post(url, {**KYUYO_POST, "shiharai_kingaku": ""}).content.decode()
    assert "このフィールドは必須です。" in body or "必須" in body
    # the same employer twice for one person and year
    body = clerk.post(url, KYUYO_POST).content.decode()
    assert "同じ特別徴収義務者指定番号の給与支払報告書が既にあります。" in body
    _in(alpha)
    assert KyuyoHokoku.objects.count() == 1


# --- 申告 entry and 試算 ----------------------------------------------------------------


def test_shinkoku_form_validates_family_and_saves_json(alpha, people, login):
    head, _, _ = people
    clerk = login("hayama-clerk", ALPHA_HOST)
    url = f"/zeimu/kazei/{head.pk}/2024/shinkoku/"
    # a spouse without an age, a relative's age out of range
    bad = _shinkoku_post(haigusha_zokugara="妻", shinzoku_2_age="200", kyuyo_shunyu="abc")
    body = clerk.post(url, bad).content.decode()
    assert "配偶者の欄に記入があるときは、年齢が必須です。" in body
    assert "年齢は0〜150の整数で入力してください。" in body
    assert "0以上の整数（円）で入力してください。" in body
    _in(alpha)
    assert Shinkoku.objects.count() == 0
    connection.set_schema_to_public()
    # when
    good = _shinkoku_post(
        kyuyo_shunyu="5,200,000",
        iryohi_kojo="１００，０００",
        haigusha_zokugara="妻",
        haigusha_age="42",
        haigusha_gokei_shotoku="0",
        shinzoku_1_zokugara="子",
        shinzoku_1_age="14",
        shinzoku_3_zokugara="母",
        shinzoku_3_age="80",
        shinzoku_3_gokei_shotoku="-10,000",
        shinzoku_3_dokyo_roshin="on",
        shinzoku_3_shogai="同居特別障害者",
    )
    r = clerk.post(url, good)
    # then
    assert r.status_code == 302, r.content.decode()[:2000]
    _in(alpha)
    s = Shinkoku.objects.get()
    assert (s.kind, s.kyuyo_shunyu, s.iryohi_kojo, s.entered_by) == (
        "kakutei",
        5_200_000,
        100_000,
        "hayama-clerk",
    )
    assert s.haigusha == {"age": 42, "gokei_shotoku": 0, "shogai": "なし", "zokugara": "妻"}
    assert s.shinzoku == [
        {"age": 14, "gokei_shotoku": 0, "shogai": "なし", "zokugara": "子", "dokyo_roshin": False},
        {"age": 80, "gokei_shotoku": -10_000, "shogai": "同居特別障害者", "zokugara": "母",
         "dokyo_roshin": True},
    ]  # fmt: skip
    assert AccessLog.objects.get(action="create", record_type="shinkoku").record_id == str(s.pk)
    connection.set_schema_to_public()
    # the edit form shows what was stored; a change is an update by the same row
    form = clerk.get(url).content.decode()
    assert 'value="5,200,000"' in form and 'value="80"' in form
    assert clerk.post(url, {**good, "kind": "juminzei"}).status_code == 302
    _in(alpha)
    assert Shinkoku.objects.get(pk=s.pk).kind == "juminzei"
    assert AccessLog.objects.filter(action="update", record_type="shinkoku").count() == 1


def test_preview_computes_from_the_form_without_saving(alpha, people, login):
    # given
    head, _, _ = people
    _in(alpha)
    _kyuyo(head.pk)
    connection.set_schema_to_public()
    clerk = login("hayama-clerk", ALPHA_HOST)
    post = _shinkoku_post(haigusha_age="42", shinzoku_1_age="17", preview="1")
    # when
    r = clerk.post(f"/zeimu/kazei/{head.pk}/2024/shinkoku/", post)
    # then
    body = r.content.decode()
    assert r.status_code == 200 and 'data-testid="kazei-preview"' in body
    _in(alpha)
    unsaved = Shinkoku(
        atena_id=head.pk,
        shotoku_year=2024,
        kind="kakutei",
        haigusha={"age": 42, "gokei_shotoku": 0, "shogai": "なし", "zokugara": ""},
        shinzoku=[
            {"age": 17, "gokei_shotoku": 0, "shogai": "なし", "zokugara": "", "dokyo_roshin": False}
        ],
    )
    x = input_for(
        birth_date=date(1980, 5, 5),
        settings=town_settings(2025),
        totals=kazei_totals([head.pk], 2024)[head.pk],
        shinkoku=unsaved,
    )
    expected = juminzei_compute(x, parameters_for(2025))
    assert f"令和7年度 年税額 {expected.gokei_zeigaku:,}円" in body
    assert Shinkoku.objects.count() == 0 and Fuka.objects.count() == 0
    assert AccessLog.objects.get(screen="申告内容の試算").record_id == str(head.pk)


def test_shisan_from_stored_data_matches_the_engine_and_saves_nothing(alpha, people, login):
    # given
    head, _, _ = people
    _in(alpha)
    _kyuyo(head.pk)
    Shinkoku.objects.create(
        atena_id=head.pk, shotoku_year=2024, kind="kakutei", iryohi_kojo=150_000, haigusha=None
    )
    connection.set_schema_to_public()
    viewer = login("hayama-viewer", ALPHA_HOST)
    # when
    r = viewer.get(f"/zeimu/kazei/{head.pk}/2024/shisan/")
    # then
    body = r.content.decode()
    _in(alpha)
    x = input_for(
        birth_date=date(1980, 5, 5),
        settings=town_settings(2025),
        totals=kazei_totals([head.pk], 2024)[head.pk],
        shinkoku=Shinkoku.objects.get(),
    )
    expected = juminzei_compute(x, parameters_for(2025))
    assert expected.gokei_zeigaku > 0
    assert f"令和7年度 年税額 {expected.gokei_zeigaku:,}円" in body
    assert "医療費控除" in body  # the explanation lines of the engine
    assert Fuka.objects.count() == 0
    log = AccessLog.objects.get(screen="課税資料の試算")
    assert (log.action, log.record_id, log.username) == ("read", str(head.pk), "hayama-viewer")


def test_shisan_says_why_it_cannot_compute(alpha, people, login):
    head, _, _ = people
    _in(alpha)
    MunicipalParameter.objects.all().delete()
    connection.set_schema_to_public()
    clerk = login("hayama-clerk", ALPHA_HOST)
    body = clerk.get(f"/zeimu/kazei/{head.pk}/2024/shisan/").content.decode()
    assert "級地" in body and "試算できません" in body


# --- CSV upload ---------------------------------------------------------------------


def _upload(name: str, content: bytes) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="text/csv")


def test_upload_shows_counts_or_the_error_list(
    alpha, people, login, django_capture_on_commit_callbacks
):
    head, wife, _ = people
    clerk = login("hayama-clerk", ALPHA_HOST)
    header = "宛名番号,所得年,支払者番号,支払者名,支払金額,社会保険料等の金額,年金特別徴収"
    bad = _csv(
        header,
        f"{head.atena_no},2024,NP1,日本年金機構,2400000,0,対象",
        f"{wife.atena_no},2024,NP1,日本年金機構,たくさん,0,対象",
    )
    # when: a file with one bad line is accepted (its job runs when the request commits)
    with django_capture_on_commit_callbacks(execute=True):
        r = clerk.post("/zeimu/kazei/import/", {"kind": "nenkin", "file": _upload("n.csv", bad)})
    assert r.status_code == 302 and r["Location"].startswith("/zeimu/kazei/import/")
    # then: the import's page lists the errors (file, line, field), no personal data
    body = clerk.get(r["Location"]).content.decode()
    assert 'data-testid="import-errors"' in body
    assert '<td>n.csv</td><td class="num">3行目</td><td>支払金額</td>' in body
    assert wife.atena_no not in body and "1件も登録していません" in body
    assert "誤りあり（登録なし）" in body
    _in(alpha)
    # nothing written; the import is recorded as refused, with its errors
    assert NenkinHokoku.objects.count() == 0
    refused = ShiryoImport.objects.get()
    assert refused.status == "rejected" and refused.rows == 0
    assert refused.errors == [
        {
            "file": "n.csv",
            "line": 3,
            "field": "支払金額",
            "message": "0以上の整数（円）で入力してください。",
        }
    ]
    assert refused.job is not None and refused.job.status == "failed"
    connection.set_schema_to_public()
    # when: a good 申告 file
    good = _csv("宛名番号,所得年,申告の種類", f"{head.atena_no},2024,確定申告")
    with django_capture_on_commit_callbacks(execute=True):
        r = clerk.post("/zeimu/kazei/import/", {"kind": "shinkoku", "file": _upload("s.csv", good)})
    body = clerk.get(r["Location"]).content.decode()
    assert "住民税申告・確定申告を1件取り込みました" in body
    body = clerk.get("/zeimu/kazei/import/").content.decode()
    assert 'data-testid="import-list"' in body and "s.csv" in body and "取込済" in body
    _in(alpha)
    done = ShiryoImport.objects.get(status="done")
    assert done.job is not None and done.job.status == "succeeded"
    assert Shinkoku.objects.get().shiryo_id == done.pk
    connection.set_schema_to_public()
    # and the job's page leads to the import's page for its result
    job_page = clerk.get(f"/jobs/{done.job.pk}/").content.decode()
    assert f'href="/zeimu/kazei/import/{done.pk}/" data-testid="job-result"' in job_page


def test_upload_size_limit_and_missing_file(people, login, monkeypatch):
    import zeimu.forms.kazei as forms_module

    monkeypatch.setattr(forms_module, "MAX_UPLOAD_BYTES", 10)
    clerk = login("hayama-clerk", ALPHA_HOST)
    r = clerk.post("/zeimu/kazei/import/", {"kind": "kyuyo", "file": _upload("big.csv", b"x" * 11)})
    assert "ファイルが大きすぎます（上限 40MB）" in r.content.decode()
    r = clerk.post("/zeimu/kazei/import/", {"kind": "kyuyo"})
    assert "取り込むファイルを選んでください。" in r.content.decode()


def test_past_imports_are_paged(alpha, people, login):
    _in(alpha)
    ShiryoImport.objects.bulk_create(
        ShiryoImport(kind="kyuyo", file_name=f"f{i}.csv", sha256=f"{i}", rows=1, imported_by="x")
        for i in range(25)
    )
    connection.set_schema_to_public()
    viewer = login("hayama-viewer", ALPHA_HOST)
    first = viewer.get("/zeimu/kazei/import/").content.decode()
    assert "1 / 2 ページ（25件）" in first and "閲覧のみの権限のため、取込はできません。" in first
    second = viewer.get("/zeimu/kazei/import/?page=2").content.decode()
    assert second.count("<td>給与支払報告書</td>") == 5


# --- walls between towns ------------------------------------------------------------


def _subscribe_samukawa(beta) -> None:
    gyomu = Gyomu.objects.get(code="kojin_juminzei")
    Subscription.objects.create(
        municipality=beta.municipality, gyomu=gyomu, start_month=date(2011, 10, 1)
    )
    membership = Membership.objects.get(
        user__username="samukawa-clerk", municipality=beta.municipality
    )
    MembershipRole.objects.create(membership=membership, gyomu=gyomu, level=RoleLevel.WRITE)


def test_the_other_town_cannot_see_or_change_hayamas_data(
    alpha, beta, people, login, django_capture_on_commit_callbacks
):
    # given 寒川町 also uses 個人住民税, and 葉山町 has a report, a 申告 and an import
    head, _, _ = people
    _in(alpha)
    row = _kyuyo(head.pk)
    s = Shinkoku.objects.create(atena_id=head.pk, shotoku_year=2024, kind="kakutei")
    hayama_import = ShiryoImport.objects.create(
        kind="kyuyo", file_name="hayama.csv", sha256="h", rows=1, imported_by="hayama-clerk"
    )
    connection.set_schema_to_public()
    _subscribe_samukawa(beta)
    other = login("samukawa-clerk", BETA_HOST)
    # when / then: 寒川町's screens know none of 葉山町's people or rows
    r = other.post("/zeimu/kazei/", {"atena_no": head.atena_no, "shotoku_year": "2024"})
    assert "この宛名番号の人はこの団体にいません。" in r.content.decode()
    assert other.get(f"/zeimu/kazei/{head.pk}/2024/").status_code == 404
    assert other.get(f"/zeimu/kazei/kyuyo/{row.pk}/").status_code == 404
    assert other.post(f"/zeimu/kazei/kyuyo/{row.pk}/", KYUYO_POST).status_code == 404
    assert other.post(f"/zeimu/kazei/kyuyo/{row.pk}/delete/", {"confirm": "on"}).status_code == 404
    assert other.post(f"/zeimu/kazei/shinkoku/{s.pk}/delete/", {"confirm": "on"}).status_code == 404
    # an upload in 寒川町 cannot reach 葉山町's 宛名番号
    assert other.get(f"/zeimu/kazei/import/{hayama_import.pk}/").status_code == 404
    assert "hayama.csv" not in other.get("/zeimu/kazei/import/").content.decode()
    content = _csv("宛名番号,所得年,申告の種類", f"{head.atena_no},2024,住民税申告")
    with django_capture_on_commit_callbacks(execute=True):
        r = other.post(
            "/zeimu/kazei/import/", {"kind": "shinkoku", "file": _upload("x.csv", content)}
        )
    assert "この宛名番号の人はこの団体にいません。" in other.get(r["Location"]).content.decode()
    # nothing changed in 葉山町, nothing was written in 寒川町 but the refused import
    _in(alpha)
    assert KyuyoHokoku.objects.get().employer_name == "株式会社葉山"
    assert Shinkoku.objects.filter(pk=s.pk, kind="kakutei").exists()
    assert not AccessLog.objects.filter(username="samukawa-clerk", gyomu="kojin_juminzei").exists()
    _in(beta)
    assert KyuyoHokoku.objects.count() == 0 and Shinkoku.objects.count() == 0
    assert list(ShiryoImport.objects.values_list("status", flat=True)) == ["rejected"]


def test_a_town_without_the_module_has_no_kazei_screens(login):
    other = login("samukawa-clerk", BETA_HOST)
    assert other.get("/zeimu/kazei/").status_code == 404
    assert other.get("/zeimu/kazei/import/").status_code == 404


def test_every_entry_form_that_shows_a_person_logs_one_read(alpha, beta, people, login):
    # given: 葉山町 has a 給与・年金支払報告書 and a 申告 for the head of the household
    head = people[0]
    _in(alpha)
    kyuyo = _kyuyo(head.pk)
    nenkin = NenkinHokoku.objects.create(
        atena_id=head.pk,
        shotoku_year=2024,
        payer_no="NP1",
        payer_name="日本年金機構",
        shiharai_kingaku=600_000,
    )
    Shinkoku.objects.create(atena_id=head.pk, shotoku_year=2024)
    connection.set_schema_to_public()
    clerk = login("hayama-clerk", ALPHA_HOST)
    other = login("samukawa-clerk", BETA_HOST)
    pages = {
        f"/zeimu/kazei/{head.pk}/2024/kyuyo/new/": "給与支払報告書の登録",
        f"/zeimu/kazei/kyuyo/{kyuyo.pk}/": "給与支払報告書の変更",
        f"/zeimu/kazei/{head.pk}/2024/nenkin/new/": "公的年金等支払報告書の登録",
        f"/zeimu/kazei/nenkin/{nenkin.pk}/": "公的年金等支払報告書の変更",
        f"/zeimu/kazei/{head.pk}/2024/shinkoku/": "申告の変更",
    }
    for url, screen in pages.items():
        # when
        page = clerk.get(url)
        # then: one row names the person by id, with the income year; never the name
        assert page.status_code == 200, url
        _in(alpha)
        rows = list(AccessLog.objects.filter(screen=screen))
        assert [(r.action, r.record_type, r.record_id, r.detail) for r in rows] == [
            ("read", "atena", str(head.pk), {"shotoku_year": 2024})
        ], url
        connection.set_schema_to_public()
        # and 寒川町's clerk gets nothing, logged nowhere
        assert other.get(url).status_code == 404, url
    _in(beta)
    assert not AccessLog.objects.filter(screen__in=pages.values()).exists()


def test_the_menu_offers_a_viewer_only_the_screens_that_open(people, login):
    """A 閲覧者 of 個人住民税 was offered 当初賦課, which answered 403: the sub-menu lists
    only what opens for the user, and every link it lists answers 200."""
    import re

    viewer = login("hayama-viewer", ALPHA_HOST)
    clerk = login("hayama-clerk", ALPHA_HOST)
    shown = {}
    for name, client in (("viewer", viewer), ("clerk", clerk)):
        page = client.get("/zeimu/kazei/").content.decode()
        nav = re.search(
            r'<nav class="subnav" aria-label="個人住民税メニュー">(.*?)</nav>', page, re.S
        )
        assert nav is not None
        shown[name] = re.findall(r'href="([^"]+)"', nav.group(1))
        for url in shown[name]:
            assert client.get(url).status_code == 200, (name, url)
    assert "/zeimu/tosho-fuka/" in shown["clerk"] and "/zeimu/tosho-fuka/" not in shown["viewer"]
    assert "/zeimu/kazei/" in shown["viewer"]
