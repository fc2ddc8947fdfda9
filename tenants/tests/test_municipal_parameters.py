"""条例 values set by a town administrator: the declarations in the law-parameter files,
the audited service, and the screen, with two towns."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from tenants.accesslog.models import AccessLog
from tenants.accesslog.services import Actor
from tenants.params.models import LawParameter
from tenants.params.services import law_parameter_files, law_parameters_load, param_value
from tenants.params.settable import ParameterValueError, settable_parameters
from tenants.params.tenant.models import MunicipalParameter, MunicipalParameterChange
from tenants.params.tenant.services import municipal_parameter_set
from tenants.wareki import fiscal_year_of, format_nendo
from tests.personas import ALPHA_HOST, BETA_HOST

KINTOWARI = "zeimu.kojin_juminzei.kintowari.shichoson"
KYUCHI = "zeimu.kojin_juminzei.kyuchi"
NOUKI_DAY = "zeimu.kojin_juminzei.futsu_choshu.nouki_day"
NOUKI_MONTHS = "zeimu.kojin_juminzei.futsu_choshu.nouki_months"
HASU = "zeimu.kojin_juminzei.futsu_choshu.hasu_tani"
HANBOUKI = "juminkiroku.johyo.hanbouki_months"
KANSHO = "kaigo.nintei.koshin_kansho_nissu"
TESURYO = "zeimu.shuno.tokusoku.tesuryo"
KOZA = {
    "zeimu.shuno.koza.itakusha_code",
    "zeimu.shuno.koza.itakusha_mei",
    "zeimu.shuno.koza.saifurikae_nissu",
}
#: the 業務 of zeimu (its module declares them; the law files are settable by any)
ZEIMU_GYOMU = (
    "kojin_juminzei",
    "kotei_shisanzei",
    "shuno_kanri",
    "kei_jidoshazei",
    "hojin_juminzei",
    "jigyoshozei",
)
BUNNO_IHAN = "zeimu.shuno.taino.bunno_ihan_nissu"
ADMIN = Actor(user_id=None, username="hayama-admin")


def _set(
    key: str, year: int, text: str, reason: str = "町税条例第1条"
) -> MunicipalParameterChange | None:
    return municipal_parameter_set(
        key=key, fiscal_year=year, value_text=text, reason=reason, actor=ADMIN
    )


def _rows(key: str) -> list[tuple[int, int | None, object]]:
    return list(
        MunicipalParameter.objects.filter(key=key)
        .order_by("fiscal_year_from")
        .values_list("fiscal_year_from", "fiscal_year_to", "value")
    )


def test_law_files_come_from_the_platform_and_each_modules_params_dir():
    files = {(codes, path.parent.name, path.name) for codes, path in law_parameter_files()}
    assert ((), "data", "minpo.yaml") in files
    assert (
        ZEIMU_GYOMU,
        "params",
        "kojin_juminzei.yaml",
    ) in files
    assert not list((Path("tenants") / "params" / "data").glob("kojin_juminzei*.yaml"))


KOKUHO_FURIKOMI = (
    "irainin_code",
    "irainin_name",
    "shimuke_ginko",
    "shimuke_shiten",
    "yokin_shumoku",
    "koza_bango",
)


def test_settable_parameters_are_declared_in_the_law_files():
    declared = settable_parameters()
    kakuninsho = "kokuho.shikaku.kakuninsho_koshin_tsuki"  # 国保: 資格確認書の更新月
    hokensha = "kokuho.shikaku.hokensha_bango"  # 国保: 資格確認書に印字する保険者番号
    sosai = "kokuho.kyufu.sosai.gaku"  # 国保: 葬祭費（条例で定める額、国の額なし）
    # the 国保税 rates and caps are the town's by law (地方税法第703条の4): kokuho's own file
    hokenzei = {key for key in declared if key.startswith("kokuho.hokenzei.")}
    assert len(hokenzei) >= 20
    assert all("kokuho_shikaku" in declared[key].gyomu for key in hokenzei)
    # the 国保税's 納期 and rounding are the town's 条例 (地方税法第706条): kokuho's fuka.yaml
    fuka = {key for key in declared if key.startswith("kokuho.fuka.")}
    assert {"kokuho.fuka.nouki_months", "kokuho.fuka.nouki_day"} <= fuka
    # the 介護保険料's 基準額, stages, rates and rounding are the town's (介護保険法第129条)
    hokenryo = {key for key in declared if key.startswith("kaigo.hokenryo.")}
    assert len(hokenryo) >= 40
    assert all(declared[key].gyomu == ("kaigo_hoken",) for key in hokenryo)
    # its 期別: the 普通徴収 納期 and the 端数 of 普通徴収・特別徴収 (介護保険法第133条・第135条)
    assert {
        "kaigo.hokenryo.futsu.nouki_months",
        "kaigo.hokenryo.futsu.nouki_day",
        "kaigo.hokenryo.futsu.hasu_tani",
        "kaigo.hokenryo.tokucho.hasu_tani",
    } <= hokenryo
    assert declared["kaigo.hokenryo.futsu.nouki_months"].kind == "months"
    assert "kaigo.hokenryo.tokucho.nenkin_kijun" not in declared  # the law's, not the town's
    # 固定資産税: the rates, 納期 and rounding are the town's 条例 (地方税法第350条・第362条・
    # 第702条の4・第20条の4の2): zeimu's kotei_shisanzei.yaml
    kotei = {key for key in declared if key.startswith("zeimu.kotei.")}
    assert kotei == {
        "zeimu.kotei.zeiritsu",
        "zeimu.kotei.toshi_zeiritsu",
        "zeimu.kotei.nouki_months",
        "zeimu.kotei.nouki_day",
        "zeimu.kotei.hasu_tani",
    }
    # コンビニ収納: the town's 企業コード, the 代行業者's limit and the 使用期限 (contract values)
    conveni = {key for key in declared if key.startswith("zeimu.shuno.conveni.")}
    assert conveni == {
        "zeimu.shuno.conveni.kigyo_code",
        "zeimu.shuno.conveni.gendogaku",
        "zeimu.shuno.conveni.shiyo_kigen_nissu",
    }
    # 軽自動車税: the rate of each 種別 (up to 1.5× the 標準税率, 地方税法第463条の15第2項) and
    # the 納期 are the town's 条例: zeimu's keijidosha.yaml
    kei = {key for key in declared if key.startswith("zeimu.keijidosha.")}
    assert len([k for k in kei if k.startswith("zeimu.keijidosha.zeiritsu.")]) == 13
    assert {"zeimu.keijidosha.nouki_month", "zeimu.keijidosha.nouki_day"} <= kei
    assert declared["zeimu.keijidosha.zeiritsu.joyo_jika"].maximum == 16_200
    # 法人住民税・事業所税: the 均等割 ratio (制限税率 1.2倍), the 法人税割 rate (地方税法第312条・
    # 第314条の4) and whether the town levies 事業所税 (第701条の31): zeimu's hojin_juminzei.yaml
    hojin = {key for key in declared if key.startswith(("zeimu.hojin.", "zeimu.jigyosho."))}
    assert hojin == {
        "zeimu.hojin.kintowari_jorei",
        "zeimu.hojin.hojinzeiwari_jorei",
        "zeimu.jigyosho.kazei_dantai",
    }
    # 福祉・子ども: the one 振込依頼人 set of every payment (the town's bank contract), the
    # town's own 医療費助成 ages and limits, 保育's 利用調整 and fee tables
    fukushi = {key for key in declared if key.startswith("fukushi.")}
    assert {
        f"fukushi.furikomi.{k}"
        for k in (
            "irainin_code",
            "irainin_name",
            "shimuke_ginko",
            "shimuke_shiten",
            "yokin_shumoku",
            "koza_bango",
        )
    } <= fukushi
    # 国保: the 給付's 振込依頼人 — the 国保特別会計's account, a set apart from 福祉's
    kokuho_furikomi = {f"kokuho.furikomi.{k}" for k in KOKUHO_FURIKOMI}
    assert kokuho_furikomi <= set(declared)
    assert all("kokuho_kyufu" in declared[key].gyomu for key in kokuho_furikomi)
    others = (
        set(declared) - hokenzei - fuka - hokenryo - kotei - conveni - kei - hojin - fukushi
    ) - kokuho_furikomi
    assert others == {
        KINTOWARI,
        KYUCHI,
        NOUKI_DAY,
        NOUKI_MONTHS,
        HASU,
        HANBOUKI,
        kakuninsho,
        hokensha,
        sosai,
        KANSHO,
        TESURYO,
        *KOZA,
        BUNNO_IHAN,
        # the platform's: the access log's retention and the SLA's 同時接続数 (every town's)
        "platform.accesslog.hozon_nensu",
        "platform.sla.doji_setsuzoku",
    }
    assert declared["platform.accesslog.hozon_nensu"].gyomu == ()
    # 口座振替: the 委託者 (the town's contract with the banks) and whether and when it
    # debits again (再振替日), none by the law
    assert declared["zeimu.shuno.koza.itakusha_code"].kind == "text"
    assert declared["zeimu.shuno.koza.saifurikae_nissu"].kind == "integer"
    # 滞納整理: the days after a 分納 期日 that make it 不履行 (the town's 要綱; no law value)
    assert declared[BUNNO_IHAN].kind == "integer" and "shuno_kanri" in declared[BUNNO_IHAN].gyomu
    # 収納: the 督促手数料 is the town's 条例 (地方税法第330条ほか), none by the law
    assert declared[TESURYO].kind == "integer" and "shuno_kanri" in declared[TESURYO].gyomu
    # 介護保険: the days before a 認定 ends that the 更新 reminder starts (the town's own)
    assert declared[KANSHO].kind == "integer" and declared[KANSHO].gyomu == ("kaigo_hoken",)
    # 住民記録's: the months a town does not move 除票 (標準仕様書 9.3), no national value
    assert declared[HANBOUKI].kind == "months" and "juminkiroku" in declared[HANBOUKI].gyomu
    # kokuho's files are settable by a town using any of its 業務 (資格, 給付)
    assert {"kokuho_shikaku", "kokuho_kyufu"} <= set(declared[kakuninsho].gyomu)
    assert declared[sosai].kind == "integer" and declared[sosai].gyomu == declared[kakuninsho].gyomu
    assert declared[KYUCHI].kind == "choice" and declared[KYUCHI].choices == (1, 2, 3)
    # zeimu's files are settable by a town using any of its 業務 (個人住民税, 固定資産税, 収納管理,
    # 軽自動車税, 法人住民税, 事業所税)
    assert declared[KYUCHI].gyomu == ZEIMU_GYOMU
    assert all(d.basis for d in declared.values())


def test_loader_refuses_a_key_in_two_files(world, tmp_path: Path):
    for name in ("a.yaml", "b.yaml"):
        (tmp_path / name).write_text(
            f"dataset: {name}\nversion: 1\nparameters:\n"
            "  - key: x\n    label: x\n    source: test\n    values:\n"
            "      - {from: 2020, value: 1}\n",
            encoding="utf-8",
        )
    before = LawParameter.objects.count()
    with pytest.raises(ValueError, match="両方にあります"):
        law_parameters_load(data_dir=tmp_path)
    assert LawParameter.objects.count() == before


def test_a_value_set_applies_from_its_year_in_its_town_only(in_alpha, beta):
    # when: 葉山町 raises its 均等割 from 令和7年度
    change = _set(KINTOWARI, 2025, "3,500", "葉山町税条例第33条（令和6年条例第5号）")
    # then
    assert _rows(KINTOWARI) == [(2025, None, 3500)]
    assert param_value(KINTOWARI, 2025) == 3500 and param_value(KINTOWARI, 2024) == 3000
    assert change is not None
    saved = MunicipalParameterChange.objects.get(pk=change.pk)
    assert (saved.old_value, saved.new_value, saved.changed_by) == (None, 3500, "hayama-admin")
    assert saved.reason == "葉山町税条例第33条（令和6年条例第5号）"
    log = AccessLog.objects.get(record_type="municipal_parameter", record_id=str(change.pk))
    assert (log.action, log.detail) == ("update", {"key": KINTOWARI, "fiscal_year": 2025})
    with schema_context(beta.schema):
        assert param_value(KINTOWARI, 2025) == 3000
        assert not MunicipalParameter.objects.exists()
        assert not MunicipalParameterChange.objects.exists()


def test_a_later_year_cuts_the_earlier_value_and_keeps_the_past(in_alpha):
    _set(KYUCHI, 2000, "2")
    _set(KYUCHI, 2025, "3")
    assert _rows(KYUCHI) == [(2000, 2024, 2), (2025, None, 3)]
    # an earlier year set afterwards stops where the later value begins
    _set(NOUKI_DAY, 2026, "25")
    _set(NOUKI_DAY, 2024, "20")
    assert _rows(NOUKI_DAY) == [(2024, 2025, 20), (2026, None, 25)]
    # the same value again changes nothing
    before = MunicipalParameterChange.objects.count()
    assert _set(KYUCHI, 2025, "3") is None
    assert MunicipalParameterChange.objects.count() == before
    assert list(
        MunicipalParameterChange.objects.filter(key=KYUCHI)
        .order_by("id")
        .values_list("old_value", "new_value")
    ) == [(None, 2), (2, 3)]


@pytest.mark.parametrize(
    ("key", "text", "reason", "message"),
    [
        (KINTOWARI, "三千五百", "条例", "半角の整数で入力してください。"),
        (KINTOWARI, "-1", "条例", "0以上の整数で入力してください。"),
        (NOUKI_DAY, "32", "条例", "0から31までの整数で入力してください。"),
        (KYUCHI, "4", "条例", "1・2・3のいずれかを選んでください。"),
        (HASU, "10", "条例", "1000・100のいずれかを選んでください。"),
        (NOUKI_MONTHS, "6,1,8", "条例", "4月始まりの年度順"),
        (NOUKI_MONTHS, "6,13", "条例", "月は1から12までで入力してください。"),
        (KINTOWARI, "", "条例", "値を入力してください。"),
        (KINTOWARI, "3500", "  ", "根拠となる条例名・条項（または理由）を入力してください。"),
        ("zeimu.kojin_juminzei.shotokuwari.shichoson", "0.07", "条例", "団体で設定できません"),
    ],
)
def test_refused_values_write_nothing(in_alpha, key, text, reason, message):
    before = (
        MunicipalParameter.objects.count(),
        MunicipalParameterChange.objects.count(),
        AccessLog.objects.count(),
    )
    with pytest.raises(ParameterValueError, match=message):
        _set(key, 2025, text, reason)
    assert before == (
        MunicipalParameter.objects.count(),
        MunicipalParameterChange.objects.count(),
        AccessLog.objects.count(),
    )


HITORIOYA = "fukushi.iryo.hitorioya.shotoku_seigen"


def test_a_choice_of_codes_is_offered_in_words_and_stores_the_code(world, login):
    """A choice whose codes are not numbers (ひとり親医療の所得制限: fuyoteate / nashi) is
    offered as a list in words; the code is stored, the words are shown, typed words are
    taken too and anything else is refused with nothing written."""
    declared = settable_parameters()[HITORIOYA]
    assert declared.options() == [
        ("fuyoteate", "児童扶養手当の受給者に限る"),
        ("nashi", "所得制限なし"),
    ]
    assert declared.clean("所得制限なし") == "nashi" and declared.clean("fuyoteate") == "fuyoteate"
    with pytest.raises(
        ParameterValueError,
        match="児童扶養手当の受給者に限る・所得制限なしのいずれかを選んでください",
    ):
        declared.clean("なし")
    admin = login("hayama-admin", ALPHA_HOST)
    year = _this_year()
    page = admin.get("/settings/parameters/").content.decode()
    assert '<option value="nashi">所得制限なし</option>' in page
    assert "fuyoteate＝" not in page and "nashi＝" not in page
    admin.post(
        "/settings/parameters/",
        {
            "key": HITORIOYA,
            "fiscal_year": year,
            "value": "nashi",
            "reason": "ひとり親医療条例第3条",
        },
    )
    with schema_context(world.alpha.schema):
        assert param_value(HITORIOYA, year) == "nashi"
    page = admin.get("/settings/parameters/").content.decode()
    assert "<strong>所得制限なし</strong>" in page
    # the other town: nothing of it
    with schema_context(world.beta.schema):
        assert not MunicipalParameter.objects.filter(key=HITORIOYA).exists()


def test_months_are_stored_as_a_list(in_alpha):
    _set(NOUKI_MONTHS, 2025, "6、7、8、10、12、1")
    assert param_value(NOUKI_MONTHS, 2025) == [6, 7, 8, 10, 12, 1]


def test_a_town_without_the_module_cannot_set_its_values(in_beta):
    # 寒川町 does not subscribe to 個人住民税
    with pytest.raises(ParameterValueError, match="この団体が利用していない業務の項目です。"):
        _set(KYUCHI, 2025, "1")
    assert not MunicipalParameter.objects.exists()


def _this_year() -> int:
    return fiscal_year_of(timezone.localdate())


def test_admin_sets_a_value_on_the_screen(world, login):
    admin = login("hayama-admin", ALPHA_HOST)
    year = _this_year()
    page = admin.get("/settings/parameters/").content.decode()
    assert f"条例で定める値（{format_nendo(year)}）" in page
    assert "均等割の非課税限度額に用いる級地" in page and "3,000円" in page
    # when
    response = admin.post(
        "/settings/parameters/",
        {"key": KYUCHI, "fiscal_year": year, "value": "2", "reason": "生活保護法の級地区分の告示"},
        follow=True,
    )
    # then
    html = response.content.decode()
    assert f"{format_nendo(year)}からの値を変更しました。" in html
    assert "2級地" in html and "生活保護法の級地区分の告示" in html
    with schema_context(world.alpha.schema):
        assert param_value(KYUCHI, year) == 2


def test_screen_shows_a_clear_error_and_writes_nothing(world, login):
    admin = login("hayama-admin", ALPHA_HOST)
    response = admin.post(
        "/settings/parameters/",
        {"key": NOUKI_DAY, "fiscal_year": _this_year(), "value": "40", "reason": "条例"},
    )
    assert response.status_code == 200
    assert "0から31までの整数で入力してください。" in response.content.decode()
    with schema_context(world.alpha.schema):
        assert not MunicipalParameter.objects.filter(key=NOUKI_DAY).exists()


def test_other_towns_admin_cannot_see_or_set_this_towns_values(world, login):
    # given: 葉山町 has a 級地
    with schema_context(world.alpha.schema):
        _set(KYUCHI, 2000, "2")
    admin = login("samukawa-admin", BETA_HOST)
    # then: 寒川町's screen lists no 個人住民税 value and shows nothing of 葉山町's
    page = admin.get("/settings/parameters/").content.decode()
    assert "級地" not in page and "町税条例第1条" not in page
    # and a post for the key is refused, in 寒川町's schema only
    response = admin.post(
        "/settings/parameters/",
        {"key": KYUCHI, "fiscal_year": _this_year(), "value": "1", "reason": "x"},
    )
    assert "この団体が利用していない業務の項目です。" in response.content.decode()
    with schema_context(world.beta.schema):
        assert not MunicipalParameter.objects.exists()
    with schema_context(world.alpha.schema):
        assert _rows(KYUCHI) == [(2000, None, 2)]
    # and 葉山町's host does not take 寒川町's session
    assert admin.get("/settings/parameters/", HTTP_HOST=ALPHA_HOST).status_code == 302


def test_screen_is_for_administrators_only(world, login):
    clerk = login("hayama-clerk", ALPHA_HOST)
    assert clerk.get("/settings/parameters/").status_code == 403
    response = clerk.post(
        "/settings/parameters/",
        {"key": KYUCHI, "fiscal_year": _this_year(), "value": "1", "reason": "x"},
    )
    assert response.status_code == 403
    with schema_context(world.alpha.schema):
        assert not MunicipalParameter.objects.filter(key=KYUCHI).exists()
