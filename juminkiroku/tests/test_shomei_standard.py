"""Certificates to the 住民記録システム標準仕様書 (chapter 3): 記載事項証明書 (5.1, 5.4), 公印 and
認証者 (1.3.7, 1.3.9, 5.6), 公用 (5.7), foreign residents (1.1.9, 5.1), 並び順 (5.2),
フリガナ (5.3). Every variant is read back from the PDF."""

from __future__ import annotations

import hashlib
import io
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone
from pypdf import PdfReader

from juminkiroku.codes import (
    JuminShubetsu,
    KoinKind,
    NinshoshaKubun,
    Seikyusha,
    ShomeiKind,
    ShomeiLayout,
    Zokugara,
)
from juminkiroku.models import Koin, Ninshosha, ShomeiKofu
from juminkiroku.rules.narabi import standard_order
from juminkiroku.selectors.koin import koin_for, ninshosha_for
from juminkiroku.services.koin import KoinError, koin_register, ninshosha_register
from juminkiroku.services.shomei import ShomeiError, shomei_issue
from juminkiroku.tests.certhelpers import png_bytes, set_ninshosha
from juminkiroku.tests.factories import (
    actor_for,
    family,
    household_tennyu,
    katagaki_set,
    person_fields,
)
from tenants.accesslog.models import AccessLog
from tenants.db import connection
from tenants.params.tenant.models import MunicipalParameter
from tenants.testing.pdf import pdf_pages

pytestmark = pytest.mark.django_db

KISAI_NINSHO = "上記のとおり住民票に記載されていることを証明する。"


def issue(**overrides: Any) -> tuple[ShomeiKofu, bytes]:
    args: dict[str, Any] = {
        "kind": ShomeiKind.JUMINHYO,
        "layout": ShomeiLayout.KOJIN,
        "atena_ids": None,
        "setai_id": None,
        "items": {},
        "copies": 1,
        "seikyusha": Seikyusha.HONNIN,
        "actor": actor_for("hayama-clerk"),
    }
    args.update(overrides)
    return shomei_issue(**args)


def text_of(pdf: bytes) -> str:
    return "".join(pdf_pages(pdf))


def image_hashes(pdf: bytes) -> set[str]:
    """SHA-256 of every image's decoded pixels (the PNG is re-encoded inside a PDF)."""
    out = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for img in page.images:
            assert img.image is not None
            out.add(hashlib.sha256(img.image.convert("LA").tobytes()).hexdigest())
    return out


def koin_hash(koin_id: int) -> str:
    from PIL import Image

    with Image.open(io.BytesIO(bytes(Koin.objects.get(pk=koin_id).image))) as im:
        return hashlib.sha256(im.convert("LA").tobytes()).hexdigest()


def register_koin(kind: str = KoinKind.CHOCHO, **kw: Any) -> Koin:
    args: dict[str, Any] = {
        "kind": kind,
        "image_png": png_bytes((100, 100)),
        "valid_from": date(2020, 1, 1),
        "actor": actor_for("hayama-admin"),
    }
    args.update(kw)
    return koin_register(**args)


@pytest.fixture
def yamada(in_alpha):
    set_ninshosha(koin=False)
    _, atenas = household_tennyu("hayama", members=family())
    katagaki_set(atenas[0].pk, "葉山ハイツ101号")
    return atenas


# --- 公印 and 認証者 (1.3.7, 1.3.9, 5.6) ------------------------------------------------


def test_koin_register_keeps_a_black_seal_and_closes_the_previous(in_alpha):
    # given: a seal registered in red
    first = register_koin()
    # then: stored black on transparent (5.6)
    from PIL import Image

    with Image.open(io.BytesIO(bytes(first.image))) as im:
        counted = im.convert("RGBA").getcolors(100_000)
    assert counted is not None
    colours = {c for _, c in counted}
    assert colours <= {(0, 0, 0, 255), (0, 0, 0, 0)} and (0, 0, 0, 255) in colours
    # when: a new seal from 2026-04-01
    second = register_koin(valid_from=date(2026, 4, 1))
    first.refresh_from_db()
    assert first.valid_to == date(2026, 3, 31)
    assert koin_for(date(2026, 3, 31)).koin_id == first.pk  # type: ignore[union-attr]
    assert koin_for(date(2026, 4, 1)).koin_id == second.pk  # type: ignore[union-attr]
    assert koin_for(date(2019, 12, 31)) is None
    assert AccessLog.objects.filter(record_type="koin", action="create").count() == 2


