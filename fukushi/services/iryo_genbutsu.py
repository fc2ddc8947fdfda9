"""子ども医療費助成・ひとり親家庭等医療費助成の現物給付: the 医療機関 does not take the 一部負担金
from a 受給者 who shows the 受給者証; it bills that part to the town through the 審査支払機関
(国民健康保険団体連合会 / 社会保険診療報酬支払基金), which the town pays and which pays the
医療機関. Here: the import of a month's 請求 file, each line checked against the 受給者証 (its
受給者番号 in this 業務, valid on some day of the 診療月), the 助成額 (the 一部負担金相当額 less
the town's own 一部負担金 per 件, ``fukushi.iryo.<業務>.ichibu_futan``), 返戻 of the lines that
fail, the list per 医療機関 and the 全銀 総合振込 file paying the 機関 the month's total.

The file layout is **ours**: the 国保連's 福祉医療 請求 data differs by 都道府県 and no
published layout was found here (未確認). UTF-8 CSV (a BOM allowed), the header line then one
line per 件:

    診療月,医療機関コード,医療機関名,受給者番号,医療費総額,一部負担金相当額
    202509,1410000001,葉山こどもクリニック,100001,10000,2000

診療月 YYYYMM; 医療機関コード 10 digits (都道府県2 + 点数表1 + 医療機関7); amounts in 円, the
一部負担金相当額 not above the 医療費総額. A malformed file is refused whole (nothing written),
with its line numbers; one 請求 per 業務, 機関 and 請求月.

Each write: one durable transaction and its access-log row.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Count, Sum

from fukushi.models import IryoGenbutsu, IryoGenbutsuMeisai, IryoJukyusha, IryoShinsaKikan
from fukushi.rules.iryo import shokan_gaku, yuko_in_month
from fukushi.services.iryo import IryoRefused, ichibu_futan_of
from tenants import zengin
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.text import text_problem
from tenants.wareki import fiscal_year_of

__all__ = [
    "HEADER",
    "KikanGokei",
    "SeikyuFileRefused",
    "genbutsu_file",
    "genbutsu_kikan",
    "genbutsu_shiharai",
    "genbutsu_torikomi",
    "parse_seikyu",
]

HEADER = ["診療月", "医療機関コード", "医療機関名", "受給者番号", "医療費総額", "一部負担金相当額"]
MAX_LINES = 200_000


@dataclass(frozen=True)
class SeikyuRow:
    gyo: int
    shinryo_tsuki: date
    kikan_code: str
    kikan_mei: str
    jukyusha_bango: str
    iryohi: int
    futan: int


def _month(text: str) -> date | None:
    if len(text) != 6 or not text.isdigit():
        return None
    y, m = int(text[:4]), int(text[4:])
    return date(y, m, 1) if 1 <= m <= 12 and y >= 2000 else None


class SeikyuFileRefused(IryoRefused):
    """A 請求 file refused whole: ``errors`` as every IryoRefused (for the screens), and
    ``lines`` as (line number, fields, message) for the API (line 0: the whole file)."""

    def __init__(self, lines: list[tuple[int, str, str]]) -> None:
        super().__init__([("file", message) for _, _, message in lines])
        self.lines = lines


def parse_seikyu(data: bytes, seikyu_tsuki: date) -> list[SeikyuRow]:
    """The lines of a 請求 file (layout above); SeikyuFileRefused naming every bad line and
    its fields."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SeikyuFileRefused([(0, "", "請求ファイルは UTF-8 の CSV にしてください。")]) from exc
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or [c.strip() for c in rows[0]] != HEADER:
        raise SeikyuFileRefused([(1, "", "1行目は「" + ",".join(HEADER) + "」にしてください。")])
    if len(rows) - 1 > MAX_LINES:
        raise SeikyuFileRefused([(0, "", f"1つの請求ファイルは{MAX_LINES:,}件までです。")])
    out: list[SeikyuRow] = []
    errors: list[tuple[int, str, str]] = []
    for no, cells in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(HEADER):
            errors.append((no, "", f"{no}行目：項目の数が{len(HEADER)}ではありません。"))
            continue
        tsuki_s, code, mei, bango, iryohi_s, futan_s = (c.strip() for c in cells)
        tsuki = _month(tsuki_s)
        bad = []
        if tsuki is None or tsuki > seikyu_tsuki:
            bad.append("診療月（請求月までの年月 YYYYMM）")
        if len(code) != 10 or not code.isdigit():
            bad.append("医療機関コード（10桁の数字）")
        if not mei or len(mei) > 100 or text_problem(mei, label="医療機関名"):
            bad.append("医療機関名")
        if not bango or len(bango) > 12 or not bango.isdigit():
            bad.append("受給者番号（12桁までの数字）")
        if not iryohi_s.isdigit() or not futan_s.isdigit():
            bad.append("医療費総額・一部負担金相当額（0以上の整数）")
        elif int(futan_s) > int(iryohi_s) or int(iryohi_s) > 100_000_000:
            bad.append("一部負担金相当額（医療費総額以下）")
        if bad:
            fields = "・".join(b.split("（")[0] for b in bad)
            errors.append((no, fields, f"{no}行目：" + "・".join(bad) + "が正しくありません。"))
            continue
        assert tsuki is not None
        out.append(SeikyuRow(no, tsuki, code, mei, bango, int(iryohi_s), int(futan_s)))
    if errors:
        raise SeikyuFileRefused(errors[:50])
    if not out:
        raise SeikyuFileRefused([(0, "", "請求の明細がありません。")])
    return out


