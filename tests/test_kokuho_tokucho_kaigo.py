"""国保税's 特別徴収 judgment takes the 世帯主's 介護保険料 from 介護保険's 賦課 (issue 15,
KF-9): the amount and whether it is itself collected from the pension, through the
platform's ``tenants.nenkin_tokucho.hokenryo_lookup`` (kokuho may not import kaigo), typed
only where kaigo has none — and the judgment and the screens say which.

滝沢市「国民健康保険税の特別徴収」
(https://city.takizawa.iwate.jp/kurashi/todokede-tetsuzuki/zeikin/contents-4376), 対象と
なる方 1: 「介護保険料がすでに公的年金から特別徴収されていること」; 5: 「介護保険料と国民健康保険税
の合算額が公的年金受給額の1/2以下であること」.

葉山町's 山田太郎 has his 介護保険料 withheld from his pension (介護's own 特別徴収対象者の通知)
→ 国保税 特別徴収; 寒川町's 佐藤太郎 pays his 介護保険料 by 納付書 → 国保税 stays 普通徴収.
Neither town's judgment reads the other's 介護保険料.

(Here, not under kokuho/ or kaigo/: the test runs both modules' 本算定, and the contracts
let neither app's tests import the other.)
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from juminkiroku.tests.factories import person_fields
from kaigo.fuka_jobs import HONSANTEI as KAIGO_HONSANTEI
from kaigo.models import KaigoFuka
from kaigo.public import tokucho_hokenryo
from kaigo.services.fuka_tokucho import TAISHO_HEADER as KAIGO_TAISHO_HEADER
from kaigo.services.fuka_tokucho import tokucho_import as kaigo_taisho_import
from kaigo.tests.fuka_helpers import set_table
from kokuho.fuka_jobs import HONSANTEI as KOKUHO_HONSANTEI
from kokuho.models import KokuhoFuka, Tokucho
from kokuho.services.tokucho import TokuchoRefused, tokucho_hantei_save
from kokuho.services.tokucho_taisho import (
    KIRIKAE_DONE,
    TAISHO,
    TAISHOGAI,
    kirikae_koho,
    tokucho_ikkatsu,
    tokucho_ikkatsu_kirikae,
    tokucho_taisho_import,
)
from kokuho.tests.factories import tennyu
from kokuho.tests.fuka_helpers import ACTOR, run_job, set_rates
from tenants.accesslog.models import AccessLog
from tenants.csvout import csv_bytes
from tenants.db import connection
from tenants.models import Subscription
from tenants.nenkin_tokucho import KAIGO_HOKENRYO, hokenryo_lookup
from tests.personas import ALPHA_HOST, BETA_HOST
from zeimu.tests.factories import kazei

pytestmark = pytest.mark.django_db

FY = 2025
ON = date(2025, 7, 1)
PENSION: dict[str, Any] = {
    "nenkin_hokensha": "001",
    "kiso_nenkin_no": "1234567890",
    "nenkin_code": "1150",
}


def _household(
    cap: Any, town: str, name: str, kana: str, *, kaigo_tokucho: bool, kiso: str = "1234567890"
) -> Any:
    """A couple aged 71 and 69 (both 国保 and 介護 第1号), the head with a 200万円 pension.
    With ``kaigo_tokucho`` 介護's 特別徴収対象者の通知 names the head (pension ``kiso``), so
    his 介護保険料 is collected from the pension."""
    members = [
        person_fields(
            shimei=f"{name}　太郎", shimei_kana=f"{kana}　タロウ", birth_date="1954-05-01"
        ),
        person_fields(
            shimei=f"{name}　花子", shimei_kana=f"{kana}　ハナコ", birth_date="1956-06-01",
            sex="2", zokugara="02", setai_order=2,
        ),
    ]  # fmt: skip
    _, (head, wife) = tennyu(cap, town, members=members, day=date(2020, 4, 1))
    kazei(head.pk, FY, nenkin=2_000_000)
    kazei(wife.pk, FY)
    if kaigo_tokucho:
        line = ["001", kiso, "1150", "19540501", "1", f"{kana}　タロウ", "2000000", "6"]
        TAISHO_LINES.append(line)
        kaigo_taisho_import(
            fiscal_year=FY, data=csv_bytes(KAIGO_TAISHO_HEADER, [line], encoding="utf-8-sig"),
            file_name=f"kaigo_taisho_{kana}.csv", actor=ACTOR,
        )  # fmt: skip
    return head


TAISHO_LINES: list[list[str]] = []


def _assess(cap: Any) -> None:
    """Both modules' 本算定 of the 年度 in the current town, then 国保's 特別徴収対象者の通知
    with the same pensions as 介護's (the insurer reports a person once per 通知)."""
    run_job(cap, KAIGO_HONSANTEI, fiscal_year=FY)
    run_job(cap, KOKUHO_HONSANTEI, fiscal_year=FY, kijun_date=ON.isoformat())
    data = csv_bytes(KAIGO_TAISHO_HEADER, TAISHO_LINES, encoding="utf-8-sig")
    assert tokucho_taisho_import(
        fiscal_year=FY, data=data, file_name="kokuho_taisho.csv", actor=ACTOR
    ).recorded == len(TAISHO_LINES)
    TAISHO_LINES.clear()