def test_koin_register_refuses_bad_input_and_writes_nothing(in_alpha):
    with pytest.raises(KoinError, match="PNG形式"):
        register_koin(image_png=b"GIF89a....")
    with pytest.raises(KoinError, match="種類"):
        register_koin(kind="card")
    with pytest.raises(KoinError, match="終了日が開始日より前"):
        register_koin(valid_to=date(2019, 1, 1))
    register_koin()
    with pytest.raises(KoinError, match="以後に始まる登録"):
        register_koin(valid_from=date(2020, 1, 1))
    assert Koin.objects.count() == 1


def test_ninshosha_switches_to_the_deputy_for_the_deputy_period(yamada):
    # given: the mayor, and a deputy for three days around today
    today = timezone.localdate()
    admin = actor_for("hayama-admin")
    ninshosha_register(
        kubun=NinshoshaKubun.CHOCHO,
        shokumei="葉山町長",
        shimei="葉山　一郎",
        valid_from=date(2020, 1, 1),
        actor=admin,
    )
    ninshosha_register(
        kubun=NinshoshaKubun.DAIRI,
        shokumei="葉山町長職務代理者　副町長",
        shimei="代理　二郎",
        valid_from=today - timedelta(days=1),
        valid_to=today + timedelta(days=1),
        actor=admin,
    )
    chocho_koin = register_koin(KoinKind.CHOCHO)
    dairi_koin = register_koin(KoinKind.DAIRI, image_png=png_bytes((80, 80)))
    assert ninshosha_for(today + timedelta(days=2)).shimei == "葉山　一郎"  # type: ignore[union-attr]
    head = yamada[0]
    # when: issued today, automatically
    kofu, pdf = issue(atena_ids=[head.pk])
    # then: the deputy, with the prefecture before the title (5.6), and the deputy's seal
    text = text_of(pdf)
    assert "神奈川県葉山町長職務代理者副町長代理二郎" in text and "葉山一郎" not in text
    assert kofu.ninshosha == "神奈川県葉山町長職務代理者　副町長　代理　二郎"
    assert kofu.koin_id == dairi_koin.pk
    assert koin_hash(dairi_koin.pk) in image_hashes(pdf)
    assert koin_hash(chocho_koin.pk) not in image_hashes(pdf)
    # the clerk may choose the mayor and the 証明書専用印 instead for one certificate
    shomei_koin = register_koin(KoinKind.SHOMEI, image_png=png_bytes((64, 64)))
    kofu, pdf = issue(
        atena_ids=[head.pk], ninshosha_kubun=NinshoshaKubun.CHOCHO, koin_kind=KoinKind.SHOMEI
    )
    assert "神奈川県葉山町長葉山一郎" in text_of(pdf)
    assert image_hashes(pdf) == {koin_hash(shomei_koin.pk)} and kofu.koin_id == shomei_koin.pk
    # or leave the seal out: 「公印省略」, no image
    kofu, pdf = issue(atena_ids=[head.pk], koin=False)
    assert "公印省略" in text_of(pdf) and image_hashes(pdf) == set() and kofu.koin_id is None


def test_ninshosha_register_refuses_a_blank_name(in_alpha):
    with pytest.raises(KoinError, match="氏名を空欄"):
        ninshosha_register(
            kubun=NinshoshaKubun.CHOCHO,
            shokumei="葉山町長",
            shimei="　",
            valid_from=date(2020, 1, 1),
            actor=actor_for("hayama-admin"),
        )
    assert not Ninshosha.objects.exists()


def test_without_a_registered_seal_the_issue_is_refused_and_writes_nothing(yamada):
    before = AccessLog.objects.count()
    with pytest.raises(ShomeiError, match="公印（市区町村長印）が登録されていません"):
        issue(atena_ids=[yamada[0].pk])
    with pytest.raises(ShomeiError, match="職務代理者が登録されていません"):
        issue(atena_ids=[yamada[0].pk], ninshosha_kubun=NinshoshaKubun.DAIRI, koin=False)
    assert ShomeiKofu.objects.count() == 0 and AccessLog.objects.count() == before