def genbutsu_torikomi(
    *, gyomu: str, shinsa_kikan: str, seikyu_tsuki: date, data: bytes, actor: Actor
) -> IryoGenbutsu:
    """Import a month's 請求 of ``shinsa_kikan`` for ``gyomu``: each line checked against the
    受給者証 and its 助成額 computed, the failing lines 返戻 with their reason."""
    first = seikyu_tsuki.replace(day=1)
    if shinsa_kikan not in IryoShinsaKikan.values:
        raise IryoRefused([("shinsa_kikan", "審査支払機関を選んでください。")])
    rows = parse_seikyu(data, first)
    certs: dict[str, list[IryoJukyusha]] = {}
    for j in IryoJukyusha.objects.filter(
        gyomu=gyomu, jukyusha_bango__in={r.jukyusha_bango for r in rows}
    ):
        certs.setdefault(j.jukyusha_bango, []).append(j)
    futan_of: dict[int, int] = {}
    lines: list[IryoGenbutsuMeisai] = []
    for r in rows:
        nendo = fiscal_year_of(r.shinryo_tsuki)
        ichibu = futan_of.setdefault(nendo, ichibu_futan_of(gyomu, nendo))
        found = certs.get(r.jukyusha_bango, [])
        valid = [j for j in found if yuko_in_month(j.yuko_kaishi, j.yuko_shuryo, r.shinryo_tsuki)]
        riyu = ""
        if not found:
            riyu = "受給者番号がこの助成の受給者証にありません。"
        elif not valid:
            riyu = "診療月に有効な受給者証ではありません。"
        lines.append(
            IryoGenbutsuMeisai(
                gyo=r.gyo,
                jukyusha=valid[0] if valid else None,
                jukyusha_bango=r.jukyusha_bango,
                shinryo_tsuki=r.shinryo_tsuki,
                kikan_code=r.kikan_code,
                kikan_mei=r.kikan_mei,
                iryohi=r.iryohi,
                futan=r.futan,
                ichibu_futan=ichibu if not riyu else 0,
                josei_gaku=shokan_gaku(r.futan, ichibu) if not riyu else 0,
                henrei_riyu=riyu,
            )
        )
    with transaction.atomic(durable=True):
        if IryoGenbutsu.objects.filter(
            gyomu=gyomu, shinsa_kikan=shinsa_kikan, seikyu_tsuki=first
        ).exists():
            raise IryoRefused(
                [("seikyu_tsuki", "この請求月・審査支払機関の請求は取り込み済みです。")]
            )
        g = IryoGenbutsu.objects.create(
            gyomu=gyomu,
            shinsa_kikan=shinsa_kikan,
            seikyu_tsuki=first,
            file_sha256=hashlib.sha256(data).hexdigest(),
            kensu=len(lines),
            henrei_kensu=sum(1 for x in lines if x.henrei_riyu),
            josei_gokei=sum(x.josei_gaku for x in lines),
            created_by=actor.username,
        )
        for x in lines:
            x.genbutsu = g
        IryoGenbutsuMeisai.objects.bulk_create(lines)
        access_record(
            action=AccessAction.CREATE,
            actor=actor,
            gyomu=gyomu,
            screen="fukushi.iryo_genbutsu",
            record_type="fukushi.IryoGenbutsu",
            record_id=g.pk,
            record_count=len(lines),
        )
    return g


