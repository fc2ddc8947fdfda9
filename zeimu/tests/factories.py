"""Test data of 税務 that other apps' tests may use (the contracts let a test import
``<app>.tests.factories``, never ``zeimu.models``).

Each function writes one current 個人住民税 assessment row for a person and year, shaped
as the 当初賦課 stores it, so ``zeimu.public`` answers with those figures. They are test
fixtures, not calculations: the caller states the figures (except
:func:`assessed_from_shinkoku`, which runs zeimu's engine).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from tenants.db import connection
from tenants.models import Gyomu, Membership, MembershipRole, RoleLevel, Subscription
from zeimu.gyomu import SHUNO_KANRI
from zeimu.models import Fuka, FukaKind, FukaStatus, NenkinHokoku, Shinkoku, ShinkokuKind


def _fuka_row(
    atena_id: int,
    fiscal_year: int,
    *,
    status: FukaStatus,
    kind: str,
    kyuyo: int,
    nenkin: int,
    sonota: int,
    shotokuwari: int,
    kintowari: int,
    nenkin_shunyu: int | None = None,
    kazei_shotoku: int | None = None,
) -> Fuka:
    """The row itself: 合計所得金額 is the sum of the 所得; 割 split 市町村/道府県; the 所得 in
    their columns and in the 内訳, as the 当初賦課 writes both."""
    nenkin_detail: dict[str, int] = {"shotoku": nenkin}
    result: dict[str, object] = {
        "kyuyo_shotoku_after_chosei": kyuyo,
        "nenkin": nenkin_detail,
        "sonota_shotoku": sonota,
    }
    if nenkin_shunyu is not None:
        nenkin_detail["shunyu"] = nenkin_shunyu
    if kazei_shotoku is not None:
        result["kazei_shotoku"] = kazei_shotoku
    return Fuka.objects.create(
        fiscal_year=fiscal_year,
        atena_id=atena_id,
        kind=kind,
        status=status,
        is_current=True,
        gokei_shotoku=kyuyo + nenkin + sonota,
        kazei_shotoku=kazei_shotoku or 0,
        kyuyo_shotoku=kyuyo,
        nenkin_shotoku=nenkin,
        sonota_shotoku=sonota,
        nenkin_shunyu=nenkin_shunyu or 0,
        shotokuwari_shichoson=shotokuwari * 6 // 10,
        shotokuwari_dofuken=shotokuwari - shotokuwari * 6 // 10,
        kintowari_shichoson=kintowari * 3 // 4,
        kintowari_dofuken=kintowari - kintowari * 3 // 4,
        detail={"result": result},
    )


def kazei_set(
    atena_id: int,
    fiscal_year: int,
    *,
    status: str = "kazei",
    kyuyo: int = 0,
    nenkin: int = 0,
    sonota: int = 0,
    kazei_shotoku: int = 0,
    nenkin_shunyu: int = 0,
    shotokuwari: int = 0,
    kintowari: int = 0,
) -> Fuka:
    """``status``: "kazei" (課税), "hikazei" (非課税) or "mishinkoku" (未申告); a former
    current row of the year is superseded."""
    stored = FukaStatus(status)
    if status == "kazei" and not shotokuwari and not kintowari:
        shotokuwari, kintowari = 10_000, 5_000
    Fuka.objects.filter(atena_id=atena_id, fiscal_year=fiscal_year, is_current=True).update(
        is_current=False
    )
    return _fuka_row(
        atena_id,
        fiscal_year,
        status=stored,
        kind=FukaKind.TOSHO,
        kyuyo=kyuyo,
        nenkin=nenkin,
        sonota=sonota,
        shotokuwari=shotokuwari,
        kintowari=kintowari,
        nenkin_shunyu=nenkin_shunyu,
        kazei_shotoku=kazei_shotoku,
    )


def kazei(
    atena_id: int,
    fiscal_year: int,
    *,
    kyuyo: int = 0,
    nenkin: int = 0,
    sonota: int = 0,
    status: str = FukaStatus.KAZEI,
    shotokuwari: int = 0,
    kintowari: int = 5_000,
    kind: str = FukaKind.TOSHO,
) -> Fuka:
    """The current assessment of ``atena_id`` for ``fiscal_year`` with these 所得 (of the
    year before); no 均等割 unless 課税."""
    stored = FukaStatus(status)
    return _fuka_row(
        atena_id,
        fiscal_year,
        status=stored,
        kind=kind,
        kyuyo=kyuyo,
        nenkin=nenkin,
        sonota=sonota,
        shotokuwari=shotokuwari,
        kintowari=kintowari if stored == FukaStatus.KAZEI else 0,
    )


def mishinkoku(atena_id: int, fiscal_year: int) -> Fuka:
    return kazei(atena_id, fiscal_year, status=FukaStatus.MISHINKOKU, kintowari=0)


def kazei_kosei(atena_id: int, fiscal_year: int, **kw: int | str) -> Fuka:
    """A 所得 更正 (or a late 申告): the current row superseded by a new one."""
    old = Fuka.objects.get(atena_id=atena_id, fiscal_year=fiscal_year, is_current=True)
    old.is_current = False
    old.save(update_fields=["is_current"])
    new = kazei(atena_id, fiscal_year, kind=FukaKind.KOSEI, **kw)  # type: ignore[arg-type]
    old.superseded_by = new
    old.save(update_fields=["superseded_by"])
    return new


def assessed_from_shinkoku(
    atena_id: int,
    fiscal_year: int,
    birth_date: date,
    *,
    nenkin_shunyu: int = 0,
    kyuchi: int = 1,
    **shinkoku: Any,
) -> Fuka:
    """Unlike the rows above, a CALCULATED assessment: a 公的年金等支払報告書 of
    ``nenkin_shunyu`` (if any) and a 住民税申告 with the ``shinkoku`` fields (e.g. the
    分離課税の譲渡所得) of the income year, assessed by zeimu's own writer
    (``zeimu.services.fuka.assess_many``, the engine the 当初賦課 and 更正 use) and saved as
    the current row. Sets the town's 級地 when it has none."""
    from tenants.params.tenant.models import MunicipalParameter
    from zeimu.services.common import KYUCHI_KEY
    from zeimu.services.fuka import YearContext, assess_many

    if not MunicipalParameter.objects.filter(key=KYUCHI_KEY).exists():
        MunicipalParameter.objects.create(
            key=KYUCHI_KEY, fiscal_year_from=2000, value=kyuchi, source="テスト", created_by="test"
        )
    year = fiscal_year - 1
    if nenkin_shunyu:
        NenkinHokoku.objects.create(
            atena_id=atena_id, shotoku_year=year, payer_no="NP0001", payer_name="日本年金機構",
            shiharai_kingaku=nenkin_shunyu,
        )  # fmt: skip
    Shinkoku.objects.create(
        atena_id=atena_id, shotoku_year=year, kind=ShinkokuKind.KAKUTEI, **shinkoku
    )
    Fuka.objects.filter(atena_id=atena_id, fiscal_year=fiscal_year, is_current=True).update(
        is_current=False
    )
    (fuka,) = assess_many(YearContext.build(fiscal_year), [(atena_id, birth_date)])
    fuka.save()
    return fuka


