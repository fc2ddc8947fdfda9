"""外国人住民 (標準仕様書 4.5.1, 4.5.2, 4.5.6, 4.5.7) and 事実上の世帯主 (4.1.4.3)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from juminkiroku.codes import (
    STANDARD_KUBUN,
    IdoJiyu,
    IdoStatus,
    JuminJotai,
    JuminShubetsu,
    ZairyuKubun,
)
from juminkiroku.models import Atena, Ido, JijitsujoSetainushi, NyukanTsuchi, ShichosonTsuchi
from juminkiroku.models.nyukan import NyukanTsuchiStatus, ShichosonTsuchiKubun
from juminkiroku.nyukan.shichoson import shichoson_collect
from juminkiroku.nyukan.torikomi import (
    COLUMNS,
    kakunin_lines,
    tsuchi_import,
    tsuchi_torikomi,
)
from juminkiroku.selectors.nyukan import shichoson_misoshin, tsuchi_mitorikomi
from juminkiroku.services.ido import IdoError, PersonChange, ido_enter
from juminkiroku.services.jijitsujo import jijitsujo_setainushi_set
from juminkiroku.services.tenshutsu import tenshutsu_kakutei_due
from juminkiroku.tests.factories import actor_for, approve, household_tennyu, person_fields
from tenants.accesslog.models import AccessLog
from tenants.db import connection

pytestmark = pytest.mark.django_db

D = date(2024, 4, 1)
HEADING = ",".join(label for _, label in COLUMNS)


def gaikoku(**overrides: object) -> dict[str, object]:
    base: dict[str, object] = {
        "shimei": "スミス　ジョン",
        "shimei_kana": "スミス　ジョン",
        "shubetsu": JuminShubetsu.GAIKOKUJIN,
        "alpha_name": "SMITH JOHN",
        "kokuseki": "アメリカ合衆国",
        "zairyu_shikaku": "技術・人文知識・国際業務",
        "zairyu_kikan_to": "2027-03-31",
        "zairyu_card_no": "AB12345678CD",
        "zairyu_kubun": ZairyuKubun.CHUCHOKI,
        "honseki": "",
        "hittosha": "",
        "tennyu_mae_jusho": "",
    }
    base.update(overrides)
    return person_fields(**base)


def register(town: str, jiyu: str = IdoJiyu.HO30_46_TENNYU, **overrides: object) -> Atena:
    ido = ido_enter(
        jiyu=jiyu,
        ido_date=D,
        todoke_date=D,
        changes=[PersonChange(None, gaikoku(**overrides))],
        setai_mode="new",
        actor=actor_for(f"{town}-clerk"),
    )
    approve(ido, reviewer=f"{town}-shinsa")
    return Atena.objects.get(rireki__ido=ido)


def sid(person: Atena) -> int:
    assert person.setai_id is not None
    return person.setai_id


def ido_of(tsuchi: NyukanTsuchi) -> Ido:
    assert tsuchi.ido is not None
    return tsuchi.ido


def csv_file(*rows: str) -> bytes:
    return ("\ufeff" + "\r\n".join([HEADING, *rows]) + "\r\n").encode("utf-8")


# --- 4.5.1 / 4.5.2 / 1.1.2: 法第30条の45区分, 法第30条の46転入, 法第30条の47届出 ----------


def test_4_5_1_ho30_46_tennyu_records_the_kubun_without_a_previous_address(in_alpha):
    person = register("hayama")
    assert person.jotai == JuminJotai.JUMIN and person.tennyu_mae_jusho == ""
    assert person.get_zairyu_kubun_display() == "中長期在留者"
    assert person.rireki.get().zairyu_kubun == ZairyuKubun.CHUCHOKI
    ido = Ido.objects.get(jiyu=IdoJiyu.HO30_46_TENNYU)
    assert ido.get_jiyu_display() == "法第30条の46転入" and ido.status == IdoStatus.HON


def test_4_5_2_ho30_47_todoke_of_a_tokubetsu_eijusha(in_alpha):
    person = register(
        "hayama",
        jiyu=IdoJiyu.HO30_47_TODOKE,
        zairyu_kubun=ZairyuKubun.TOKUBETSU_EIJU,
        zairyu_shikaku="特別永住者",
        zairyu_kikan_to="",
    )
    assert person.zairyu_kubun == ZairyuKubun.TOKUBETSU_EIJU
    assert Ido.objects.get(jiyu=IdoJiyu.HO30_47_TODOKE).status == IdoStatus.HON


def test_4_5_1_both_kinds_are_1_2_2_kokugai_tennyu_to(in_alpha):
    for jiyu in (IdoJiyu.HO30_46_TENNYU, IdoJiyu.HO30_47_TODOKE):
        assert STANDARD_KUBUN[jiyu] == ("記載:国外転入等",)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"zairyu_kubun": ZairyuKubun.KEIKA_SHUSSEI}, "zairyu_kubun", "いずれかを選択"),
        ({"zairyu_kubun": ""}, "zairyu_kubun", "いずれかを選択"),
        ({"zairyu_kubun": "9"}, "zairyu_kubun", "法第30条の45区分を選択"),
        ({"shubetsu": JuminShubetsu.NIHONJIN}, "shubetsu", "外国人住民についてだけ"),
    ],
)
def test_4_5_1_refuses_a_wrong_kubun(in_alpha, overrides, field, message):
    with pytest.raises(IdoError) as exc:
        register("hayama", **overrides)
    assert message in exc.value.errors[f"persons.0.{field}"][0]
    assert not Ido.objects.exists() and not Atena.objects.filter(alpha_name="SMITH JOHN").exists()


def test_4_5_1_the_kubun_is_separate_per_town(alpha, beta):
    connection.set_tenant(alpha.municipality)
    register("hayama")
    connection.set_tenant(beta.municipality)
    assert not Atena.objects.filter(alpha_name="SMITH JOHN").exists()
    other = register("samukawa", zairyu_kubun=ZairyuKubun.KARITAIZAI)
    assert other.zairyu_kubun == ZairyuKubun.KARITAIZAI
    connection.set_tenant(alpha.municipality)
    assert Atena.objects.get(alpha_name="SMITH JOHN").zairyu_kubun == ZairyuKubun.CHUCHOKI


# --- 4.5.6: 出入国在留管理庁長官通知 --------------------------------------------------


def test_4_5_6_a_shikaku_notice_becomes_a_kari_shusei_with_a_kakunin_hyo(in_alpha):
    person = register("hayama")
    result = tsuchi_import(
        data=csv_file(
            "2024-05-01,2024-04-25,shikaku,AB12345678CD,,,,永住者,,,,,",
        ),
        actor=actor_for("hayama-clerk"),
    )
    assert (result.count, result.torikomi, result.pending) == (1, 1, 0)
    tsuchi = NyukanTsuchi.objects.get()
    assert tsuchi.status == NyukanTsuchiStatus.TORIKOMI and tsuchi.atena_id == person.pk
    assert tsuchi.ido is not None
    assert tsuchi.ido.jiyu == IdoJiyu.SHOKKEN_SHUSEI and tsuchi.ido.status == IdoStatus.KARI
    # 処理結果確認票: before and after; nothing changed until the 本登録.
    assert kakunin_lines(tsuchi) == [("在留資格", "技術・人文知識・国際業務", "永住者")]
    person.refresh_from_db()
    assert person.zairyu_shikaku == "技術・人文知識・国際業務"
    approve(ido_of(tsuchi), reviewer="hayama-shinsa")
    person.refresh_from_db()
    assert person.zairyu_shikaku == "永住者"
    assert list(tsuchi_mitorikomi()) == []
    assert AccessLog.objects.filter(screen="出入国在留管理庁長官通知取込").exists()


def test_4_5_6_a_torikeshi_notice_becomes_a_kari_shokken_shojo(in_alpha):
    person = register("hayama")
    tsuchi_import(
        data=csv_file("2024-05-01,2024-04-25,torikeshi,,SMITH JOHN,1980-05-05,1,,,,,,"),
        actor=actor_for("hayama-clerk"),
    )
    tsuchi = NyukanTsuchi.objects.get()
    assert tsuchi.atena_id == person.pk and tsuchi.ido is not None
    assert tsuchi.ido.jiyu == IdoJiyu.SHOKKEN_SHOJO
    assert kakunin_lines(tsuchi) == [("住民状態", "住民", "職権消除")]
    approve(ido_of(tsuchi), reviewer="hayama-shinsa")
    person.refresh_from_db()
    assert person.jotai == JuminJotai.SHOKKEN_SHOJO


def test_4_5_6_card_and_name_changes_are_taken_in(in_alpha):
    person = register("hayama")
    tsuchi_import(
        data=csv_file(
            "2024-05-01,2024-04-25,card,AB12345678CD,,,,,,ZZ98765432YY,,,",
        ),
        actor=actor_for("hayama-clerk"),
    )
    approve(ido_of(NyukanTsuchi.objects.get()), reviewer="hayama-shinsa")
    tsuchi_import(
        data=csv_file(
            "2024-06-01,2024-05-20,shimei,ZZ98765432YY,,,,,,,SMITH JOHN PAUL,カナダ,",
        ),
        actor=actor_for("hayama-clerk"),
    )
    second = NyukanTsuchi.objects.latest("id")
    approve(ido_of(second), reviewer="hayama-shinsa")
    person.refresh_from_db()
    assert person.zairyu_card_no == "ZZ98765432YY"
    assert (person.alpha_name, person.kokuseki) == ("SMITH JOHN PAUL", "カナダ")


def test_4_5_6_unmatched_and_tokubetsu_eijusha_stay_on_the_list_for_a_clerk(in_alpha):
    person = register(
        "hayama",
        zairyu_kubun=ZairyuKubun.TOKUBETSU_EIJU,
        zairyu_shikaku="特別永住者",
        zairyu_card_no="TE0000000001",
    )
    result = tsuchi_import(
        data=csv_file(
            "2024-05-01,2024-04-25,card,TE0000000001,,,,,,TE0000000002,,,",
            "2024-04-01,2024-03-25,shikaku,XX00000000XX,,,,永住者,,,,,",
        ),
        actor=actor_for("hayama-clerk"),
    )
    assert (result.torikomi, result.pending) == (0, 2)
    waiting = list(tsuchi_mitorikomi())
    # Oldest 通知日 first; the unmatched one says why.
    assert waiting[0].status == NyukanTsuchiStatus.FUICCHI
    assert "見つかりません" in waiting[0].reason
    assert waiting[1].atena_id == person.pk and "特別永住者" in waiting[1].reason
    assert not Ido.objects.filter(jiyu=IdoJiyu.SHOKKEN_SHUSEI).exists()
    # 手動取込: the 特別永住者's notice, then the unmatched one with the person named.
    ido = tsuchi_torikomi(tsuchi_id=waiting[1].pk, actor=actor_for("hayama-clerk"))
    approve(ido, reviewer="hayama-shinsa")
    person.refresh_from_db()
    assert person.zairyu_card_no == "TE0000000002"
    with pytest.raises(IdoError, match="対象者を指定"):
        tsuchi_torikomi(tsuchi_id=waiting[0].pk, actor=actor_for("hayama-clerk"))
    ido = tsuchi_torikomi(
        tsuchi_id=waiting[0].pk, atena_id=person.pk, actor=actor_for("hayama-clerk")
    )
    assert ido.status == IdoStatus.KARI and list(tsuchi_mitorikomi()) == []
    with pytest.raises(IdoError, match="取込済"):
        tsuchi_torikomi(tsuchi_id=waiting[0].pk, actor=actor_for("hayama-clerk"))


def test_4_5_6_a_refused_kari_toroku_leaves_the_notice_waiting(in_alpha):
    person = register("hayama")
    ido_enter(
        jiyu=IdoJiyu.SHOKKEN_SHUSEI,
        ido_date=D,
        todoke_date=None,
        changes=[PersonChange(person.pk, {"katagaki": "101号"})],
        actor=actor_for("hayama-clerk"),
    )
    result = tsuchi_import(
        data=csv_file("2024-05-01,2024-04-25,shikaku,AB12345678CD,,,,永住者,,,,,"),
        actor=actor_for("hayama-clerk"),
    )
    assert result.torikomi == 0
    tsuchi = NyukanTsuchi.objects.get()
    assert tsuchi.status == NyukanTsuchiStatus.MITORIKOMI and "異動入力中" in tsuchi.reason


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"a,b\r\n", "見出し"),
        ("\r\n".join([HEADING, "2024-05-01,2024-04-25,zzz,AB1,,,,x,,,,,"]).encode(), "種類"),
        ("\r\n".join([HEADING, "2024-13-01,2024-04-25,card,AB1,,,,,,X,,,"]).encode(), "日付"),
        ("\r\n".join([HEADING, "2024-05-01,2024-04-25,card,,,,,,,X,,,"]).encode(), "在留カード"),
        ("\r\n".join([HEADING, "2024-05-01,2024-04-25,shikaku,AB1,,,,,,,,,"]).encode(), "変更後"),
        ("\r\n".join([HEADING, "2024-05-01,2024-04-25,card,AB\x071,,,,,,X,,,"]).encode(), "2行目"),
        ("\r\n".join([HEADING, "1,2"]).encode(), "項目の数"),
        ("見出し".encode("cp932"), "UTF-8"),
    ],
)
def test_4_5_6_a_bad_file_stores_nothing(in_alpha, data, message):
    with pytest.raises(IdoError) as exc:
        tsuchi_import(data=data, actor=actor_for("hayama-clerk"))
    assert message in str(exc.value)
    assert not NyukanTsuchi.objects.exists()


def test_4_5_6_notices_match_only_the_towns_own_residents(alpha, beta):
    connection.set_tenant(alpha.municipality)
    register("hayama")
    connection.set_tenant(beta.municipality)
    result = tsuchi_import(
        data=csv_file("2024-05-01,2024-04-25,shikaku,AB12345678CD,,,,永住者,,,,,"),
        actor=actor_for("samukawa-clerk"),
    )
    assert result.torikomi == 0
    assert NyukanTsuchi.objects.get().status == NyukanTsuchiStatus.FUICCHI
    connection.set_tenant(alpha.municipality)
    assert not NyukanTsuchi.objects.exists()
    assert Atena.objects.get(alpha_name="SMITH JOHN").zairyu_shikaku != "永住者"


# --- 4.5.7: 市町村通知 ---------------------------------------------------------------


def test_4_5_7_honroku_of_foreign_residents_queue_once_in_order(in_alpha):
    household_tennyu("hayama")  # a Japanese resident: no 市町村通知
    person = register("hayama")
    tenkyo = ido_enter(
        jiyu=IdoJiyu.TENKYO,
        ido_date=D + timedelta(days=10),
        todoke_date=D + timedelta(days=10),
        changes=[PersonChange(person.pk, {"jusho": "神奈川県三浦郡葉山町一色", "banchi": "1"})],
        actor=actor_for("hayama-clerk"),
    )
    approve(tenkyo, reviewer="hayama-shinsa")
    shusei = ido_enter(
        jiyu=IdoJiyu.SHOKKEN_SHUSEI,
        ido_date=D + timedelta(days=20),
        todoke_date=None,
        changes=[PersonChange(person.pk, {"zairyu_shikaku": "永住者"})],
        actor=actor_for("hayama-clerk"),
    )
    assert shichoson_collect(actor=actor_for("hayama-clerk")) == 2  # the 仮登録 waits
    approve(shusei, reviewer="hayama-shinsa")
    assert shichoson_collect(actor=actor_for("hayama-clerk")) == 1
    assert shichoson_collect(actor=actor_for("hayama-clerk")) == 0
    queue = list(shichoson_misoshin())
    assert [q.ido.jiyu for q in queue] == [IdoJiyu.HO30_46_TENNYU, IdoJiyu.TENKYO, "M07"]
    assert [q.kubun for q in queue] == [
        ShichosonTsuchiKubun.BOTH,
        ShichosonTsuchiKubun.BOTH,
        ShichosonTsuchiKubun.JUKI,
    ]
    assert {q.atena_id for q in queue} == {person.pk}


def test_4_5_7_a_tenshutsu_yotei_waits_for_its_day(in_alpha):
    person = register("hayama")
    shichoson_collect(actor=actor_for("hayama-clerk"))
    yotei = timezone.localdate() + timedelta(days=5)
    ido = ido_enter(
        jiyu=IdoJiyu.TENSHUTSU,
        ido_date=yotei,
        todoke_date=timezone.localdate(),
        changes=[PersonChange(person.pk, {"tenshutsu_saki_jusho": "東京都港区芝公園1丁目"})],
        actor=actor_for("hayama-clerk"),
    )
    approve(ido, reviewer="hayama-shinsa")
    assert shichoson_collect(actor=actor_for("hayama-clerk")) == 0
    tenshutsu_kakutei_due(today=yotei)
    assert shichoson_collect(actor=actor_for("hayama-clerk")) == 1
    assert [q.ido_id for q in shichoson_misoshin()][-1] == ido.pk


def test_4_5_7_the_queue_is_per_town(alpha, beta):
    connection.set_tenant(alpha.municipality)
    register("hayama")
    assert shichoson_collect(actor=actor_for("hayama-clerk")) == 1
    connection.set_tenant(beta.municipality)
    assert shichoson_collect(actor=actor_for("samukawa-clerk")) == 0
    assert not ShichosonTsuchi.objects.exists()


# --- 4.1.4.3: 事実上の世帯主 ---------------------------------------------------------


def test_4_1_4_3_jijitsujo_setainushi_is_recorded_changed_and_removed(in_alpha):
    _, (head,) = household_tennyu("hayama")
    record = jijitsujo_setainushi_set(
        setai_id=sid(head),
        shimei="ジョンソン　マイク",
        riyu="在日米軍",
        actor=actor_for("hayama-clerk"),
    )
    assert record is not None and record.shimei == "ジョンソン　マイク"
    jijitsujo_setainushi_set(
        setai_id=sid(head), shimei="施設長　一郎", actor=actor_for("hayama-clerk")
    )
    assert JijitsujoSetainushi.objects.get().shimei == "施設長　一郎"
    assert (
        jijitsujo_setainushi_set(setai_id=sid(head), shimei="", actor=actor_for("hayama-clerk"))
        is None
    )
    assert not JijitsujoSetainushi.objects.exists()
    assert AccessLog.objects.filter(screen="事実上の世帯主").count() == 3
    # No name in the log.
    assert not AccessLog.objects.filter(detail__icontains="施設長").exists()


def test_4_1_4_3_bad_input_is_refused(in_alpha):
    _, (head,) = household_tennyu("hayama")
    with pytest.raises(IdoError, match="氏名"):
        jijitsujo_setainushi_set(
            setai_id=sid(head), shimei="A\x00B", actor=actor_for("hayama-clerk")
        )
    with pytest.raises(IdoError, match="100文字"):
        jijitsujo_setainushi_set(
            setai_id=sid(head), shimei="あ" * 101, actor=actor_for("hayama-clerk")
        )
    with pytest.raises(IdoError, match="見つかりません"):
        jijitsujo_setainushi_set(setai_id=999999, shimei="X", actor=actor_for("hayama-clerk"))
    assert not JijitsujoSetainushi.objects.exists()


def test_4_1_4_3_is_per_town(alpha, beta):
    connection.set_tenant(alpha.municipality)
    _, (head,) = household_tennyu("hayama")
    jijitsujo_setainushi_set(setai_id=sid(head), shimei="X", actor=actor_for("hayama-clerk"))
    connection.set_tenant(beta.municipality)
    assert not JijitsujoSetainushi.objects.exists()
    _, (other,) = household_tennyu("samukawa")
    jijitsujo_setainushi_set(setai_id=sid(other), shimei="Y", actor=actor_for("samukawa-clerk"))
    assert list(JijitsujoSetainushi.objects.values_list("shimei", flat=True)) == ["Y"]
    connection.set_tenant(alpha.municipality)
    assert list(JijitsujoSetainushi.objects.values_list("shimei", flat=True)) == ["X"]


def test_1_1_2_the_kubun_prints_on_the_juminhyo_in_words_unless_omitted(in_alpha):
    from juminkiroku.forms.shomei import GAIKOKU_ITEMS, gaikoku_rows

    person = register("hayama", zairyu_kubun=ZairyuKubun.ICHIJI_HIGO)
    rows = {r.label: r.value for r in gaikoku_rows(person, frozenset())}
    assert rows["法第30条の45に規定する区分"] == "一時庇護許可者"
    assert "zairyu_kubun" in GAIKOKU_ITEMS
    omitted = {r.label for r in gaikoku_rows(person, frozenset({"zairyu_kubun"}))}
    assert "法第30条の45に規定する区分" not in omitted and "在留資格" in omitted


def test_4_1_4_3_the_name_prints_in_the_biko_of_a_renki_juminhyo(in_alpha):
    from juminkiroku.codes import ShomeiKind, ShomeiLayout
    from juminkiroku.forms.sheets import build_sheets
    from juminkiroku.forms.shomei import SheetOptions

    _, (head,) = household_tennyu("hayama")

    def household(setainushi: bool) -> dict[str, str]:
        _, rows = build_sheets(
            [head],
            SheetOptions(setainushi=setainushi),
            kind=ShomeiKind.JUMINHYO,
            layout=ShomeiLayout.RENKI,
            kisai=[],
            katagaki=True,
        )
        return {r.label: r.value for r in rows}

    assert "備考" not in household(True)
    jijitsujo_setainushi_set(
        setai_id=sid(head), shimei="ジョンソン　マイク", actor=actor_for("hayama-clerk")
    )
    assert household(True)["備考"] == "事実上の世帯主　ジョンソン　マイク"
    assert "備考" not in household(False)  # printed with the 世帯主 item only


def test_ho30_46_tennyu_counts_in_the_jinko_dotai(in_alpha):
    """A 法第30条の46転入 adds a 外国人住民 to the town: 人口動態 (6.1) counts it as 増加."""
    from juminkiroku.selectors.dotai import dotai_between

    register("hayama")
    _, gaikoku = dotai_between(date(D.year, 1, 1), date(D.year, 12, 31))
    row = next(r for r in gaikoku.rows if r.key == IdoJiyu.HO30_46_TENNYU.value)
    assert row.total == 1
    assert next(r for r in gaikoku.rows if r.label == "増加計").total == 1