@pytest.fixture
def towns(world: Any, django_capture_on_commit_callbacks: Any) -> tuple[Any, Any]:
    """葉山町: 山田 (介護保険料 特別徴収); 寒川町: 佐藤 (普通徴収) and 鈴木 (特別徴収)."""
    cap = django_capture_on_commit_callbacks
    connection.set_tenant(world.beta.municipality)
    set_rates()
    set_table()
    sato = _household(cap, "samukawa", "佐藤", "サトウ", kaigo_tokucho=False)
    _household(cap, "samukawa", "鈴木", "スズキ", kaigo_tokucho=True, kiso="4444444444")
    _assess(cap)
    connection.set_tenant(world.alpha.municipality)
    set_rates()
    set_table()
    yamada = _household(cap, "hayama", "山田", "ヤマダ", kaigo_tokucho=True)
    _assess(cap)
    return yamada, sato


def _current(head: Any) -> KokuhoFuka:
    return KokuhoFuka.objects.get(fiscal_year=FY, setai_id=head.setai_id, is_current=True)


def _kaigo(head: Any) -> KaigoFuka:
    return KaigoFuka.objects.get(fiscal_year=FY, atena_id=head.pk, is_current=True)


def test_kaigo_public_gives_the_premium_and_its_collection(towns, world):
    yamada, _sato = towns
    k = _kaigo(yamada)
    assert k.choshu_hoho == "tokucho" and k.hokenryo > 0
    got = tokucho_hokenryo(FY, [yamada.pk, 999_999_999])
    assert list(got) == [yamada.pk]  # nobody else: a person without a 賦課 is left out
    assert (got[yamada.pk].hokenryo, got[yamada.pk].tokucho) == (k.hokenryo, True)
    assert got[yamada.pk].shutsusho == "介護保険料の賦課（第1版）"
    # the platform's question gives the same, and nothing for another 年度
    assert hokenryo_lookup(KAIGO_HOKENRYO, FY, [yamada.pk]) == got
    assert hokenryo_lookup(KAIGO_HOKENRYO, FY + 1, [yamada.pk]) == {}
    with pytest.raises(ValueError):
        hokenryo_lookup("unknown", FY, [yamada.pk])