def test_a_towns_seal_never_prints_on_another_towns_certificate(alpha, beta):
    # given: each town its own seal and household
    connection.set_tenant(alpha.municipality)
    set_ninshosha(koin=False)
    hayama_koin = register_koin(image_png=png_bytes((100, 100)))
    hayama_seal = koin_hash(hayama_koin.pk)
    _, (hayama_head, *_) = household_tennyu("hayama", members=family())
    connection.set_tenant(beta.municipality)
    set_ninshosha(koin=False)
    assert koin_for(timezone.localdate()) is None  # 葉山町's seal is not 寒川町's
    _, (samukawa_head, *_) = household_tennyu("samukawa", members=family("鈴木", "スズキ"))
    with pytest.raises(ShomeiError, match="公印"):
        issue(atena_ids=[samukawa_head.pk], actor=actor_for("samukawa-clerk"))
    samukawa_koin = koin_register(
        kind=KoinKind.CHOCHO,
        image_png=png_bytes((70, 70)),
        valid_from=date(2020, 1, 1),
        actor=actor_for("samukawa-admin"),
    )
    samukawa_seal = koin_hash(samukawa_koin.pk)
    # when
    s_kofu, s_pdf = issue(atena_ids=[samukawa_head.pk], actor=actor_for("samukawa-clerk"))
    connection.set_tenant(alpha.municipality)
    h_kofu, h_pdf = issue(atena_ids=[hayama_head.pk])
    # then: each certificate its own town's seal and name, each history its own rows
    assert hayama_seal != samukawa_seal
    assert image_hashes(h_pdf) == {hayama_seal} and image_hashes(s_pdf) == {samukawa_seal}
    assert "寒川町" not in text_of(h_pdf) and "神奈川県葉山町長" in text_of(h_pdf)
    assert "神奈川県寒川町長" in text_of(s_pdf) and "葉山町長" not in text_of(s_pdf)
    assert list(ShomeiKofu.objects.values_list("hakko_no", flat=True)) == [h_kofu.hakko_no]
    connection.set_tenant(beta.municipality)
    assert list(ShomeiKofu.objects.values_list("hakko_no", flat=True)) == [s_kofu.hakko_no]


# --- 記載事項証明書 (5.1, 5.4) ------------------------------------------------------------


def test_kisai_certifies_only_the_chosen_items_with_the_katagaki(yamada):
    register_koin()
    head, wife, _ = yamada
    # when: 氏名・住所・世帯主続柄 of the head and his wife
    kofu, pdf = issue(
        kind=ShomeiKind.KISAI,
        atena_ids=[head.pk, wife.pk],
        kisai_items=["jusho", "shimei", "setainushi"],
    )
    # then
    text = text_of(pdf)
    for expected in (
        "住民票記載事項証明書",
        "氏名山田太郎",
        "氏名山田花子",
        "住所神奈川県三浦郡葉山町堀内2135番地",
        "方書葉山ハイツ101号",  # 5.4: printed unless its omission was asked
        "世帯主山田太郎",
        "続柄妻",
        KISAI_NINSHO,
    ):
        assert expected in text, expected
    for absent in ("生年月日", "性別", "住民となった日", "本籍", "転入前住所", "個人番号"):
        assert absent not in text, absent
    assert text.index("氏名山田太郎") < text.index("住所") < text.index("世帯主")
    assert kofu.kind == ShomeiKind.KISAI and kofu.layout == ""
    assert kofu.items["kisai"] == ["shimei", "jusho", "setainushi"]
    # when: the applicant asks without the 方書
    kofu, pdf = issue(
        kind=ShomeiKind.KISAI, atena_ids=[head.pk], kisai_items=["jusho"], omit_katagaki=True
    )
    assert "葉山ハイツ" not in text_of(pdf) and kofu.items["omit_katagaki"] is True
    # the 方書 cannot be left off a 住民票の写し (5.4)
    with pytest.raises(ShomeiError, match="方書の省略は記載事項証明書でだけ"):
        issue(atena_ids=[head.pk], omit_katagaki=True)
    _, pdf = issue(atena_ids=[head.pk])
    assert "方書葉山ハイツ101号" in text_of(pdf)


