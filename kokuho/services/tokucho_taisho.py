"""国保税: the 特別徴収対象者の通知 (年金保険者 → 市町村, through the 経由機関) imported and used
by the 特別徴収 judgment (issue 15, KF-9).

- ``tokucho_taisho_import``: the file is read by the platform reader
  (``tenants.nenkin_tokucho.read_taisho``, layout 当社定義 — 未確認, see there); each line is
  matched to a person who is the 世帯主 (納税義務者) of a current 国保税 賦課 of the 年度:
  first by a 基礎年金番号 and 年金コード already imported for one person, else by カナ氏名
  (spaces ignored), 生年月日 and 性別 as kaigo matches (the layout carries no 個人番号).
  Matched lines are kept per 年度 (``TokuchoTaisho``) with the 年金額 and the pension's ids;
  a line for a person who is not such a 世帯主 is listed as not used (line number only).
  Refused whole, nothing written: a file that cannot be read, the same file (SHA-256) a
  second time, any line that cannot be read (all such lines listed by line, field and
  reason — never their content). One durable transaction, one access-log row naming the
  persons recorded.
- ``taisho_of``: the pension used for a person's judgment: of several lines (several
  pensions) the one with the largest 年金額 (**未確認**: the order of priority among pensions
  the insurer applies was not found; ours).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date

from django.db import transaction

from juminkiroku.public import person_identities
from kokuho.gyomu import KOKUHO_FUKA
from kokuho.models import KokuhoFuka, TokuchoFile, TokuchoFileKind, TokuchoTaisho
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.nenkin_tokucho import LineError, NoticeFileError, read_taisho

RECORD_TYPE = "kokuho.TokuchoTaisho"
SCREEN = "kokuho.fuka_tokucho_taisho"


class TaishoRefused(ValueError):
    """The whole file is refused and nothing was written (Japanese message; ``errors``: the
    lines that could not be read)."""

    def __init__(self, message: str, errors: list[LineError] | None = None) -> None:
        super().__init__(message)
        self.errors = errors or []


@dataclass
class TaishoResult:
    file_id: int
    lines: int = 0
    recorded: int = 0
    #: line numbers of lines for no 世帯主 of a 国保税 賦課 of the 年度 (or several persons)
    unused: list[tuple[int, str]] = field(default_factory=list)


def _key(kana: str, birth: date, sex: str) -> tuple[str, date, str]:
    return ("".join(kana.split()), birth, sex)


def tokucho_taisho_import(
    *, fiscal_year: int, data: bytes, file_name: str, actor: Actor
) -> TaishoResult:
    """Import one 特別徴収対象者の通知 for ``fiscal_year`` (see the module's docstring)."""
    try:
        rows, errors = read_taisho(data)
    except NoticeFileError as exc:
        raise TaishoRefused(str(exc)) from exc
    if errors:
        raise TaishoRefused(
            f"読めない行が{len(errors)}行あるため、ファイル全体を取り込みませんでした。"
            "行と項目を確かめてください。",
            errors,
        )
    sha = hashlib.sha256(data).hexdigest()
    who = actor.username or actor.api_client or "system"
    with transaction.atomic(durable=True):
        kind = TokuchoFileKind.TAISHO
        if TokuchoFile.objects.filter(kind=kind, sha256=sha).exists():
            raise TaishoRefused(
                "このファイルは取込済みです（同じ内容のファイルが既に取り込まれています）。"
            )
        f = TokuchoFile.objects.create(
            kind=kind, fiscal_year=fiscal_year, name=file_name[:200], sha256=sha, created_by=who
        )
        heads = set(
            KokuhoFuka.objects.filter(fiscal_year=fiscal_year, is_current=True).values_list(
                "nozei_gimusha_id", flat=True
            )
        )
        by_identity: dict[tuple[str, date, str], list[int]] = {}
        for a, p in person_identities(heads).items():
            by_identity.setdefault(_key(p.shimei_kana, p.birth_date, p.sex), []).append(a)
        by_pension: dict[tuple[str, str], set[int]] = {}
        for a, kiso, code in TokuchoTaisho.objects.filter(atena_id__in=heads).values_list(
            "atena_id", "kiso_nenkin_no", "nenkin_code"
        ):
            by_pension.setdefault((kiso, code), set()).add(a)
        result = TaishoResult(file_id=f.pk, lines=len(rows))
        recorded: list[int] = []
        for r in rows:
            known = by_pension.get((r.kiso_nenkin_no, r.nenkin_code), set())
            found = sorted(known) if len(known) == 1 else by_identity.get(
                _key(r.kana, r.birth_date, r.sex), []
            )  # fmt: skip
            if len(found) != 1:
                why = (
                    "この年度の国保税の世帯主に該当する人がいません"
                    if not found
                    else "該当する人が複数います"
                )
                result.unused.append((r.line, why))
                continue
            TokuchoTaisho.objects.update_or_create(
                fiscal_year=fiscal_year,
                atena_id=found[0],
                kiso_nenkin_no=r.kiso_nenkin_no,
                nenkin_code=r.nenkin_code,
                defaults={
                    "nenkin_hokensha": r.hokensha,
                    "nenkin_gaku": r.nenkin_gaku,
                    "tsuchi_month": r.tsuchi_month,
                    "file": f,
                    "line": r.line,
                },
            )
            recorded.append(found[0])
        result.recorded = len(recorded)
        f.lines, f.applied = result.lines, result.recorded
        f.errors = [{"line": n, "field": "カナ氏名", "message": m} for n, m in result.unused]
        f.save(update_fields=["lines", "applied", "errors"])
        access_record(
            actor=actor,
            action=AccessAction.CREATE,
            gyomu=KOKUHO_FUKA,
            screen=SCREEN,
            record_type=RECORD_TYPE,
            record_id=f.pk,
            record_count=result.recorded,
            detail={"fiscal_year": fiscal_year, "atena_ids": sorted(set(recorded))},
        )
    return result


def taisho_of(fiscal_year: int, atena_ids: Iterable[int]) -> dict[int, TokuchoTaisho]:
    """Each person's pension of the 年度 from the imported notices (the largest 年金額 when
    there are several; ties: the lowest 基礎年金番号・年金コード). One query."""
    out: dict[int, TokuchoTaisho] = {}
    for t in TokuchoTaisho.objects.filter(
        fiscal_year=fiscal_year, atena_id__in=list(atena_ids)
    ).order_by("atena_id", "-nenkin_gaku", "kiso_nenkin_no", "nenkin_code"):
        out.setdefault(t.atena_id, t)
    return out


IKKATSU_PAGE = 200
TAISHO = "対象"
TAISHOGAI = "対象外"
YO_NYURYOKU = "介護保険料の入力が必要"


@dataclass(frozen=True)
class KirikaeInputs:
    """What the household's own judgment would be given (None / "": taken from the imported
    通知, 介護保険's 賦課, the previous 年度 — not typed)."""

    nenkin_gaku: int | None
    ids: tuple[str, str, str]
    kaigo_hokenryo: int | None
    kaigo_tokucho: bool
    kari_gaku: int | None


@dataclass(frozen=True)
class IkkatsuRow:
    fuka_id: int
    setai_id: int
    nozei_gimusha_id: int
    shimei: str
    nengaku: int
    choshu_hoho: str
    nenkin_gaku: int | None
    #: 特別徴収対象者の通知 / 入力（…）/ "" (none)
    nenkin_source: str
    kaigo_hokenryo: int | None
    #: 介護保険の賦課 / 入力（前回の判定） / "" (none)
    kaigo_source: str
    #: TAISHO / TAISHOGAI / YO_NYURYOKU
    kekka: str
    reasons: tuple[str, ...]
    #: 対象 and still 普通徴収: the inputs 「特別徴収に切り替える」 judges with (None: nothing
    #: to switch)
    kirikae: KirikaeInputs | None = None


@dataclass
class IkkatsuPage:
    fiscal_year: int
    page: int
    pages: int
    households: int
    rows: list[IkkatsuRow]


def tokucho_ikkatsu(*, fiscal_year: int, page: int = 1) -> IkkatsuPage:
    """The 特別徴収 judgment of every household with a current 国保税 賦課 of ``fiscal_year``,
    a page of ``IKKATSU_PAGE`` households at a time (by 世帯), saving nothing: the 年金額 from
    the imported 通知 (else the household's latest typed judgment of the 年度); the
    世帯主's 介護保険料 and whether it is 特別徴収 from 介護保険's current 賦課 (else the
    household's latest typed judgment); the 口座振替 申出 from the latest judgment. Without a
    介護保険料 the household is judged with 0 and as 特別徴収: 対象外 stays 対象外 (a
    介護保険料 only adds to the burden), 対象 becomes 「介護保険料の入力が必要」. A read: the
    screen that shows the page logs its persons (kokuho.views.fuka_tokucho)."""
    qs = KokuhoFuka.objects.filter(fiscal_year=fiscal_year, is_current=True).order_by("setai_id")
    total = qs.count()
    pages = max(1, -(-total // IKKATSU_PAGE))
    page = min(max(1, page), pages)
    fukas = list(qs[(page - 1) * IKKATSU_PAGE : page * IKKATSU_PAGE])
    rows = _judge_rows(fiscal_year, fukas)
    return IkkatsuPage(fiscal_year=fiscal_year, page=page, pages=pages, households=total, rows=rows)


def _judge_rows(fiscal_year: int, fukas: list[KokuhoFuka]) -> list[IkkatsuRow]:
    """The 一括判定 of ``fukas`` (current 賦課 of the 年度); a few queries for any number."""
    from kokuho.models import KariSource, Tokucho
    from kokuho.models.koki import ChoshuHoho
    from kokuho.rules.tokucho import TokuchoParameters, tokucho_judge
    from kokuho.services.tokucho import kaigo_hokenryo_of, members_of
    from tenants.params.services import param_value

    heads = [f.nozei_gimusha_id for f in fukas]
    taisho = taisho_of(fiscal_year, heads)
    latest: dict[int, Tokucho] = {}
    for j in (
        Tokucho.objects.filter(
            fuka__fiscal_year=fiscal_year, fuka__setai_id__in=[f.setai_id for f in fukas]
        )
        .select_related("fuka")
        .order_by("pk")
    ):
        latest[j.fuka.setai_id] = j
    names = person_identities(heads)
    kaigo_fuka = kaigo_hokenryo_of(fiscal_year, heads) if heads else {}
    p = TokuchoParameters.load(fiscal_year, param_value) if fukas else None
    rows: list[IkkatsuRow] = []
    for f in fukas:
        assert p is not None
        t = taisho.get(f.nozei_gimusha_id)
        prev = latest.get(f.setai_id)
        if t is not None:
            nenkin, source = t.nenkin_gaku, "特別徴収対象者の通知"
        elif prev is not None:
            nenkin, source = prev.nenkin_gaku, prev.get_nenkin_source_display()
        else:
            nenkin, source = None, ""
        k = kaigo_fuka.get(f.nozei_gimusha_id)
        kaigo: int | None
        if k is not None:
            kaigo, kaigo_tokucho, kaigo_source = k.hokenryo, k.tokucho, "介護保険の賦課"
        elif prev is not None:
            kaigo, kaigo_tokucho = prev.kaigo_hokenryo, prev.kaigo_tokucho
            kaigo_source = "入力（前回の判定）"
        else:
            kaigo, kaigo_tokucho, kaigo_source = None, True, ""
        reasons: tuple[str, ...]
        if nenkin is None:
            kekka, reasons = TAISHOGAI, ("特別徴収対象者の通知に世帯主の年金がない",)
        else:
            h = tokucho_judge(
                fiscal_year=fiscal_year,
                kijun_date=f.kijun_date,
                members=members_of(f),
                nenkin_gaku=nenkin,
                nengaku=f.nengaku,
                kaigo_hokenryo=kaigo or 0,
                kaigo_tokucho=kaigo_tokucho,
                koza_moushide=bool(prev and prev.koza_moushide),
                p=p,
            )
            if not h.gaito:
                kekka, reasons = TAISHOGAI, h.reasons
            elif kaigo is None:
                kekka, reasons = YO_NYURYOKU, ("介護保険料が未入力（世帯の賦課の画面で判定）",)
            else:
                kekka, reasons = TAISHO, ()
        inputs: KirikaeInputs | None = None
        if kekka == TAISHO and f.choshu_hoho != ChoshuHoho.TOKUBETSU:
            typed_kari = prev is not None and prev.kari_source == KariSource.NYURYOKU
            inputs = KirikaeInputs(
                nenkin_gaku=None if t is not None or prev is None else prev.nenkin_gaku,
                ids=("", "", "")
                if t is not None or prev is None
                else (prev.nenkin_hokensha, prev.kiso_nenkin_no, prev.nenkin_code),
                kaigo_hokenryo=None if k is not None or prev is None else prev.kaigo_hokenryo,
                kaigo_tokucho=bool(k is None and prev is not None and prev.kaigo_tokucho),
                kari_gaku=prev.kari_gaku if prev is not None and typed_kari else None,
            )
        ident = names.get(f.nozei_gimusha_id)
        rows.append(
            IkkatsuRow(
                fuka_id=f.pk, setai_id=f.setai_id, nozei_gimusha_id=f.nozei_gimusha_id,
                shimei=ident.shimei if ident else "", nengaku=f.nengaku,
                choshu_hoho=f.get_choshu_hoho_display(), nenkin_gaku=nenkin,
                nenkin_source=source, kaigo_hokenryo=kaigo, kaigo_source=kaigo_source,
                kekka=kekka, reasons=tuple(reasons), kirikae=inputs,
            )
        )  # fmt: skip
    return rows


def kirikae_koho(fiscal_year: int) -> list[IkkatsuRow]:
    """Every household of the 年度 the 一括判定 lists as 対象 whose current 賦課 is still
    collected by 普通徴収: what 「特別徴収に切り替える」 would switch (by 世帯, chunks of
    ``IKKATSU_PAGE``). A read, saving nothing."""
    ids = list(
        KokuhoFuka.objects.filter(fiscal_year=fiscal_year, is_current=True)
        .order_by("setai_id")
        .values_list("pk", flat=True)
    )
    out: list[IkkatsuRow] = []
    for i in range(0, len(ids), IKKATSU_PAGE):
        fukas = list(
            KokuhoFuka.objects.filter(pk__in=ids[i : i + IKKATSU_PAGE]).order_by("setai_id")
        )
        out.extend(r for r in _judge_rows(fiscal_year, fukas) if r.kirikae is not None)
    return out


KIRIKAE_DONE = "特別徴収に切り替えた"


@dataclass
class KirikaeResult:
    fiscal_year: int
    #: the households handled: kekka KIRIKAE_DONE, or why not (reasons)
    rows: list[IkkatsuRow]
    switched: int = 0
    #: confirmed but no longer to switch (already switched — a second run —, or changed)
    gone: int = 0


def tokucho_ikkatsu_kirikae(
    *, fiscal_year: int, fuka_ids: set[int], on: date, actor: Actor
) -> KirikaeResult:
    """Switch to 特別徴収 the confirmed households (``fuka_ids``: the current 賦課 the
    confirmation listed) that are still to be switched now, each exactly as its own screen
    would (``kokuho.services.tokucho``: a judgment row, a new version of the 賦課 with the
    期別 re-cut, the ledger told, an access-log row each), in one durable transaction, and one
    access-log row naming every 世帯主 switched. A household the confirmation did not list is
    left alone; one it listed that is no longer to be switched (switched already, its 賦課
    changed) is counted in ``gone`` — so the same confirmation posted twice switches nothing
    the second time. A household the judgment refuses (e.g. a 期別 that cannot be re-cut) is
    left as it was, with the reason; a database failure leaves everything as it was."""
    from kokuho.services.tokucho import TokuchoRefused, _hantei_locked

    screen = "kokuho.fuka_tokucho_ikkatsu"
    with transaction.atomic(durable=True):
        koho = [r for r in kirikae_koho(fiscal_year) if r.fuka_id in fuka_ids]
        result = KirikaeResult(fiscal_year=fiscal_year, rows=[], gone=len(fuka_ids) - len(koho))
        switched: list[int] = []
        for r in koho:
            assert r.kirikae is not None
            x = r.kirikae
            try:
                with transaction.atomic():
                    row = _hantei_locked(
                        fuka_id=r.fuka_id, nenkin_gaku=x.nenkin_gaku,
                        kaigo_hokenryo=x.kaigo_hokenryo, kaigo_tokucho=x.kaigo_tokucho,
                        kari_gaku=x.kari_gaku, koza_moushide=False, moushide_date=None,
                        ids=x.ids, on=on, actor=actor, screen=screen,
                    )  # fmt: skip
            except TokuchoRefused as exc:
                result.rows.append(replace(r, kekka="切り替えなかった", reasons=(str(exc),)))
                continue
            if row.applied is None:  # judged anew: no longer 対象 (figures changed)
                result.rows.append(replace(r, kekka="切り替えなかった", reasons=tuple(row.reasons)))
                continue
            result.rows.append(replace(r, kekka=KIRIKAE_DONE, reasons=()))
            switched.append(r.nozei_gimusha_id)
        result.switched = len(switched)
        access_record(
            actor=actor,
            action=AccessAction.UPDATE,
            gyomu=KOKUHO_FUKA,
            screen=screen,
            record_type="kokuho.KokuhoFuka",
            record_count=len(switched),
            detail={"fiscal_year": fiscal_year, "atena_ids": switched, "gone": result.gone},
        )
    return result