def test_the_judgment_uses_kaigos_figures_in_each_town(towns, world):
    yamada, sato = towns
    fuka = _current(yamada)
    k = _kaigo(yamada)
    # a typed amount that differs from 介護's is refused, nothing written
    with pytest.raises(TokuchoRefused, match="介護保険の賦課のもの"):
        tokucho_hantei_save(
            fuka_id=fuka.pk, nenkin_gaku=2_000_000, kaigo_hokenryo=k.hokenryo + 1,
            kaigo_tokucho=True, kari_gaku=None, koza_moushide=False, moushide_date=None,
            on=ON, actor=ACTOR, **PENSION,
        )  # fmt: skip
    assert Tokucho.objects.count() == 0
    t = tokucho_hantei_save(
        fuka_id=fuka.pk, nenkin_gaku=2_000_000, kaigo_hokenryo=None, kari_gaku=None,
        koza_moushide=False, moushide_date=None, on=ON, actor=ACTOR, **PENSION,
    )  # fmt: skip
    assert (t.kaigo_hokenryo, t.kaigo_tokucho, t.kaigo_source) == (k.hokenryo, True, "kaigo")
    assert t.gaito and _current(yamada).choshu_hoho == "tokubetsu"
    log = AccessLog.objects.filter(record_type="kokuho.Tokucho", record_id=str(t.pk)).get()
    assert log.detail["kaigo_source"] == "kaigo" and log.detail["atena_ids"] == [yamada.pk]
    row = next(r for r in tokucho_ikkatsu(fiscal_year=FY).rows if r.nozei_gimusha_id == yamada.pk)
    assert (row.kaigo_hokenryo, row.kaigo_source) == (k.hokenryo, "介護保険の賦課")
    assert row.kekka == TAISHO
    # 寒川町: 佐藤's 介護保険料 is 普通徴収 — 国保税 stays 普通徴収, said in words; a typed
    # 「特別徴収」 does not override 介護's 賦課
    connection.set_tenant(world.beta.municipality)
    ks = _kaigo(sato)
    assert ks.choshu_hoho == "futsu"
    t2 = tokucho_hantei_save(
        fuka_id=_current(sato).pk, nenkin_gaku=2_000_000, kaigo_hokenryo=None,
        kaigo_tokucho=True, kari_gaku=None, koza_moushide=False, moushide_date=None, on=ON,
        actor=ACTOR, nenkin_hokensha="001", kiso_nenkin_no="3333333333", nenkin_code="1150",
    )  # fmt: skip
    assert (t2.kaigo_hokenryo, t2.kaigo_tokucho, t2.kaigo_source) == (ks.hokenryo, False, "kaigo")
    assert not t2.gaito
    assert t2.reasons == ["世帯主の介護保険料が年金から特別徴収されていない"]
    assert _current(sato).choshu_hoho == "futsu"
    row = next(r for r in tokucho_ikkatsu(fiscal_year=FY).rows if r.nozei_gimusha_id == sato.pk)
    assert (row.nozei_gimusha_id, row.kekka, row.kaigo_source) == (
        sato.pk, TAISHOGAI, "介護保険の賦課",
    )  # fmt: skip
    assert Tokucho.objects.count() == 1
    connection.set_tenant(world.alpha.municipality)
    assert list(Tokucho.objects.values_list("pk", flat=True)) == [t.pk]


def test_typed_only_where_kaigo_has_none(towns, world):
    """A town that does not use the product's 介護保険 (subscription ended inside the test's
    transaction): no figure from 介護 at all; the judgment takes the typed 介護保険料 and
    its 特別徴収, and records that they were typed."""
    yamada, _sato = towns
    Subscription.objects.filter(
        municipality=world.alpha.municipality, gyomu__code__startswith="kaigo"
    ).update(end_month=date(2020, 1, 1))
    assert hokenryo_lookup(KAIGO_HOKENRYO, FY, [yamada.pk]) is None
    fuka = _current(yamada)
    with pytest.raises(TokuchoRefused, match="介護保険料の年額と特別徴収かどうかを入力"):
        tokucho_hantei_save(
            fuka_id=fuka.pk, nenkin_gaku=2_000_000, kaigo_hokenryo=None, kari_gaku=None,
            koza_moushide=False, moushide_date=None, on=ON, actor=ACTOR, **PENSION,
        )  # fmt: skip
    t = tokucho_hantei_save(
        fuka_id=fuka.pk, nenkin_gaku=2_000_000, kaigo_hokenryo=70_000, kaigo_tokucho=False,
        kari_gaku=None, koza_moushide=False, moushide_date=None, on=ON, actor=ACTOR, **PENSION,
    )  # fmt: skip
    assert (t.kaigo_hokenryo, t.kaigo_source, t.gaito) == (70_000, "nyuryoku", False)
    row = next(r for r in tokucho_ikkatsu(fiscal_year=FY).rows if r.nozei_gimusha_id == yamada.pk)
    assert (row.kaigo_hokenryo, row.kaigo_source) == (70_000, "入力（前回の判定）")