def test_kisai_refusals_write_nothing(yamada):
    register_koin()
    head = yamada[0]
    before = AccessLog.objects.count()
    with pytest.raises(ShomeiError, match="1つ以上"):
        issue(kind=ShomeiKind.KISAI, atena_ids=[head.pk], kisai_items=[])
    with pytest.raises(ShomeiError, match="証明する事項の指定が正しくありません"):
        issue(kind=ShomeiKind.KISAI, atena_ids=[head.pk], kisai_items=["bogus"])
    with pytest.raises(ShomeiError, match="除票記載事項証明書でだけ"):
        issue(kind=ShomeiKind.KISAI, atena_ids=[head.pk], kisai_items=["shojo"])
    with pytest.raises(ShomeiError, match="住民の方の除票はありません"):
        issue(kind=ShomeiKind.JOHYO_KISAI, atena_ids=[head.pk], kisai_items=["shimei"])
    with pytest.raises(ShomeiError, match="個人番号は本人又は同一世帯"):
        issue(
            kind=ShomeiKind.KISAI,
            atena_ids=[head.pk],
            kisai_items=["kojin_bango"],
            seikyusha=Seikyusha.DAIRININ,
        )
    assert ShomeiKofu.objects.count() == 0 and AccessLog.objects.count() == before


# --- 公用 (5.7) ---------------------------------------------------------------------------


def test_koyo_prints_koyo_and_records_office_and_purpose(yamada):
    register_koin()
    head = yamada[0]
    # when
    kofu, pdf = issue(
        atena_ids=[head.pk],
        seikyusha=Seikyusha.KOYO,
        koyo_kikan="横浜地方法務局",
        koyo_mokuteki="登記事務",
    )
    # then
    pages = pdf_pages(pdf)
    assert "公用" in pages[0]
    assert "免除" not in "".join(pages) and "附票通知" not in "".join(pages)  # 5.7 実装しない
    assert (kofu.seikyusha, kofu.koyo_kikan, kofu.koyo_mokuteki) == (
        Seikyusha.KOYO,
        "横浜地方法務局",
        "登記事務",
    )
    log = AccessLog.objects.get(action="print", record_id=str(kofu.pk))
    assert log.detail["koyo"] is True and "横浜" not in str(log.detail)
    # and a 記載事項証明書 too
    _, pdf = issue(
        kind=ShomeiKind.KISAI,
        atena_ids=[head.pk],
        kisai_items=["shimei"],
        seikyusha=Seikyusha.KOYO,
        koyo_kikan="葉山町税務課",
        koyo_mokuteki="課税調査",
    )
    assert "公用" in pdf_pages(pdf)[0]
    # not printed on an ordinary request
    _, pdf = issue(atena_ids=[head.pk])
    assert "公用" not in text_of(pdf)


def test_koyo_needs_office_and_purpose(yamada):
    register_koin()
    with pytest.raises(ShomeiError, match="請求した機関と請求の目的"):
        issue(atena_ids=[yamada[0].pk], seikyusha=Seikyusha.KOYO, koyo_kikan="横浜地方法務局")
    with pytest.raises(ShomeiError, match="公用請求のときだけ"):
        issue(atena_ids=[yamada[0].pk], koyo_kikan="横浜地方法務局")
    assert ShomeiKofu.objects.count() == 0


# --- foreign residents (1.1.9, 5.1) ------------------------------------------------------


def foreigner() -> dict[str, Any]:
    return person_fields(
        shimei="ＺＨＡＮＧ　ＹＵＬＩＮ",
        shimei_kana="チャン　ユウリン",
        shubetsu=JuminShubetsu.GAIKOKUJIN,
        alpha_name="ZHANG YULIN",
        tsusho="張　玉蓮",
        kokuseki="中国",
        zairyu_shikaku="永住者",
        zairyu_kikan_to="2030-01-15",
        zairyu_card_no="AB98765432CD",
        birth_date="1991-02-03",
        honseki="",
        hittosha="",
    )


def test_foreign_resident_items_omitted_on_request_and_dates_in_seireki(in_alpha):
    set_ninshosha()
    _, (person,) = household_tennyu("hayama", members=[foreigner()])
    # when: 国籍・在留カード等番号・通称 omitted
    kofu, pdf = issue(atena_ids=[person.pk], omit_gaikoku=["kokuseki", "zairyu_card_no", "tsusho"])
    text = text_of(pdf)
    # then
    for absent in ("国籍・地域", "中国", "在留カード等番号", "AB98765432CD", "通称", "張玉蓮"):
        assert absent not in text, absent
    for expected in (
        "ZHANGYULIN",
        "在留資格永住者",
        "在留期間の満了日2030年1月15日",
        "生年月日1991年2月3日",
        "住民となった日令和2年4月1日",
    ):
        assert expected in text, expected
    assert "平成3年" not in text and "令和12年" not in text  # 1.1.9 実装しない機能
    assert kofu.items["omit_gaikoku"] == ["kokuseki", "tsusho", "zairyu_card_no"]
    # a 記載事項証明書 omits them the same way
    _, pdf = issue(
        kind=ShomeiKind.KISAI,
        atena_ids=[person.pk],
        kisai_items=["shimei", "birth_date"],
        omit_gaikoku=["zairyu_shikaku", "zairyu_kikan"],
    )
    text = text_of(pdf)
    assert "生年月日1991年2月3日" in text and "国籍・地域中国" in text
    assert "永住者" not in text and "2030年" not in text
    with pytest.raises(ShomeiError, match="省略する外国人住民の記載事項"):
        issue(atena_ids=[person.pk], omit_gaikoku=["honseki"])


