"""The 国保 給付's bank file (全銀協 総合振込) in two towns: the account is taken with its 全銀
codes at the 申請 (an account the bank could not take is refused there, in Japanese); a payment
list writes one line per 給付 paid to an account (顧客コード1 = 決定番号), those paid at the 窓口
left out and counted; the 振込依頼人 is the town's own ``kokuho.furikomi.*`` (国保特別会計),
fixed on the list by its first file; 寒川町 sees none of 葉山町's lists."""

from __future__ import annotations

from datetime import date

import pytest

from juminkiroku.tests.factories import actor_for, family
from kokuho.models import Kyufu, Shiharai
from kokuho.services.kyufu import (
    NO_IRAININ,
    Furikomi,
    KyufuRefused,
    kyufu_kettei,
    shiharai_make,
    shiharai_zengin,
    shussan_shinsei,
)
from kokuho.tests.factories import tennyu
from tenants.db import connection
from tenants.params.tenant.services import municipal_parameter_set
from tenants.zengin import read_sogo_furikomi

pytestmark = pytest.mark.django_db

BANK = Furikomi(
    "葉山信用金庫",
    "本店",
    "1",
    "1234567",
    "ヤマダ　ハナコ",
    kinyu_kikan_code="1234",
    shiten_code="001",
)
HAYAMA = {
    "irainin_code": "2345678901",
    "irainin_name": "ハヤママチコクホ",  # as the settings screen stores it (full-width)
    "shimuke_ginko": "0138",
    "shimuke_shiten": "002",
    "yokin_shumoku": "1",
    "koza_bango": "7654321",
}


def _set(values: dict[str, str], fiscal_year: int = 2025) -> None:
    actor = actor_for("hayama-admin")
    for key, value in values.items():
        municipal_parameter_set(
            key=f"kokuho.furikomi.{key}",
            fiscal_year=fiscal_year,
            value_text=value,
            reason="国保特別会計の総合振込の契約（試験の値）",
            actor=actor,
        )


def _shussan(capture, furikomi: Furikomi, town: str = "hayama") -> Kyufu:
    """出産育児一時金 500,000円 less 460,000円 paid to the hospital: 40,000円 to the mother."""
    _, (_head, wife, _child) = tennyu(capture, town, members=family(), day=date(2020, 4, 1))
    clerk = actor_for(f"{town}-clerk")
    row = shussan_shinsei(
        atena_id=wife.pk,
        shussan_date=date(2025, 6, 1),
        children=1,
        sanka_hosho=True,
        chokusetsu_gaku=460_000,
        shinsei_date=date(2025, 6, 20),
        furikomi=furikomi,
        actor=clerk,
    )
    return kyufu_kettei(kyufu_id=row.pk, kettei_date=date(2025, 6, 25), actor=clerk)


def test_the_lists_bank_file_read_back_fixed_by_its_first_irainin_and_walled(
    alpha, beta, django_capture_on_commit_callbacks
):
    connection.set_tenant(alpha.municipality)
    by_bank = _shussan(django_capture_on_commit_callbacks, BANK)
    at_madoguchi = _shussan(django_capture_on_commit_callbacks, Furikomi())
    assert (by_bank.shikyu_gaku, at_madoguchi.shikyu_gaku) == (40_000, 40_000)
    batch = shiharai_make(
        shiharai_date=date(2025, 7, 10),
        kyufu_ids=[by_bank.pk, at_madoguchi.pk],
        actor=actor_for("hayama-clerk"),
    )
    # no 振込依頼人 yet: refused, and the list keeps none
    with pytest.raises(KyufuRefused) as refused:
        shiharai_zengin(batch)
    assert str(refused.value) == NO_IRAININ
    batch.refresh_from_db()
    assert batch.irainin is None
    # the town's values set: the file, read back field by field
    _set(HAYAMA)
    made = shiharai_zengin(batch)
    assert (made.kensu, made.gokei, made.madoguchi) == (1, 40_000, 1)
    recs = read_sogo_furikomi(made.data)
    assert [r.kind for r in recs] == ["header", "data", "trailer", "end"]
    head, line, trailer = recs[0].fields, recs[1].fields, recs[2].fields
    assert (head["shubetsu"], head["irainin_code"], head["irainin_name"]) == (
        "21",
        "2345678901",
        "ﾊﾔﾏﾏﾁｺｸﾎ",
    )
    assert (head["torikumi_mmdd"], head["bank"], head["shiten"], head["koza_bango"]) == (
        "0710",
        "0138",
        "002",
        "7654321",
    )
    assert (line["bank"], line["shiten"], line["yokin_shumoku"], line["koza_bango"]) == (
        "1234",
        "001",
        "1",
        "1234567",
    )
    assert (line["meigi"], line["amount"], line["customer1"]) == (
        "ﾔﾏﾀﾞ ﾊﾅｺ",
        40_000,
        f"{by_bank.pk:010d}",
    )
    assert trailer == {"count": 1, "total": 40_000}
    # the settings change later: the same list writes the same bytes
    _set({**HAYAMA, "irainin_code": "9999999999"})
    assert shiharai_zengin(Shiharai.objects.get(pk=batch.pk)).data == made.data
    # 寒川町: its own settings, and none of 葉山町's lists or 給付
    connection.set_tenant(beta.municipality)
    _set(HAYAMA)
    assert not Shiharai.objects.filter(pk=batch.pk).exists()
    assert not Kyufu.objects.filter(pk__in=[by_bank.pk, at_madoguchi.pk]).exists()


def test_an_account_the_bank_cannot_take_is_refused_at_entry_and_an_old_one_at_the_file(
    alpha, django_capture_on_commit_callbacks
):
    connection.set_tenant(alpha.municipality)
    before = Kyufu.objects.count()
    no_codes = Furikomi("葉山信用金庫", "本店", "1", "1234567", "ヤマダ　ハナコ")
    with pytest.raises(KyufuRefused, match="金融機関コードは4桁の数字"):
        _shussan(django_capture_on_commit_callbacks, no_codes)
    small_kana = Furikomi(
        "葉山信用金庫",
        "本店",
        "1",
        "1234567",
        "キャノン",
        kinyu_kikan_code="1234",
        shiten_code="001",
    )
    with pytest.raises(KyufuRefused, match="口座名義に使えない文字があります（ｬ）"):
        _shussan(django_capture_on_commit_callbacks, small_kana)
    assert Kyufu.objects.count() == before
    # a 給付 entered before the codes were asked for: the file names it, writes nothing
    row = _shussan(django_capture_on_commit_callbacks, BANK)
    Kyufu.objects.filter(pk=row.pk).update(kinyu_kikan_code="", shiten_code="")
    _set(HAYAMA)
    batch = shiharai_make(
        shiharai_date=date(2025, 7, 10), kyufu_ids=[row.pk], actor=actor_for("hayama-clerk")
    )
    with pytest.raises(KyufuRefused, match=f"決定番号{row.pk}: 金融機関コードは4桁"):
        shiharai_zengin(batch)
    batch.refresh_from_db()
    assert batch.irainin is None
