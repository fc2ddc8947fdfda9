"""The 特別徴収 judgment of one household's current 賦課 (kokuho.rules.tokucho), entered by
a clerk, and what follows from it (issue 15, KF-9):

- 特別徴収 applies: the 賦課 gets a new version with the same 年税額 and every figure, its
  期別 re-cut (``kokuho.rules.tokucho_kibetsu.kibetsu_tokucho_kaishi``): pension months
  (仮徴収・本徴収) and 普通徴収 期 for what is not withheld; the old version points at it
  and the 収納 ledger receives the 普通徴収 期 (the 期 no longer levied by 納付書 stated 0).
  The pension months reach the ledger when the insurer reports them withheld
  (kokuho.services.tokucho_kekka), under a key and 期 name that say 特別徴収.
- it no longer applies on a 賦課 collected from the pension (口座振替の申出 and so on): a new
  version with 普通徴収 for the rest (``kibetsu_futsu_kirikae``) from the day given.

The 年金額 and the pension's 年金保険者コード, 基礎年金番号 and 年金コード (what the insurer's
notices are matched on) come from the imported 特別徴収対象者の通知 of the 世帯主
(kokuho.services.tokucho_taisho) when it has a line for them; only where it has none are
typed values used, and the judgment says which (``Tokucho.nenkin_source``). Likewise the
世帯主's 介護保険料 of the 年度 and whether it is 特別徴収 come from 介護保険's current 賦課
(``kaigo.public.tokucho_hokenryo``, asked through the platform's
``tenants.nenkin_tokucho.hokenryo_lookup``: kokuho may not import kaigo); only where kaigo
has none — a town without 介護保険 in this product, or no 賦課 of the 世帯主 yet — are typed
values used (``Tokucho.kaigo_source``). The 仮徴収額 is the previous 年度's February
本徴収 of the same household when there is one; only where there is none is a typed amount
used (0: 特別徴収 starts with the 本徴収, 普通徴収 before it).
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from kokuho.gyomu import KOKUHO_FUKA
from kokuho.models import (
    KaigoSource,
    KariSource,
    KokuhoFuka,
    KoseiCause,
    NenkinSource,
    Santei,
    Tokucho,
)
from kokuho.models.koki import ChoshuHoho
from kokuho.rules.fuka_kibetsu import nouki
from kokuho.rules.tokucho import (
    TokuchoMember,
    TokuchoParameters,
    tokucho_judge,
    tokucho_kibetsu,
)
from kokuho.rules.tokucho_kibetsu import (
    Recut,
    TokuchoKibetsuError,
    kibetsu_futsu_kirikae,
    kibetsu_tokucho_kaishi,
)
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.nenkin_tokucho import KAIGO_HOKENRYO, TokuchoHokenryo, hokenryo_lookup
from tenants.params.services import param_value

RECORD_TYPE = "kokuho.KokuhoFuka"


class TokuchoRefused(Exception):
    """A judgment that cannot be made (a 賦課 that is not current, figures out of range)."""


def members_of(fuka: KokuhoFuka) -> list[TokuchoMember]:
    """The household's members as the 賦課 kept them (insured: a period in the 年度)."""
    facts = fuka.detail.get("input") or {}
    head = int(facts.get("setainushi") or fuka.nozei_gimusha_id)
    return [
        TokuchoMember(
            birth_date=date.fromisoformat(m["birth"]),
            insured=bool(m.get("periods")),
            setainushi=int(m["atena_id"]) == head,
        )
        for m in facts.get("members", [])
    ]


def karichoshu_of(fiscal_year: int, setai_id: int) -> int | None:
    """The 仮徴収 of one pension month: the February 本徴収 of the household's current 賦課
    of the previous 年度 (the first such 期), or None when it had none. One query."""
    with connection.cursor() as cur:
        cur.execute(
            """
            SELECT (e.value ->> 'amount')::bigint
            FROM kokuho_kokuhofuka f
            CROSS JOIN LATERAL jsonb_array_elements(f.kibetsu) WITH ORDINALITY AS e(value, n)
            WHERE f.fiscal_year = %s AND f.setai_id = %s AND f.is_current
              AND e.value ->> 'kind' = 'hon' AND (e.value ->> 'month')::int = 2
            ORDER BY e.n LIMIT 1
            """,
            [fiscal_year - 1, setai_id],
        )
        row = cur.fetchone()
    return int(row[0]) if row and int(row[0]) > 0 else None