# --- 並び順 (5.2), フリガナ (5.3) ---------------------------------------------------------


def test_renki_prints_members_in_the_standard_order(in_alpha):
    set_ninshosha()
    # given: a household entered in a scrambled 世帯内の並び順
    members = [
        person_fields(shimei="佐藤　太郎", zokugara=Zokugara.HONNIN, setai_order=1),
        person_fields(
            shimei="佐藤　同居", zokugara=Zokugara.DOKYONIN, setai_order=2, birth_date="1950-01-01"
        ),
        person_fields(
            shimei="佐藤　次男", zokugara=Zokugara.KO, setai_order=3, birth_date="2012-01-01"
        ),
        person_fields(
            shimei="佐藤　母", zokugara=Zokugara.HAHA, setai_order=4, birth_date="1950-06-01"
        ),
        person_fields(
            shimei="佐藤　長男", zokugara=Zokugara.KO, setai_order=5, birth_date="2010-01-01"
        ),
        person_fields(
            shimei="佐藤　妻", zokugara=Zokugara.TSUMA, setai_order=6, birth_date="1982-01-01"
        ),
        person_fields(
            shimei="佐藤　孫",
            zokugara=Zokugara.KO + Zokugara.KO,
            setai_order=7,
            birth_date="2019-01-01",
        ),
    ]
    _, atenas = household_tennyu("hayama", members=members)
    expected = ["太郎", "妻", "長男", "次男", "孫", "母", "同居"]
    assert [a.shimei.split("　")[1] for a in standard_order(atenas)] == expected
    # when
    _, pdf = issue(layout=ShomeiLayout.RENKI, setai_id=atenas[0].setai_id)
    # then
    text = text_of(pdf)
    positions = [text.index(f"佐藤{n}") for n in expected]
    assert positions == sorted(positions)
    # the town may keep its own order (5.2: 任意に設定)
    MunicipalParameter.objects.create(
        key="juminkiroku.setai_narabi",
        fiscal_year_from=2000,
        value="nin-i",
        source="テスト",
        created_by="test",
    )
    _, pdf = issue(layout=ShomeiLayout.RENKI, setai_id=atenas[0].setai_id)
    text = text_of(pdf)
    own = ["太郎", "同居", "次男", "母", "長男", "妻", "孫"]
    positions = [text.index(f"佐藤{n}") for n in own]
    assert positions == sorted(positions)


def test_furigana_in_brackets_after_the_name_and_the_towns_choice(in_alpha):
    set_ninshosha()
    _, (person,) = household_tennyu(
        "hayama", members=[{**person_fields(kyuuji="住基", kyuuji_kana="ジュウキ")}]
    )
    from juminkiroku.models import Atena

    Atena.objects.filter(pk=person.pk).update(kana_kakunin=True)
    _, pdf = issue(atena_ids=[person.pk])
    text = text_of(pdf)
    assert "氏名山田太郎（ヤマダタロウ）" in text and "旧氏住基（ジュウキ）" in text
    assert "フリガナ" not in text  # 5.3: only in brackets, never a row of its own
    MunicipalParameter.objects.create(
        key="juminkiroku.shomei_furigana",
        fiscal_year_from=2000,
        value=False,
        source="テスト",
        created_by="test",
    )
    _, pdf = issue(atena_ids=[person.pk])
    assert "ヤマダ" not in text_of(pdf) and "ジュウキ" not in text_of(pdf)


# --- 5.8 外字, 5.1 転出予定, 5.6 固定文言, 1.3.8 the recording door --------------------------


