"""EUC機能 (標準仕様書 10.1): the data source, conditions, saved extractions, their runs
(count, paged list, CSV), the access log with the purpose, 抑止・支援措置 and 個人番号."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date

import pytest

from juminkiroku.codes import IdoJiyu, JuminJotai, Sex, YokushiLevel, YokushiProcess
from juminkiroku.grants import Kengen
from juminkiroku.models import Atena, CardJokyo, EucChushutsu
from juminkiroku.models.cs import CardJotai, CardShurui
from juminkiroku.selectors.euc import Joken, JokenError, extract
from juminkiroku.services.euc import EucError, euc_save
from juminkiroku.services.yokushi import shien_sochi_register, yokushi_set
from juminkiroku.tests.factories import actor_for, household_tennyu, person_fields
from tenants.accesslog.models import AccessLog
from tenants.accesslog.services import Actor
from tenants.db import connection
from tenants.grants.services import grant_give
from tenants.models import StaffUser
from tenants.testing.pdf import pdf_pages
from tests.personas import ALPHA_HOST, BETA_HOST

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 6)


def _town(slug: str = "hayama") -> dict[str, Atena]:
    """3 men born 1980 (地区 01), 2 women born 2000 (地区 02), a man who died (除票), a man
    under a 照会抑止 and a woman with a 支援措置."""
    people: dict[str, Atena] = {}
    specs = [
        *((f"m{i}", Sex.MALE, "1980-05-05", "01") for i in range(3)),
        *((f"f{i}", Sex.FEMALE, "2000-01-10", "02") for i in range(2)),
        ("dead", Sex.MALE, "1930-02-01", "01"),
        ("locked", Sex.MALE, "1980-05-05", "01"),
        ("shien", Sex.FEMALE, "2000-01-10", "02"),
    ]
    for tag, sex, born, chiku in specs:
        _, (p,) = household_tennyu(
            slug,
            members=[
                person_fields(
                    shimei=f"試験　{tag}",
                    sex=sex,
                    birth_date=born,
                    chiku_code=chiku,
                    katagaki="" if tag != "m0" else "葉山荘101",
                )
            ],
        )
        people[tag] = p
    Atena.objects.filter(pk=people["dead"].pk).update(
        jotai=JuminJotai.SHIBO, shojo_date=date(2024, 3, 1), shojo_jiyu=IdoJiyu.SHIBO
    )
    Atena.objects.filter(pk=people["m1"].pk).update(kojin_bango="123456789018")
    shinsa = actor_for(f"{slug}-shinsa")
    yokushi_set(
        process=YokushiProcess.SHOKAI,
        level=YokushiLevel.ERROR,
        reason="調査中",
        start_date=date(2020, 1, 1),
        end_date=None,
        atena_id=people["locked"].pk,
        actor=shinsa,
    )
    shien_sochi_register(
        atena_id=people["shien"].pk,
        start_date=TODAY,
        moshide_date=TODAY,
        note="",
        actor=shinsa,
    )
    return people


def _defn(*joken: Joken, hani: str = "jumin", ketsugo: str = "all") -> EucChushutsu:
    return EucChushutsu(name="t", hani=hani, ketsugo=ketsugo, joken=[j.__dict__ for j in joken])


def _names(defn: EucChushutsu, *, kojin_bango: bool = False) -> set[str]:
    return {p.shimei for p in extract(defn, kojin_bango=kojin_bango, today=TODAY)}


def test_conditions_operators_functions_and_the_persons_never_extracted(in_alpha, beta):
    people = _town()
    # No condition: every 住民 but the locked and the 支援措置 person; 除票 only on request.
    assert _names(_defn()) == {f"試験　{t}" for t in ("m0", "m1", "m2", "f0", "f1")}
    assert "試験　dead" in _names(_defn(hani="all"))
    assert "試験　locked" not in _names(_defn(hani="all"))
    assert "試験　shien" not in _names(_defn(Joken("chiku_code", "eq", "02"), hani="all"))
    # Codes are given as words (or codes); dates in 和暦 or 西暦; 年齢 computed on the day.
    assert _names(_defn(Joken("sex", "eq", "女"))) == {"試験　f0", "試験　f1"}
    assert _names(_defn(Joken("sex", "ne", "1"))) == {"試験　f0", "試験　f1"}
    assert len(_names(_defn(Joken("birth_date", "lte", "昭和55年5月5日")))) == 3
    assert _names(_defn(Joken("birth_date", "gt", "1980/5/5"))) == {"試験　f0", "試験　f1"}
    assert len(_names(_defn(Joken("age", "eq", "46")))) == 3  # born 1980-05-05
    assert _names(_defn(Joken("age", "lt", "46"))) == {"試験　f0", "試験　f1"}
    assert _names(_defn(Joken("age", "gte", "90"), hani="all")) == {"試験　dead"}
    assert _names(_defn(Joken("katagaki", "notempty"))) == {"試験　m0"}
    assert len(_names(_defn(Joken("katagaki", "empty")))) == 4
    assert _names(_defn(Joken("shimei", "contains", "m2"))) == {"試験　m2"}
    assert _names(
        _defn(Joken("shojo_date", "gte", "令和6年1月1日"), Joken("jotai", "eq", "死亡"), hani="all")
    ) == {"試験　dead"}
    assert _names(_defn(Joken("shojo_jiyu", "eq", "死亡"), hani="all")) == {"試験　dead"}
    # Items managed outside the 住民票: the 個人番号カード's status (no row: 未交付).
    CardJokyo.objects.create(
        atena=people["m2"], shurui=CardShurui.KOJIN_BANGO, jotai=CardJotai.KOFU
    )
    assert _names(_defn(Joken("card_jotai", "eq", "交付済"))) == {"試験　m2"}
    assert len(_names(_defn(Joken("card_jotai", "eq", "未交付")))) == 4
    # かつ / または
    either = _defn(
        Joken("shimei", "contains", "m0"), Joken("shimei", "contains", "f1"), ketsugo="any"
    )
    assert _names(either) == {"試験　m0", "試験　f1"}
    both = _defn(Joken("shimei", "contains", "m0"), Joken("shimei", "contains", "f1"))
    assert _names(both) == set()
    # 個人番号 only with its grant.
    mine = _defn(Joken("kojin_bango", "eq", "123456789018"))
    assert _names(mine, kojin_bango=True) == {"試験　m1"}
    with pytest.raises(JokenError, match="指定できない項目"):
        _names(mine)
    for bad, message in (
        (Joken("birth_date", "gte", "昭和99年"), "日付が読めません"),
        (Joken("sex", "eq", "不明"), "男、女 のいずれか"),
        (Joken("age", "gte", "abc"), "年齢は0から150"),
        (Joken("sex", "contains", "男"), "指定できません"),
        (Joken("jusho", "eq", ""), "値を入力してください"),
    ):
        with pytest.raises(JokenError, match=message):
            _names(_defn(bad))
    connection.set_tenant(beta.municipality)
    assert _names(_defn(hani="all")) == set()


def test_save_refuses_bad_definitions_and_changes_nothing(in_alpha):
    actor = actor_for("hayama-shinsa")
    ok = {
        "name": "敬老",
        "hani": "jumin",
        "ketsugo": "all",
        "joken": [Joken("age", "gte", "75")],
        "retsu": ["atena_no", "shimei"],
    }
    for change, field, message in (
        ({"name": "敬\x07老"}, "name", "抽出名"),
        ({"retsu": []}, "retsu", "1つ以上"),
        ({"retsu": ["kojin_bango"]}, "retsu", "選べない"),
        ({"joken": [Joken("kojin_bango", "eq", "1")]}, "__all__", "指定できない項目"),
        ({"joken": [Joken("birth_date", "gte", "x")]}, "__all__", "条件1"),
        ({"hani": "everyone"}, "__all__", "対象"),
    ):
        with pytest.raises(EucError) as exc:
            euc_save(**{**ok, **change}, kojin_bango=False, actor=actor)  # type: ignore[arg-type]
        assert any(message in m for m in exc.value.errors[field])
    assert not EucChushutsu.objects.exists()
    assert not AccessLog.objects.filter(screen="抽出条件の保存（EUC）").exists()
    saved = euc_save(**ok, kojin_bango=False, actor=actor)  # type: ignore[arg-type]
    assert saved.joken == [{"komoku": "age", "enzan": "gte", "atai": "75"}]
    with pytest.raises(EucError, match="既に使われています"):
        euc_save(**ok, kojin_bango=False, actor=actor)  # type: ignore[arg-type]
    assert EucChushutsu.objects.count() == 1
    assert AccessLog.objects.filter(screen="抽出条件の保存（EUC）", action="create").count() == 1


def _wizard(**over: str) -> dict[str, str]:
    data = {
        "hani": "jumin",
        "ketsugo": "all",
        "name": "男性の住民",
        "komoku_0": "sex",
        "enzan_0": "eq",
        "atai_0": "男",
        "retsu": ["atena_no", "shimei", "birth_date", "sex", "kojin_bango"],
    }
    data.update(over)
    return data  # type: ignore[return-value]


def test_screens_wizard_run_pages_csv_log_grants_and_walls(alpha, beta, login, monkeypatch):
    connection.set_tenant(alpha.municipality)
    people = _town()
    clerk_id = StaffUser.objects.get(username="hayama-clerk").pk
    connection.set_schema_to_public()
    monkeypatch.setattr("juminkiroku.views.euc.PAGE_SIZE", 2)
    # A clerk without the grant: no menu link, the screens refuse (and the refusal is logged).
    clerk = login("hayama-clerk", ALPHA_HOST)
    search_page = clerk.get("/juminkiroku/").content.decode()
    assert "/juminkiroku/euc/" not in search_page
    r = clerk.get("/juminkiroku/euc/")
    assert r.status_code == 403 and "EUC抽出の権限がありません" in r.content.decode()
    assert clerk.post("/juminkiroku/euc/new/", _wizard()).status_code == 403
    # The reviewer (EUC and 個人番号 grants) defines one through the wizard.
    shinsa = login("hayama-shinsa", ALPHA_HOST)
    assert "/juminkiroku/euc/" in shinsa.get("/juminkiroku/").content.decode()
    r = shinsa.post("/juminkiroku/euc/new/", _wizard(atai_0="男女"))
    assert "男、女 のいずれか" in r.content.decode()
    r = shinsa.post("/juminkiroku/euc/new/", _wizard())
    assert r.status_code == 302
    connection.set_tenant(alpha.municipality)
    defn = EucChushutsu.objects.get()
    connection.set_schema_to_public()
    run = f"/juminkiroku/euc/{defn.pk}/run/"
    assert r["Location"] == run
    assert clerk.post(run, {"run": "1", "purpose": "x"}).status_code == 403  # logged: denied
    # A run needs a purpose.
    assert 'data-testid="euc-total"' not in shinsa.post(run, {"run": "1"}).content.decode()
    html = shinsa.post(run, {"run": "1", "purpose": "敬老事業の確認"}).content.decode()
    assert 'data-testid="euc-total">3<' in html  # m0, m1, m2 (locked never)
    assert "1 / 2 ページ" in html and "試験　m0" in html and "試験　m2" not in html
    assert "123456789018" in html and "昭和55年5月5日" in html and "<td>男</td>" in html
    html = shinsa.post(run, {"run": "1", "purpose": "敬老事業の確認", "page": "2"}).content
    assert "試験　m2" in html.decode() and "試験　m0" not in html.decode()
    r = shinsa.post(run, {"csv": "1", "purpose": "名簿作成"})
    lines = r.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "宛名番号,氏名,生年月日,性別,個人番号"
    assert len(lines) == 4 and "1980-05-05" in lines[1] and "試験　locked" not in r.content.decode()
    # XML, the list PDF and the 宛名シール (宛名形式) of the same persons.
    r = shinsa.post(run, {"xml": "1", "purpose": "名簿作成"})
    root = ET.fromstring(r.content)
    assert r["Content-Type"] == "application/xml" and root.get("件数") == "3"
    first = {i.get("名称"): i.text for i in root.find("住民")}  # type: ignore[union-attr]
    assert first["氏名"] == "試験　m0" and first["生年月日"] == "1980-05-05"
    assert first["性別"] == "男"
    r = shinsa.post(run, {"pdf": "1", "purpose": "名簿作成"})
    text = "".join(pdf_pages(r.content)).replace(" ", "")
    assert r["Content-Type"] == "application/pdf" and "男性の住民（3人）" in text
    assert "試験m2" in text.replace("　", "") and "locked" not in text
    r = shinsa.post(run, {"labels": "1", "purpose": "案内の送付"})
    text = "".join(pdf_pages(r.content))
    assert "〒240-0112" in text and text.count("様") == 3
    monkeypatch.setattr("juminkiroku.views.euc.MAX_PDF", 2)
    r = shinsa.post(run, {"labels": "1", "purpose": "案内の送付"})
    assert "2人を超える抽出はこの形式で出力できません" in r.content.decode()
    # Every run logged with its purpose, count, ids and 個人番号 use.
    connection.set_tenant(alpha.municipality)
    logs = list(AccessLog.objects.filter(screen__startswith="EUC抽出").order_by("id"))
    runs = [row for row in logs if row.screen in ("EUC抽出", "EUC抽出CSV")]
    assert [(x.action, x.purpose, x.record_count) for x in runs] == [
        ("search", "敬老事業の確認", 3),
        ("search", "敬老事業の確認", 3),
        ("export", "名簿作成", 3),
    ]
    assert runs[2].mynumber_viewed and len(runs[2].detail["atena_ids"]) == 3
    printed = [
        (x.action, x.screen, x.mynumber_viewed)
        for x in logs
        if x.screen not in {"EUC抽出", "EUC抽出CSV"}
    ]
    assert printed == [
        ("export", "EUC抽出XML", True),
        ("print", "EUC抽出（一覧PDF）", True),
        ("print", "EUC抽出（宛名シール）", False),
    ]  # the refused 4th output wrote nothing
    assert runs[0].detail["atena_ids"] == [people["m0"].pk, people["m1"].pk]
    denied = AccessLog.objects.get(username="hayama-clerk", action="denied")
    assert denied.record_type == "euc_chushutsu" and denied.detail == {"reason": "no_kengen"}
    # A clerk given only the EUC grant runs it without the 個人番号 column.
    grant_give(user_id=clerk_id, code=Kengen.EUC, actor=Actor(user_id=None, username="t"))
    connection.set_schema_to_public()
    html = clerk.post(run, {"run": "1", "purpose": "確認"}).content.decode()
    assert 'data-testid="euc-total">3<' in html and "123456789018" not in html
    assert "個人番号" not in html.split("euc-table")[1]
    r = clerk.post(run, {"csv": "1", "purpose": "確認"})
    assert r.content.decode("utf-8-sig").splitlines()[0] == "宛名番号,氏名,生年月日,性別"
    # ... but may not change it (saving would drop the 個人番号 column).
    r = clerk.post(f"/juminkiroku/euc/{defn.pk}/", _wizard(name="変更"))
    assert r.status_code == 403 and "個人番号の表示の権限がある職員だけ" in r.content.decode()
    connection.set_tenant(alpha.municipality)
    assert EucChushutsu.objects.get().name == "男性の住民"
    # A definition with a 個人番号 condition does not run for that clerk.
    with_number = euc_save(
        name="番号で",
        hani="jumin",
        ketsugo="all",
        joken=[Joken("kojin_bango", "eq", "123456789018")],
        retsu=["shimei"],
        kojin_bango=True,
        actor=actor_for("hayama-shinsa"),
    )
    connection.set_schema_to_public()
    html = clerk.post(f"/juminkiroku/euc/{with_number.pk}/run/", {"run": "1", "purpose": "確認"})
    assert "この抽出条件は実行できません: 指定できない項目です。" in html.content.decode()
    assert "試験　m1" not in html.content.decode()
    r = clerk.get(f"/juminkiroku/euc/{with_number.pk}/")  # the condition's value stays hidden
    assert r.status_code == 403 and "123456789018" not in r.content.decode()
    # 寒川町 sees neither 葉山町's definitions nor its persons.
    other = login("samukawa-shinsa", BETA_HOST)
    assert "男性の住民" not in other.get("/juminkiroku/euc/").content.decode()
    assert other.post(run, {"run": "1", "purpose": "x"}).status_code == 404
    assert other.post("/juminkiroku/euc/new/", _wizard()).status_code == 302
    connection.set_tenant(beta.municipality)
    mine = EucChushutsu.objects.get()
    connection.set_schema_to_public()
    html = other.post(f"/juminkiroku/euc/{mine.pk}/run/", {"run": "1", "purpose": "x"})
    assert 'data-testid="euc-total">0<' in html.content.decode()
    assert not re.search("試験　m", html.content.decode())