def tokucho_latest(fiscal_year: int, setai_id: int) -> Tokucho | None:
    """The household's latest judgment of the 年度 (whichever version it was made on)."""
    return (
        Tokucho.objects.filter(fuka__fiscal_year=fiscal_year, fuka__setai_id=setai_id)
        .order_by("-pk")
        .first()
    )


def _digits(value: str, n: int) -> bool:
    return value.isascii() and value.isdigit() and len(value) == n


def fuka_recut_locked(
    *, before: KokuhoFuka, recut: Recut, cause: str, reason: str, on: date, actor: Actor,
    screen: str,
) -> KokuhoFuka:  # fmt: skip
    """A new version of ``before`` (locked by the caller, in the caller's transaction) with
    the same 年税額 and every figure and the 期別 ``recut``; the old version points at it;
    the 普通徴収 期 go into the 収納 ledger (the differences only)."""
    before.is_current = False
    before.save(update_fields=["is_current"])
    row = KokuhoFuka.objects.create(
        fiscal_year=before.fiscal_year,
        setai_id=before.setai_id,
        version=before.version + 1,
        santei=Santei.KOSEI,
        is_current=True,
        nozei_gimusha_id=before.nozei_gimusha_id,
        gisei=before.gisei,
        kijun_date=before.kijun_date,
        job_id=None,
        hihokensha_su=before.hihokensha_su,
        keigen_wari=before.keigen_wari,
        hantei_shotoku=before.hantei_shotoku,
        iryo=before.iryo,
        shien=before.shien,
        kaigo=before.kaigo,
        kodomo=before.kodomo,
        nengaku=before.nengaku,
        kanou=recut.kanou,
        choshu_hoho=ChoshuHoho.TOKUBETSU if recut.tokucho else ChoshuHoho.FUTSU,
        kibetsu=recut.kibetsu,
        detail=before.detail,
        input_hash=before.input_hash,
        reason=reason[:200],
        cause=cause,
        created_by=actor.username or actor.api_client,
    )
    before.superseded_by = row
    before.save(update_fields=["superseded_by"])
    from kokuho.services.fuka_chotei import kokuho_chotei_post_kosei

    kokuho_chotei_post_kosei(new=row, old=before, on=on, actor=actor)
    access_record(
        actor=actor,
        action=AccessAction.UPDATE,
        gyomu=KOKUHO_FUKA,
        screen=screen,
        record_type=RECORD_TYPE,
        record_id=row.pk,
        detail={"setai_id": row.setai_id, "version": row.version, "cause": cause},
    )
    return row


def futsu_kirikae_locked(
    *, before: KokuhoFuka, on: date, reason: str, actor: Actor, screen: str
) -> KokuhoFuka:
    """特別徴収 stops from ``on``: 普通徴収 for the rest (a new version, the ledger told)."""
    fy = before.fiscal_year
    recut = kibetsu_futsu_kirikae(
        nengaku=before.nengaku,
        before=before.kibetsu,
        futsu_ki=nouki(fy, param_value),
        unit=int(param_value("kokuho.fuka.hasu_tani", fy)),
        on=on,
    )
    return fuka_recut_locked(
        before=before, recut=recut, cause=KoseiCause.TOKUCHO_CHUSHI, reason=reason, on=on,
        actor=actor, screen=screen,
    )  # fmt: skip


def _nenkin_of(
    fuka: KokuhoFuka, typed: int | None, ids: tuple[str, str, str]
) -> tuple[int, tuple[str, str, str], str]:
    """The 年金額 and pension ids of the judgment: the imported notice's for the 世帯主, or
    the typed ones where the notice has no line (refused: typed values that differ from
    the notice's, or nothing typed and no line)."""
    from kokuho.services.tokucho_taisho import taisho_of

    t = taisho_of(fuka.fiscal_year, [fuka.nozei_gimusha_id]).get(fuka.nozei_gimusha_id)
    if t is not None:
        file_ids = (t.nenkin_hokensha, t.kiso_nenkin_no, t.nenkin_code)
        if typed not in (None, t.nenkin_gaku) or (any(ids) and ids != file_ids):
            raise TokuchoRefused(
                f"年金の年額（{t.nenkin_gaku:,}円）と年金の番号は特別徴収対象者の通知のものを"
                "使います。入力は不要です。"
            )
        return t.nenkin_gaku, file_ids, NenkinSource.TSUCHI
    if typed is None:
        raise TokuchoRefused(
            "特別徴収対象者の通知に世帯主の年金がありません。年金の年額を入力してください。"
        )
    return typed, ids, NenkinSource.NYURYOKU