def madoguchi(nofu_bango: str, amount: int, shuno_date: date) -> str:
    """A payment at the 窓口 of the 期別 whose 納付番号 is ``nofu_bango`` (the ledger's own
    service, as the 窓口 screen calls it); returns the payment's status (消込済 "keshikomi",
    or "yokakunin" when no 期別 of this town has the number)."""
    from tenants.accesslog.services import Actor
    from zeimu.services.shuno import madoguchi_nofu

    nofu = madoguchi_nofu(
        nofu_bango=nofu_bango,
        amount=amount,
        shuno_date=shuno_date,
        actor=Actor(user_id=None, username="madoguchi"),
    )
    return str(nofu.status)


def grant_beta_shuno() -> None:
    """寒川町 subscribes to 収納管理 and its clerk holds it (so a refusal is the wall's)."""
    connection.set_schema_to_public()
    from tenants.models import Municipality

    beta = Municipality.objects.get(dantai_code="143219")
    gyomu = Gyomu.objects.get(code=SHUNO_KANRI)
    Subscription.objects.get_or_create(
        municipality=beta, gyomu=gyomu, defaults={"start_month": date(2020, 4, 1)}
    )
    membership = Membership.objects.get(user__username="samukawa-clerk", municipality=beta)
    MembershipRole.objects.get_or_create(
        membership=membership, gyomu=gyomu, defaults={"level": RoleLevel.WRITE}
    )


# --- the ledger, read back by other apps' tests (plain values) ------------------------------


def kibetsu_rows(zeimoku: str, atena_id: int) -> list[tuple[int, int, date, str]]:
    """(id, 期, 納期限, 納付番号) of a person's 期別 of a 税目 in the current town, by 期."""
    from zeimu.models import Kibetsu

    return list(
        Kibetsu.objects.filter(zeimoku=zeimoku, atena_id=atena_id)
        .order_by("ki")
        .values_list("pk", "ki", "nouki", "nofu_bango")
    )


def kibetsu_zan(kibetsu_id: int, on: date) -> int:
    """The 期別's balance on ``on``."""
    from zeimu.services.shuno import balances

    return balances([kibetsu_id], on=on)[kibetsu_id].zan


def rentai_hakko_rows() -> list[tuple[Any, ...]]:
    """Every 督促状・納付書 to a 連帯納付義務者 of the town: (id, 期別 id, 連帯納付義務者 id,
    帳票, 未納額, 推定の確認, 指定期限, the 納付書's 期別 id or None), by id."""
    from zeimu.models import RentaiHakko

    return [
        (r.pk, r.kibetsu_id, r.rentai_atena_id, r.kind, r.zan, r.suitei_kakunin,
         r.shitei_kigen, r.nofusho.kibetsu_id if r.nofusho else None)
        for r in RentaiHakko.objects.select_related("nofusho").order_by("pk")
    ]  # fmt: skip


def rentai_keika() -> list[tuple[int | None, str]]:
    """(record id, 内容) of the 経過 rows the 連帯納付義務者's documents wrote, by id."""
    from zeimu.models import KeikaKind, TainoKeika

    return list(
        TainoKeika.objects.filter(kind=KeikaKind.RENTAI)
        .order_by("pk")
        .values_list("ref_id", "memo")
    )


def rentai_hakko_try(**kwargs: Any) -> str | None:
    """``zeimu.services.shuno_rentai.rentai_hakko`` as a test calls it: the refusal's
    message, or None when it wrote (the actor is a tester)."""
    from tenants.accesslog.services import Actor
    from zeimu.services.shuno import ShunoRefused
    from zeimu.services.shuno_rentai import rentai_hakko

    try:
        rentai_hakko(**kwargs, actor=Actor(user_id=None, username="tester"))
    except ShunoRefused as exc:
        return str(exc)
    return None