@dataclass(frozen=True)
class KikanGokei:
    kikan_code: str
    kikan_mei: str
    kensu: int
    josei: int


def genbutsu_kikan(g: IryoGenbutsu) -> list[KikanGokei]:
    """The 支払 list: per 医療機関 the 件数 accepted and the 助成額 (the 機関 passes it on)."""
    rows = (
        g.meisai.filter(henrei_riyu="")
        .values("kikan_code")
        .annotate(n=Count("pk"), s=Sum("josei_gaku"))
        .order_by("kikan_code")
    )
    names = dict(g.meisai.values_list("kikan_code", "kikan_mei"))
    return [KikanGokei(r["kikan_code"], names[r["kikan_code"]], r["n"], r["s"] or 0) for r in rows]


def genbutsu_file(g: IryoGenbutsu) -> bytes:
    """The 全銀 総合振込 file of a paid 請求: one line to the 審査支払機関's account for the
    month's 助成額 (顧客コード1 = the 請求月 YYYYMM)."""
    if g.shiharai_date is None or g.irainin is None or g.koza is None:
        raise IryoRefused([("genbutsu", "この請求はまだ支払っていません。")])
    return zengin.sogo_furikomi_file(
        irainin=zengin.Irainin(**g.irainin),
        torikumi=g.shiharai_date,
        lines=[
            zengin.FurikomiLine(
                account=zengin.Account(**g.koza),
                amount=g.josei_gokei,
                customer1=f"{g.seikyu_tsuki:%Y%m}",
            )
        ],
    )


def genbutsu_shiharai(
    *,
    genbutsu: IryoGenbutsu,
    shiharai_date: date,
    irainin: zengin.Irainin,
    koza: zengin.Account,
    actor: Actor,
) -> IryoGenbutsu:
    """Pay a 請求: the 支払日, the 振込依頼人 and the 機関's account recorded with the file's
    hash; refused when paid already, nothing to pay, or the accounts are malformed."""
    errors = zengin.irainin_errors(irainin) + zengin.account_errors(koza)
    if errors:
        raise IryoRefused(errors)
    with transaction.atomic(durable=True):
        g = IryoGenbutsu.objects.select_for_update().get(pk=genbutsu.pk)
        if g.shiharai_date is not None:
            raise IryoRefused([("genbutsu", "この請求は支払済みです。")])
        if g.josei_gokei <= 0:
            raise IryoRefused([("genbutsu", "この請求に支払う助成額はありません。")])
        g.shiharai_date = shiharai_date
        g.irainin = dataclasses.asdict(irainin)
        g.koza = dataclasses.asdict(koza)
        g.furikomi_sha256 = hashlib.sha256(genbutsu_file(g)).hexdigest()
        g.save(update_fields=["shiharai_date", "irainin", "koza", "furikomi_sha256"])
        access_record(
            action=AccessAction.UPDATE,
            actor=actor,
            gyomu=g.gyomu,
            screen="fukushi.iryo_genbutsu",
            record_type="fukushi.IryoGenbutsu",
            record_id=g.pk,
        )
    return g