def kaigo_hokenryo_of(fiscal_year: int, atena_ids: list[int]) -> dict[int, TokuchoHokenryo]:
    """The 介護保険料 of ``atena_ids`` of the 年度 that 介護保険's 賦課 holds (none when the
    town does not use the product's 介護保険). A read of 介護's data: the caller logs it."""
    return hokenryo_lookup(KAIGO_HOKENRYO, fiscal_year, atena_ids) or {}


def _kaigo_of(fuka: KokuhoFuka, typed: int | None, typed_tokucho: bool) -> tuple[int, bool, str]:
    """The 世帯主's 介護保険料, whether it is 特別徴収, and where both came from: 介護保険's
    current 賦課, or the typed values where it has none (refused: a typed amount that
    differs from 介護保険's, or nothing typed and no 賦課)."""
    k = kaigo_hokenryo_of(fuka.fiscal_year, [fuka.nozei_gimusha_id]).get(fuka.nozei_gimusha_id)
    if k is not None:
        if typed not in (None, k.hokenryo):
            raise TokuchoRefused(
                f"介護保険料（{k.hokenryo:,}円）は介護保険の賦課のものを使います。入力は不要です。"
            )
        return k.hokenryo, k.tokucho, KaigoSource.KAIGO
    if typed is None:
        raise TokuchoRefused(
            "介護保険の賦課に世帯主の介護保険料がありません。"
            "介護保険料の年額と特別徴収かどうかを入力してください。"
        )
    return typed, typed_tokucho, KaigoSource.NYURYOKU


def tokucho_hantei_save(
    *,
    fuka_id: int,
    nenkin_gaku: int | None,
    kaigo_hokenryo: int | None,
    kari_gaku: int | None,
    koza_moushide: bool,
    moushide_date: date | None,
    actor: Actor,
    nenkin_hokensha: str = "",
    kiso_nenkin_no: str = "",
    nenkin_code: str = "",
    on: date | None = None,
    kaigo_tokucho: bool = False,
) -> Tokucho:
    """Judge, record, and — when the way of collecting changes — re-cut the 期別 (see the
    module's docstring). ``on``: the day the change takes effect (today by default; for a
    口座振替 申出, its date). ``kaigo_hokenryo`` / ``kaigo_tokucho``: typed, used only where
    介護保険's 賦課 has none for the 世帯主. One durable transaction; refused: nothing
    written."""
    if min(nenkin_gaku or 0, kaigo_hokenryo or 0, kari_gaku or 0) < 0:
        raise TokuchoRefused("金額は0円以上で入力してください。")
    if koza_moushide and moushide_date is None:
        raise TokuchoRefused("口座振替の申出日を入力してください。")
    ids = (nenkin_hokensha, kiso_nenkin_no, nenkin_code)
    if any(ids) and not (
        _digits(nenkin_hokensha, 3) and _digits(kiso_nenkin_no, 10) and _digits(nenkin_code, 4)
    ):
        raise TokuchoRefused(
            "年金保険者コードは3桁、基礎年金番号は10桁、年金コードは4桁の数字で入力してください。"
        )
    on = on or (moushide_date if koza_moushide else None) or timezone.localdate()
    with transaction.atomic(durable=True):
        return _hantei_locked(
            fuka_id=fuka_id, nenkin_gaku=nenkin_gaku, kaigo_hokenryo=kaigo_hokenryo,
            kaigo_tokucho=kaigo_tokucho, kari_gaku=kari_gaku, koza_moushide=koza_moushide,
            moushide_date=moushide_date, ids=ids, on=on, actor=actor,
            screen="kokuho.fuka_tokucho",
        )  # fmt: skip


