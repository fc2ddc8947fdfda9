"""国民年金, the town's part: 第1号被保険者の届 (資格取得・喪失・種別変更), 免除・納付猶予・
学生納付特例 申請 with the town's 所得審査, and the 報告 file to the 日本年金機構.

Each write is one durable transaction with its access-log row. A 申請 reads the 前年所得
of 本人, 配偶者 and 世帯主 from ``zeimu.public`` (the 課税 of the 年度: 令和7年度 → 令和6年
中の所得, which is the 前年所得 of the 免除 period 令和7年7月〜令和8年6月) and keeps every
figure it used with the 判定 (``kokuho.rules.nenkin``).

The 報告 file (:func:`nenkin_hokoku_make`): every 届 and 申請 not yet sent, under the
town's next 連番, each in exactly one file (rows locked, so two clerks at once make one
file). The layout is ours (``docs/standard/nenkin.md``): the 日本年金機構's 電子媒体 仕様
for 市町村 報告 was not found.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from datetime import date

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max

from juminkiroku.public import address_blocks, households_of, person_identities, person_identity
from kokuho.gyomu import KOKUMIN_NENKIN
from kokuho.models import (
    Hantei,
    NenkinHokoku,
    NenkinShinsei,
    NenkinTodoke,
    ShinseiKind,
    Shubetsu,
    TodokeKind,
)
from kokuho.rules.nenkin import (
    ROLES,
    MenjoParameters,
    NoParameters,
    Person,
    gakusei_hantei,
    menjo_hantei,
    yuyo_hantei,
)
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.age import age_on
from tenants.csvout import CsvWriter, check_encoding
from tenants.params.services import param_value
from tenants.selectors.current import current_municipality
from tenants.wareki import fiscal_year_of
from zeimu.public import person_kazei_many

SCREEN_TODOKE = "kokuho.nenkin_todoke"
SCREEN_SHINSEI = "kokuho.nenkin_shinsei"
SCREEN_HOKOKU = "kokuho.nenkin_hokoku"
FILE_DIR = "nenkin/hokoku"
_DAI1 = Shubetsu.DAI1.value


class NenkinRefused(ValueError):
    """Refused by the rules; the message is Japanese and names no person."""


# --- 届 ---------------------------------------------------------------------------------


def _dai1_age_problem(birth: date, day: date) -> str:
    fy = fiscal_year_of(day)
    low = int(param_value("nenkin.dai1.nenrei_from", fy))
    high = int(param_value("nenkin.dai1.nenrei_miman", fy))
    age = age_on(birth, day)
    if not low <= age < high:
        return f"該当日に{age}歳です。第1号被保険者は{low}歳以上{high}歳未満の方です。"
    return ""


def nenkin_todoke_register(
    *,
    atena_id: int,
    kind: str,
    jiyu: str,
    gaito_date: date,
    todoke_date: date,
    shubetsu_mae: str,
    shubetsu_go: str,
    kiso_nenkin_bango: str = "",
    actor: Actor,
) -> NenkinTodoke:
    """第1号被保険者の資格取得・喪失・種別変更 届 (国民年金法第12条第1項: 市町村長に届け出る)."""
    kind = TodokeKind(kind)
    if gaito_date > todoke_date:
        raise NenkinRefused("該当年月日が届出日より後です。")
    if kind == TodokeKind.SHUTOKU and (shubetsu_mae != Shubetsu.NASHI or shubetsu_go != _DAI1):
        raise NenkinRefused("資格取得は「被保険者でない」から「第1号被保険者」への届です。")
    if kind == TodokeKind.SOSHITSU and (shubetsu_mae != _DAI1 or shubetsu_go != Shubetsu.NASHI):
        raise NenkinRefused("資格喪失は「第1号被保険者」から「被保険者でない」への届です。")
    if kind == TodokeKind.SHUBETSU and {shubetsu_mae, shubetsu_go} not in (
        {_DAI1, Shubetsu.DAI2},
        {_DAI1, Shubetsu.DAI3},
    ):
        raise NenkinRefused("種別変更は第1号と第2号・第3号の間の届です。")
    if kiso_nenkin_bango and not (kiso_nenkin_bango.isdigit() and len(kiso_nenkin_bango) == 10):
        raise NenkinRefused("基礎年金番号は10桁の数字で入力してください。")
    with transaction.atomic(durable=True):
        person = person_identity(atena_id)
        if person is None:
            raise NenkinRefused("その方は見つかりません。")
        if shubetsu_go == _DAI1:
            problem = _dai1_age_problem(person.birth_date, gaito_date)
            if problem:
                raise NenkinRefused(problem)
        row = NenkinTodoke.objects.create(
            atena_id=atena_id,
            kind=kind,
            jiyu=jiyu,
            gaito_date=gaito_date,
            todoke_date=todoke_date,
            shubetsu_mae=shubetsu_mae,
            shubetsu_go=shubetsu_go,
            kiso_nenkin_bango=kiso_nenkin_bango,
            created_by=actor.username,
        )
        access_record(
            actor=actor,
            action=AccessAction.CREATE,
            gyomu=KOKUMIN_NENKIN,
            screen=SCREEN_TODOKE,
            record_type="kokuho.NenkinTodoke",
            record_id=row.pk,
            detail={"atena_ids": [atena_id], "kind": kind},
        )
        return row


def dai1_shubetsu_of(atena_id: int) -> str:
    """The 種別 as the last 届 left it ("" when no 届 is on file)."""
    last = NenkinTodoke.objects.filter(atena_id=atena_id).order_by("-gaito_date", "-id").first()
    return last.get_shubetsu_go_display() if last else ""


# --- 申請 -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fuyo:
    """What one judged person declares: 扶養親族等 by kind, 社会保険料控除等."""

    ippan: int = 0
    rojin: int = 0
    tokutei: int = 0
    shakai_hoken: int = 0


def nenkin_shinsei_register(
    *,
    atena_id: int,
    kind: str,
    nendo: int,
    shinsei_date: date,
    haigusha_atena_id: int | None,
    fuyo: dict[str, Fuyo],
    actor: Actor,
) -> NenkinShinsei:
    """免除・納付猶予・学生納付特例 申請: the 前年所得 of 本人, 配偶者 and 世帯主 read from
    税務, judged by the 所得基準 of the 年度; everything kept with the 申請."""
    kind = ShinseiKind(kind)
    try:
        params = MenjoParameters.for_nendo(nendo)
    except NoParameters as exc:
        raise NenkinRefused("この年度の所得基準が登録されていません（令和3年度分から）。") from exc
    if haigusha_atena_id == atena_id:
        raise NenkinRefused("配偶者に本人は指定できません。")
    with transaction.atomic(durable=True):
        person = person_identity(atena_id)
        if person is None:
            raise NenkinRefused("その方は見つかりません。")
        if haigusha_atena_id is not None and person_identity(haigusha_atena_id) is None:
            raise NenkinRefused("配偶者の宛名番号の方が見つかりません。")
        members = households_of([atena_id], shinsei_date).get(atena_id, [])
        head = next((m.atena_id for m in members if m.is_setainushi), None)
        roles: dict[str, int] = {"honnin": atena_id}
        if haigusha_atena_id is not None:
            roles["haigusha"] = haigusha_atena_id
        if head is not None and head not in roles.values():
            roles["setainushi"] = head  # the 世帯主 is judged unless 本人 or 配偶者
        # only the persons the kind judges are read: 納付猶予 本人・配偶者, 学生 本人
        if kind == ShinseiKind.NOFU_YUYO:
            roles.pop("setainushi", None)
        elif kind == ShinseiKind.GAKUSEI:
            roles = {"honnin": atena_id}
        kazei = person_kazei_many(roles.values(), nendo)
        persons = [
            Person(
                role=role,
                shotoku=kazei[aid].gokei_shotoku if aid in kazei else None,
                fuyo_ippan=fuyo.get(role, Fuyo()).ippan,
                fuyo_rojin=fuyo.get(role, Fuyo()).rojin,
                fuyo_tokutei=fuyo.get(role, Fuyo()).tokutei,
                shakai_hoken_kojo=fuyo.get(role, Fuyo()).shakai_hoken,
            )
            for role, aid in roles.items()
        ]
        if kind == ShinseiKind.MENJO:
            result = menjo_hantei(persons, params)
        elif kind == ShinseiKind.NOFU_YUYO:
            # the age on the first day of the period (7月1日 of the 年度)
            result = yuyo_hantei(persons, age_on(person.birth_date, date(nendo, 7, 1)), params)
        else:
            result = gakusei_hantei(persons[0], params)
        shotoku = {
            role: {
                "atena_id": roles[role],
                "jokyo": kazei[roles[role]].jokyo.label
                if roles[role] in kazei
                else "所得なし（賦課なし）",
                **result.detail.get(role, {}),
            }
            for role in ROLES
            if role in roles
        }
        row = NenkinShinsei.objects.create(
            atena_id=atena_id,
            kind=kind,
            nendo=nendo,
            shinsei_date=shinsei_date,
            haigusha_atena_id=haigusha_atena_id,
            setainushi_atena_id=head,
            shotoku=shotoku,
            hantei=Hantei(result.hantei),
            created_by=actor.username,
        )
        access_record(
            actor=actor,
            action=AccessAction.CREATE,
            gyomu=KOKUMIN_NENKIN,
            screen=SCREEN_SHINSEI,
            record_type="kokuho.NenkinShinsei",
            record_id=row.pk,
            # the 所得 of each of them was read
            detail={"atena_ids": sorted(set(roles.values())), "kind": kind, "nendo": nendo},
        )
        return row


# --- the 報告 file ------------------------------------------------------------------------

HOKOKU_HEADER = [
    "レコード番号",
    "市町村コード",
    "ファイル連番",
    "レコード種別",
    "区分",
    "区分名",
    "宛名番号",
    "基礎年金番号",
    "氏名",
    "氏名カナ",
    "生年月日",
    "性別",
    "郵便番号",
    "住所",
    "方書",
    "該当年月日・申請日",
    "届出日",
    "事由",
    "変更前の種別",
    "変更後の種別",
    "年度",
    "本人の所得",
    "配偶者の所得",
    "世帯主の所得",
    "市町村の所得審査",
]
RECORD_TODOKE = "1"  # 届
RECORD_SHINSEI = "2"  # 申請
TODOKE_CODES = {TodokeKind.SHUTOKU: "11", TodokeKind.SOSHITSU: "12", TodokeKind.SHUBETSU: "13"}
SHINSEI_CODES = {ShinseiKind.MENJO: "21", ShinseiKind.NOFU_YUYO: "22", ShinseiKind.GAKUSEI: "23"}


def unsent_counts() -> tuple[int, int]:
    return (
        NenkinTodoke.objects.filter(hokoku__isnull=True).count(),
        NenkinShinsei.objects.filter(hokoku__isnull=True).count(),
    )


def _shotoku_cell(s: NenkinShinsei, role: str) -> int | None:
    v = s.shotoku.get(role, {}).get("shotoku")
    return int(v) if v is not None else None


def nenkin_hokoku_make(*, actor: Actor, encoding: str) -> NenkinHokoku:
    """Every 届 and 申請 not yet sent, in one file under the next 連番."""
    encoding = check_encoding(encoding)
    with transaction.atomic(durable=True):
        todoke = list(
            NenkinTodoke.objects.select_for_update().filter(hokoku__isnull=True).order_by("id")
        )
        shinsei = list(
            NenkinShinsei.objects.select_for_update().filter(hokoku__isnull=True).order_by("id")
        )
        if not todoke and not shinsei:
            raise NenkinRefused("日本年金機構へ報告する届・申請はありません。")
        seq = int(NenkinHokoku.objects.aggregate(m=Max("seq"))["m"] or 0) + 1
        ids = sorted({r.atena_id for r in todoke} | {r.atena_id for r in shinsei})
        persons = person_identities(ids)
        blocks = address_blocks(ids)
        bango = {
            t.atena_id: t.kiso_nenkin_bango
            for t in NenkinTodoke.objects.filter(atena_id__in=ids).exclude(kiso_nenkin_bango="")
        }
        dantai = current_municipality().dantai_code
        out = io.BytesIO()
        writer = CsvWriter(out, encoding=encoding, headings=HOKOKU_HEADER)
        writer.writerow(HOKOKU_HEADER)
        n = 0

        def who(atena_id: int) -> list[object]:
            p, b = persons.get(atena_id), blocks.get(atena_id)
            return [
                p.atena_no if p else "",
                bango.get(atena_id, ""),
                p.shimei if p else "",
                p.shimei_kana if p else "",
                p.birth_date if p else None,
                p.sex if p else "",
                b.postal_code if b else "",
                b.jusho if b else "",
                b.katagaki if b else "",
            ]

        for t in todoke:
            n += 1
            writer.writerow(
                [n, dantai, seq, RECORD_TODOKE, TODOKE_CODES[TodokeKind(t.kind)],
                 t.get_kind_display(), *who(t.atena_id), t.gaito_date, t.todoke_date,
                 t.get_jiyu_display(), t.get_shubetsu_mae_display(),
                 t.get_shubetsu_go_display(), None, None, None, None, ""]
            )  # fmt: skip
        for s in shinsei:
            n += 1
            writer.writerow(
                [n, dantai, seq, RECORD_SHINSEI, SHINSEI_CODES[ShinseiKind(s.kind)],
                 s.get_kind_display(), *who(s.atena_id), s.shinsei_date, s.shinsei_date, "",
                 "", "", s.nendo, _shotoku_cell(s, "honnin"), _shotoku_cell(s, "haigusha"),
                 _shotoku_cell(s, "setainushi"), s.get_hantei_display()]
            )  # fmt: skip
        content = out.getvalue()
        path = f"{FILE_DIR}/nenkin_hokoku_{seq:06d}.csv"
        if default_storage.exists(path):  # left by a transaction that rolled back
            default_storage.delete(path)
        saved = default_storage.save(path, ContentFile(content))
        try:
            made = NenkinHokoku.objects.create(
                seq=seq,
                rows=n,
                path=saved,
                encoding=encoding,
                sha256=hashlib.sha256(content).hexdigest(),
                created_by=actor.username,
            )
            NenkinTodoke.objects.filter(pk__in=[t.pk for t in todoke]).update(hokoku=made)
            NenkinShinsei.objects.filter(pk__in=[s.pk for s in shinsei]).update(hokoku=made)
            access_record(
                actor=actor,
                action=AccessAction.EXPORT,
                gyomu=KOKUMIN_NENKIN,
                screen=SCREEN_HOKOKU,
                record_type="kokuho.NenkinHokoku",
                record_id=made.pk,
                record_count=len(ids),
                detail={"atena_ids": ids, "seq": seq, "rows": n},
            )
        except BaseException:
            default_storage.delete(saved)
            raise
    return made