def test_the_household_screen_says_where_the_premium_comes_from(towns, world, login):
    yamada, sato = towns
    k = _kaigo(yamada)
    fuka = _current(yamada)
    connection.set_schema_to_public()
    clerk = login("hayama-clerk", ALPHA_HOST)
    page = clerk.get(f"/kokuho/fuka/detail/{fuka.pk}/").content.decode()
    assert f"{k.hokenryo:,}円（特別徴収。介護保険料の賦課（第1版））" in page
    r = clerk.post(
        f"/kokuho/fuka/detail/{fuka.pk}/tokucho/",
        {"nenkin_gaku": "2000000", "tekiyo_date": "令和7年7月1日", **PENSION},
    )
    page = clerk.get(r["Location"]).content.decode()
    assert "特別徴収に該当</strong>" in page
    assert f"{k.hokenryo:,}円（特別徴収。介護保険の賦課）" in page
    # 寒川町's clerk sees 寒川町's 介護保険料 only (普通徴収), never 葉山町's 特別徴収
    other = login("samukawa-clerk", BETA_HOST)
    connection.set_tenant(world.beta.municipality)
    mine = _current(sato)
    connection.set_schema_to_public()
    page = other.get(f"/kokuho/fuka/detail/{mine.pk}/").content.decode()
    assert f"{k.hokenryo:,}円（特別徴収" not in page
    assert "（普通徴収。介護保険料の賦課（第1版））" in page


def _versions() -> list[tuple[int, int, str, bool]]:
    return list(
        KokuhoFuka.objects.order_by("setai_id", "version").values_list(
            "setai_id", "version", "choshu_hoho", "is_current"
        )
    )


def test_ikkatsu_switches_the_confirmed_households_once_in_its_town_only(towns, world):
    yamada, _sato = towns
    connection.set_tenant(world.beta.municipality)
    samukawa = (_versions(), Tokucho.objects.count(), AccessLog.objects.count())
    connection.set_tenant(world.alpha.municipality)
    # 葉山町: 山田's household is 対象 (his 介護保険料 特別徴収) and still 普通徴収
    (koho,) = kirikae_koho(FY)
    fuka = _current(yamada)
    assert (koho.fuka_id, koho.kekka, koho.kaigo_source) == (fuka.pk, TAISHO, "介護保険の賦課")
    # the 年金 from 国保's 特別徴収対象者の通知, the 介護保険料 from 介護's 賦課: nothing typed
    log_before = AccessLog.objects.count()
    result = tokucho_ikkatsu_kirikae(fiscal_year=FY, fuka_ids={fuka.pk}, on=ON, actor=ACTOR)
    assert (result.switched, result.gone) == (1, 0)
    assert [(r.nozei_gimusha_id, r.kekka) for r in result.rows] == [(yamada.pk, KIRIKAE_DONE)]
    now = _current(yamada)
    assert (now.version, now.choshu_hoho, now.nengaku) == (2, "tokubetsu", fuka.nengaku)
    t = Tokucho.objects.get()
    assert (t.fuka_id, t.gaito, t.applied_id, t.kaigo_source) == (fuka.pk, True, now.pk, "kaigo")
    # history: the old version points at the new one; access rows: the judgment, the 賦課
    # and one row naming every 世帯主 switched
    fuka.refresh_from_db()
    assert fuka.superseded_by_id == now.pk and not fuka.is_current
    rows = AccessLog.objects.order_by("pk")[log_before:]
    assert [(r.screen, r.record_type, r.action) for r in rows] == [
        ("kokuho.fuka_tokucho_ikkatsu", "kokuho.KokuhoFuka", "update"),  # the new version
        ("kokuho.fuka_tokucho_ikkatsu", "kokuho.Tokucho", "create"),  # the judgment
        ("kokuho.fuka_tokucho_ikkatsu", "kokuho.KokuhoFuka", "update"),  # the summary
    ]
    summary = AccessLog.objects.filter(
        screen="kokuho.fuka_tokucho_ikkatsu",
        record_type="kokuho.KokuhoFuka",
        detail__has_key="gone",
    ).get()
    assert summary.detail["atena_ids"] == [yamada.pk] and summary.record_count == 1
    # the same confirmation again: nothing switched, nothing written but its access row
    before = (_versions(), Tokucho.objects.count())
    again = tokucho_ikkatsu_kirikae(fiscal_year=FY, fuka_ids={fuka.pk}, on=ON, actor=ACTOR)
    assert (again.switched, again.gone, again.rows) == (0, 1, [])
    assert (_versions(), Tokucho.objects.count()) == before
    assert kirikae_koho(FY) == []
    # 寒川町 untouched by 葉山町's switch (its 鈴木 still to be switched, 佐藤 not 対象)
    connection.set_tenant(world.beta.municipality)
    assert (_versions(), Tokucho.objects.count(), AccessLog.objects.count()) == samukawa
    assert len(kirikae_koho(FY)) == 1
    connection.set_tenant(world.alpha.municipality)