def _hantei_locked(
    *,
    fuka_id: int,
    nenkin_gaku: int | None,
    kaigo_hokenryo: int | None,
    kaigo_tokucho: bool,
    kari_gaku: int | None,
    koza_moushide: bool,
    moushide_date: date | None,
    ids: tuple[str, str, str],
    on: date,
    actor: Actor,
    screen: str,
) -> Tokucho:
    """The judgment of ``tokucho_hantei_save`` in the caller's transaction (the inputs
    checked by the caller): raises TokuchoRefused before writing anything."""
    fuka = KokuhoFuka.objects.select_for_update().filter(pk=fuka_id).first()
    if fuka is None or not fuka.is_current:
        raise TokuchoRefused("現在の賦課でないため判定できません。")
    if fuka.santei == Santei.KARI:
        raise TokuchoRefused("仮算定の賦課は判定できません。本算定の後に判定してください。")
    fy = fuka.fiscal_year
    p = TokuchoParameters.load(fy, param_value)
    nenkin_gaku, ids, source = _nenkin_of(fuka, nenkin_gaku, ids)
    nenkin_hokensha, kiso_nenkin_no, nenkin_code = ids
    kaigo_hokenryo, kaigo_tokucho, kaigo_source = _kaigo_of(fuka, kaigo_hokenryo, kaigo_tokucho)
    derived = karichoshu_of(fy, fuka.setai_id)
    if derived is not None and kari_gaku not in (None, derived):
        raise TokuchoRefused(
            f"仮徴収額は前年度2月の本徴収額（{derived:,}円）です。入力は不要です。"
        )
    kari = derived if derived is not None else (kari_gaku or 0)
    hantei = tokucho_judge(
        fiscal_year=fy,
        kijun_date=fuka.kijun_date,
        members=members_of(fuka),
        nenkin_gaku=nenkin_gaku,
        nengaku=fuka.nengaku,
        kaigo_hokenryo=kaigo_hokenryo,
        kaigo_tokucho=kaigo_tokucho,
        koza_moushide=koza_moushide,
        p=p,
    )
    was_tokucho = fuka.choshu_hoho == ChoshuHoho.TOKUBETSU
    applied: KokuhoFuka | None = None
    if hantei.gaito and not was_tokucho:
        if not all(ids):
            raise TokuchoRefused(
                "特別徴収に該当します。年金保険者コード・基礎年金番号・年金コード"
                "（特別徴収対象者の通知のもの）を入力してください。"
            )
        try:
            recut = kibetsu_tokucho_kaishi(
                nengaku=fuka.nengaku, kari_gaku=kari, before=fuka.kibetsu, fiscal_year=fy,
                futsu_ki=nouki(fy, param_value), p=p, on=on,
            )  # fmt: skip
        except TokuchoKibetsuError as exc:
            raise TokuchoRefused(str(exc)) from exc
        applied = fuka_recut_locked(
            before=fuka, recut=recut, cause=KoseiCause.TOKUCHO,
            reason="特別徴収の判定により期別を特別徴収に切り替え", on=on, actor=actor,
            screen=screen,
        )  # fmt: skip
    elif not hantei.gaito and was_tokucho:
        applied = futsu_kirikae_locked(
            before=fuka, on=on, reason=f"特別徴収に該当しない（{hantei.reasons[0]}）",
            actor=actor, screen=screen,
        )  # fmt: skip
    kibetsu: list[dict[str, Any]] = (
        [asdict(k) for k in tokucho_kibetsu(fuka.nengaku, kari, p)] if hantei.gaito else []
    )
    if applied is not None and applied.choshu_hoho == ChoshuHoho.TOKUBETSU:
        kibetsu = [
            {"month": k["month"], "kubun": "仮徴収" if k["kind"] == "kari" else "本徴収",
             "amount": k["amount"]}
            for k in applied.kibetsu if k.get("kind") in ("kari", "hon")
        ]  # fmt: skip
    row = Tokucho.objects.create(
        fuka=fuka,
        nenkin_gaku=nenkin_gaku,
        kaigo_hokenryo=kaigo_hokenryo,
        kaigo_tokucho=kaigo_tokucho,
        kaigo_source=kaigo_source,
        kari_gaku=kari,
        kari_source=KariSource.ZENNENDO if derived is not None else KariSource.NYURYOKU,
        koza_moushide=koza_moushide,
        moushide_date=moushide_date,
        nenkin_hokensha=nenkin_hokensha,
        kiso_nenkin_no=kiso_nenkin_no,
        nenkin_code=nenkin_code,
        nenkin_source=source,
        gaito=hantei.gaito,
        reasons=list(hantei.reasons),
        kibetsu=kibetsu,
        applied=applied if applied is not None and hantei.gaito else None,
        created_by=actor.username,
    )
    if not hantei.gaito and was_tokucho:
        Tokucho.objects.filter(
            fuka__fiscal_year=fy, fuka__setai_id=fuka.setai_id, chushi_date__isnull=True
        ).exclude(pk=row.pk).update(chushi_date=on, chushi_riyu=hantei.reasons[0][:100])
    access_record(
        actor=actor,
        action=AccessAction.CREATE,
        gyomu=KOKUHO_FUKA,
        screen=screen,
        record_type="kokuho.Tokucho",
        record_id=row.pk,
        detail={
            "atena_ids": [fuka.nozei_gimusha_id],
            "fuka_id": fuka.pk,
            "kaigo_source": kaigo_source,
        },
    )
    return row