def test_unregistered_gaiji_is_alerted_before_issuing(yamada):
    register_koin()
    head = yamada[0]
    from juminkiroku.models import Atena
    from juminkiroku.services.shomei import shomei_precheck

    Atena.objects.filter(pk=head.pk).update(shimei="山\ue001　太郎")
    # when
    check = shomei_precheck(
        kind=ShomeiKind.JUMINHYO,
        atena_ids=[head.pk],
        setai_id=None,
        seikyusha=Seikyusha.HONNIN,
        layout=ShomeiLayout.KOJIN,
    )
    # then
    assert check.codes == ["gaiji"] and "未登録の外字" in check.warnings[0]
    assert "氏名" in check.warnings[0]
    kofu, _ = issue(atena_ids=[head.pk])
    assert kofu.items["gaiji"] == ["氏名"]
    # a name without one: no alert
    check = shomei_precheck(
        kind=ShomeiKind.JUMINHYO,
        atena_ids=[yamada[1].pk],
        setai_id=None,
        seikyusha=Seikyusha.HONNIN,
        layout=ShomeiLayout.KOJIN,
    )
    assert check.codes == []


def test_items_recorded_by_a_tenshutsu_todoke_are_not_printed_before_the_date(yamada):
    """5.1: before the 転出予定年月日 a 住民票の写し leaves out what the 転出届 recorded."""
    register_koin()
    head = yamada[0]
    from juminkiroku.models import Atena

    Atena.objects.filter(pk=head.pk).update(tenshutsu_saki_jusho="東京都新宿区西新宿二丁目8番1号")
    _, pdf = issue(atena_ids=[head.pk], items={"setainushi": True, "honseki": True})
    text = text_of(pdf)
    assert "西新宿" not in text and "転出先" not in text
    _, pdf = issue(kind=ShomeiKind.KISAI, atena_ids=[head.pk], kisai_items=list(KISAI_ALL))
    assert "西新宿" not in text_of(pdf)


KISAI_ALL = [k for k in ("shimei", "birth_date", "sex", "jusho", "setainushi", "jumin_date")]


def test_the_seals_fixed_words_print_under_the_certifier(yamada):
    register_koin(mongon="この印は黒色です")
    _, pdf = issue(atena_ids=[yamada[0].pk])
    text = text_of(pdf)
    assert "この印は黒色です" in text and "公印省略" not in text


def test_the_recording_door_wants_one_distinct_number_per_copy(in_alpha):
    from juminkiroku.services.kofu import shomei_kofu_record

    actor = actor_for("hayama-clerk")
    for bad in ([], ["20261206-0000001", "20261206-0000001"]):
        with pytest.raises(ValueError):
            shomei_kofu_record(
                kind=ShomeiKind.JUMINHYO,
                screen="テスト",
                hakko_nos=bad,
                atena_ids=[1],
                pages=1,
                actor=actor,
            )
    kofu = shomei_kofu_record(
        kind=ShomeiKind.JUMINHYO,
        screen="テスト",
        hakko_nos=["20261206-0000001", "20261206-0000002"],
        atena_ids=[1],
        pages=3,
        actor=actor,
    )
    assert kofu.copies == 2 and kofu.hakko_no == "20261206-0000001"
    assert AccessLog.objects.get(record_type="shomei_kofu", record_id=str(kofu.pk)).detail[
        "hakko_nos"
    ] == ["20261206-0000001", "20261206-0000002"]


def test_the_order_reads_the_chained_zokugara_of_1_1_11():
    """5.2 with 1.1.11's chains: 子の子 (孫) is 2-3, 父の母 (祖母) 3-3, 妻の父 a 親族 (4-1),
    縁故者 4-2 and 同居人 4-3."""
    from types import SimpleNamespace

    from juminkiroku.rules.narabi import standard_order

    def m(name: str, zokugara: str) -> SimpleNamespace:
        return SimpleNamespace(
            shimei=name, zokugara=zokugara, birth_date=date(1970, 1, 1), atena_no=name, hittosha=""
        )

    z = Zokugara
    members = [
        m("dokyo", z.DOKYONIN),
        m("enko", z.ENKOSHA),
        m("tsuma_no_chichi", z.TSUMA + z.CHICHI),
        m("chichi_no_haha", z.CHICHI + z.HAHA),
        m("ani", z.ANI),
        m("mago", z.KO + z.KO),
        m("head", z.HONNIN),
    ]
    assert [x.shimei for x in standard_order(members)] == [
        "head",
        "mago",
        "ani",
        "chichi_no_haha",
        "tsuma_no_chichi",
        "enko",
        "dokyo",
    ]