def test_ikkatsu_confirmation_and_switch_on_the_screen(towns, world, login):
    yamada, _sato = towns
    fuka = _current(yamada)
    connection.set_schema_to_public()
    clerk = login("hayama-clerk", ALPHA_HOST)
    url = "/kokuho/fuka/tokucho/ikkatsu/"
    page = clerk.post(url, {"action": "kakunin", "fiscal_year": "2025"}).content.decode()
    assert "次の1世帯を特別徴収に切り替えます" in page and "山田　太郎" in page
    assert f'name="fuka_ids" value="{fuka.pk}"' in page
    connection.set_tenant(world.alpha.municipality)
    assert _current(yamada).version == 1  # the confirmation saves nothing
    read = AccessLog.objects.filter(screen="kokuho.fuka_tokucho_ikkatsu").latest("pk")
    assert yamada.pk in read.detail["atena_ids"]
    connection.set_schema_to_public()
    body = {"action": "kirikae", "fiscal_year": "2025", "fuka_ids": str(fuka.pk)}
    page = clerk.post(url, {**body, "tekiyo_date": "令和7年7月1日"}).content.decode()
    assert "1世帯を特別徴収に切り替えました" in page and KIRIKAE_DONE in page
    page = clerk.post(url, body).content.decode()
    assert "0世帯を特別徴収に切り替えました" in page and "切替済みか対象でなくなった" in page
    page = clerk.post(url, {**body, "fuka_ids": "1;DROP"}).content.decode()
    assert "切替の確認からやり直してください" in page
    connection.set_tenant(world.alpha.municipality)
    assert [v[1:3] for v in _versions()] == [(1, "futsu"), (2, "tokubetsu")]
    # 寒川町's clerk: its own 鈴木 only; 葉山町's confirmed ids switch nothing of 葉山町's
    connection.set_tenant(world.beta.municipality)
    before = _versions()
    connection.set_schema_to_public()
    other = login("samukawa-clerk", BETA_HOST)
    page = other.post(url, {"action": "kakunin", "fiscal_year": "2025"}).content.decode()
    assert "鈴木　太郎" in page and "山田" not in page and "佐藤　太郎" not in page
    connection.set_tenant(world.beta.municipality)
    assert _versions() == before
    connection.set_tenant(world.alpha.municipality)
    assert [v[1:3] for v in _versions()] == [(1, "futsu"), (2, "tokubetsu")]


def test_premium_providers_are_checked_at_start_up() -> None:
    """One provider per premium kind, and only kinds the platform knows
    (tenants.modules.registry, as for the 他業務 providers)."""
    from tenants.modules import registry
    from tenants.modules.spec import ModuleSpec

    unknown = ModuleSpec(app="x", verbose_name="x", gyomu=("x",), hokenryo_providers={"y": "x:f"})
    with pytest.raises(registry.ModuleDeclarationError, match="unknown"):
        registry._check([unknown])
    first = ModuleSpec(
        app="a", verbose_name="a", gyomu=("a",), hokenryo_providers={KAIGO_HOKENRYO: "a:f"}
    )
    second = ModuleSpec(
        app="b", verbose_name="b", gyomu=("b",), hokenryo_providers={KAIGO_HOKENRYO: "b:f"}
    )
    with pytest.raises(registry.ModuleDeclarationError, match="provided by both a and b"):
        registry._check([first, second])
    registry._check([first])
    # the installed modules: 介護 provides the 介護保険料, nobody else
    owners = [s.app for s in registry.all_modules() if KAIGO_HOKENRYO in s.hokenryo_providers]
    assert owners == ["kaigo"]
