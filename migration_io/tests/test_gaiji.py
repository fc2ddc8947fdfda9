"""外字 → 文字情報基盤 (MJ): the MJ table as data, 縮退 to JIS X 0213, the import check, the
town's table and its screens, and the wall between two towns.

Worked examples are rows of the published MJ文字情報一覧表 (IPA / 文字情報技術促進協議会,
https://moji.or.jp/mojikiban/): MJ022335 葛 (U+845B, IVS U+E0102, 11 strokes, JIS X 0213
1-19-75: the 葛 of 葛城市), MJ025760 辻 (U+8FBB U+E0102, 1-36-52), MJ032129 𠮷 (U+20BB7,
reduced to 吉 by the MJ縮退マップ).
"""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import pytest
from PIL import Image, PngImagePlugin

from migration_io.gaiji import (
    GaijiUnmapped,
    gaiji_check,
    gaiji_convert,
    in_jisx0213,
    mj_table,
    shukutai,
    shukutai_text,
)
from migration_io.gaiji.build import from_mojikiban, from_official, write
from migration_io.gaiji.glyph import MAX_BYTES, GlyphRefused, glyph_clean
from migration_io.gaiji.mjtable import load
from migration_io.gaiji.models import Gaiji, GaijiKettei
from migration_io.gaiji.services import GaijiError, gaiji_decide, gaiji_register, parse_pua
from tenants.accesslog.models import AccessLog
from tenants.accesslog.services import Actor
from tenants.csvout import CP932, CsvEncodingError, csv_bytes
from tenants.db import connection
from tests.personas import ALPHA_HOST, BETA_HOST

ADMIN = Actor(user_id=None, username="hayama-admin")
KATSURA = "葛\U000e0102"  # MJ022335
VENDOR = "旧住基（A社）"


def _png(size: tuple[int, int] = (48, 48), *, text: str = "") -> bytes:
    image = Image.new("L", size, 255)
    for x in range(size[0] // 4, size[0] * 3 // 4):
        image.putpixel((x, size[1] // 2), 0)
    info = PngImagePlugin.PngInfo()
    if text:
        info.add_text("Comment", text)
    out = io.BytesIO()
    image.save(out, format="PNG", pnginfo=info)
    return out.getvalue()


# --- the MJ table --------------------------------------------------------------------


def test_the_shipped_mj_table_holds_the_published_rows():
    table = mj_table()
    # every MJ文字図形名 with a UCS of MJ文字情報一覧表 (58,862 names less those without one)
    assert len(table) == 58843
    katsura = table.get("MJ022335")
    assert katsura is not None
    assert (katsura.moji, katsura.ucs, katsura.ivs) == (KATSURA, "U+845B", "U+E0102")
    assert (katsura.kakusu, katsura.jisx0213, katsura.shukutai) == (11, "1-19-75", "葛")
    assert "くず" in katsura.yomi_list
    assert table.of_moji(KATSURA) is katsura
    # search: by reading (ひらがな or カタカナ), stroke count, character or its code
    tsuji = {r.mj for r in table.search(yomi="つじ")}
    assert "MJ025760" in tsuji
    assert {r.mj for r in table.search(yomi="ツジ")} == tsuji
    assert all(r.moji[0] == "辻" for r in table.search(ucs="U+8FBB"))
    assert {r.mj for r in table.search(ucs="辻")} == {r.mj for r in table.search(ucs="8fbb")}
    assert "MJ025760" in {r.mj for r in table.search(ucs="辻", kakusu=5)}
    # 二点しんにょうの辻 is one stroke more
    assert [r.mj for r in table.search(ucs="辻", kakusu=6)] == ["MJ025761"]
    assert table.search(ucs="辻", kakusu=7) == []
    assert table.search() == [] and table.search(ucs="U+ZZZZ") == []
    assert table.has_bushu is False  # the shipped data hold no radicals (README)


def test_the_builder_reads_the_official_files_and_the_derived_one(tmp_path: Path):
    # given: the official MJ文字情報一覧表 (as CSV, its own headings) and MJ縮退マップ
    mji = tmp_path / "mji.csv"
    mji.write_text(
        "図形,MJ文字図形名,対応するUCS,実装したUCS,実装したMoji_JohoコレクションIVS,"
        "X0213,部首1(参考),内画数1(参考),総画数(参考),読み(参考)\n"
        ",MJ022335,U+845B,U+845B,845B_E0102,1-19-75,140,9,11,カツ・くず\n"
        ",MJ032129,U+20BB7,U+20BB7,,,30,3,6,キチ・キツ\n"
        ",MJ099999,,,,,1,0,1,\n",
        encoding="utf-8",
    )
    shrink = tmp_path / "shrink.json"
    shrink.write_text(
        json.dumps(
            {
                "content": [
                    {
                        "MJ文字図形名": "MJ032129",
                        "読み・字形による類推": [{"JIS X 0213": "1-21-40", "UCS": "U+5409"}],
                        "法務省戸籍法関連通達・通知": [
                            {"JIS X 0213": "1-21-40", "UCS": "U+5409", "種別": "別字"}
                        ],
                    }
                ]
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    out = tmp_path / "mj.tsv.gz"
    # when
    assert write(from_official(mji, shrink), out) == 2  # the row without a UCS is left out
    table = load(out)
    # then
    katsura = table.get("MJ022335")
    assert katsura is not None and katsura.moji == KATSURA and katsura.bushu == "140"
    yoshi = table.get("MJ032129")
    assert yoshi is not None and yoshi.shukutai == "吉" and yoshi.kakusu == 6
    assert table.has_bushu and [r.mj for r in table.search(bushu="140")] == ["MJ022335"]
    # the derived file (code4fukui/mojikiban data/moji.csv) gives the same columns
    derived = tmp_path / "moji.csv"
    derived.write_text(
        "\ufeffmj,kanji,lines,yomi,shrink,jis\n22335,葛\U000e0102,11,カツ・くず,葛,1-19-75\n",
        encoding="utf-8",
    )
    write(from_mojikiban(derived), out)
    assert load(out).get("MJ022335") == katsura.__class__(
        "MJ022335", KATSURA, 11, "カツ・くず", "", "1-19-75", "葛"
    )
    # and a file that is not the table is refused
    bad = tmp_path / "bad.tsv.gz"
    bad.write_bytes(gzip.compress(b"a\tb\n1\t2\n"))
    with pytest.raises(ValueError, match="header"):
        load(bad)


# --- 縮退 ----------------------------------------------------------------------------


def test_shukutai_reduces_to_jis_x_0213_by_the_shrink_map():
    # an IVS is dropped where the map says the JIS character is the same character
    r = shukutai(f"{KATSURA}城市")
    assert r.text == "葛城市" and r.nokori == []
    assert [(h.moto, h.saki, h.mj) for h in r.henkan] == [(KATSURA, "葛", "MJ022335")]
    # characters outside JIS X 0213 go to the map's first candidate
    assert not in_jisx0213("𠮷") and not in_jisx0213("髙")
    assert shukutai_text("𠮷田　髙橋") == "吉田　高橋"
    assert [h.mj for h in shukutai("𠮷").henkan] == ["MJ032129"]
    # a standardized variation selector (CJK compatibility form) is dropped
    assert shukutai_text("欄\ufe00") == "欄"
    # text already in JIS X 0213 is untouched; what nothing can reduce is kept and listed
    assert shukutai_text("葛城市 ABC ｱｲｳ") == "葛城市 ABC ｱｲｳ"
    odd = shukutai("山\U0001f600")
    assert odd.text == "山\U0001f600" and odd.nokori == ["\U0001f600"] and not odd.changed


def test_csv_writer_folds_only_when_asked():
    header = ["氏名", "方書"]
    rows = [[f"{KATSURA}城　𠮷男", "=1+1"]]
    # default: unchanged (UTF-8 keeps the IVS; cp932 refuses 𠮷 as before)
    plain = csv_bytes(header, rows)
    assert KATSURA.encode() in plain and "𠮷".encode() in plain
    with pytest.raises(CsvEncodingError, match="U\\+E0102"):
        csv_bytes(header, rows, encoding=CP932)
    # opt-in: reduced to JIS X 0213 first, formula cells still neutralised after it
    folded = csv_bytes(header, rows, fold=shukutai_text).decode("utf-8-sig")
    assert "葛城　吉男" in folded and "\U000e0102" not in folded and "'=1+1" in folded
    assert (
        csv_bytes(header, rows, encoding=CP932, fold=shukutai_text)
        .decode(CP932)
        .startswith("氏名,方書\r\n葛城　吉男,'=1+1")
    )


# --- the town's table and the import check --------------------------------------------


def test_register_and_decide_keep_the_history_and_refusals_write_nothing(in_alpha):
    # given
    png = _png(text="secret metadata")
    g = gaiji_register(vendor=VENDOR, pua=0xE001, kyu_code="F040", glyph=png, actor=ADMIN)
    raw = Gaiji.objects.get(pk=g.pk).glyph_png
    assert raw is not None
    stored = bytes(raw)
    # the glyph was decoded and written again: a PNG, the pixels, no text chunk
    assert stored.startswith(b"\x89PNG") and b"secret metadata" not in stored
    assert Image.open(io.BytesIO(stored)).size == (48, 48)
    # when: decided, then changed, then undone
    gaiji_decide(gaiji_id=g.pk, mj="mj022335", riyu="字形が一致", actor=ADMIN)
    g.refresh_from_db()
    assert (g.mj, g.moji, g.decided_by) == ("MJ022335", KATSURA, "hayama-admin")
    gaiji_decide(gaiji_id=g.pk, mj="MJ025760", actor=Actor(user_id=None, username="reviewer"))
    gaiji_decide(gaiji_id=g.pk, mj="", riyu="確認し直す", actor=ADMIN)
    g.refresh_from_db()
    assert (g.mj, g.moji, g.decided_at) == ("", "", None)
    # then: every step is in the history, newest first, with who
    history = list(GaijiKettei.objects.filter(gaiji=g).values_list("mj", "actor", "riyu"))
    assert history == [
        ("", "hayama-admin", "確認し直す"),
        ("MJ025760", "reviewer", ""),
        ("MJ022335", "hayama-admin", "字形が一致"),
    ]
    # refusals: nothing written
    before = (Gaiji.objects.count(), GaijiKettei.objects.count())
    for kwargs, message in [
        ({"pua": 0xE001, "setsumei": "重複"}, "もう登録されています"),
        ({"pua": 0x4E00, "setsumei": "私用領域外"}, "U\\+E000 から U\\+F8FF"),
        ({"pua": 0xE002}, "字形画像か字形の説明"),
        ({"pua": 0xE002, "setsumei": "制御\x00文字"}, "字形の説明"),
    ]:
        with pytest.raises(GaijiError, match=message):
            gaiji_register(vendor=VENDOR, actor=ADMIN, **kwargs)  # type: ignore[arg-type]
    with pytest.raises(GlyphRefused, match="PNG形式"):
        gaiji_register(vendor=VENDOR, pua=0xE002, glyph=b"GIF89a...", actor=ADMIN)
    with pytest.raises(GaijiError, match="文字情報基盤の表にありません"):
        gaiji_decide(gaiji_id=g.pk, mj="MJ999999", actor=ADMIN)
    with pytest.raises(GaijiError, match="まだ決まっていません"):
        gaiji_decide(gaiji_id=g.pk, mj="", actor=ADMIN)
    assert (Gaiji.objects.count(), GaijiKettei.objects.count()) == before
    assert parse_pua("U+E00A") == parse_pua("e00a") == parse_pua("\ue00a") == 0xE00A
    with pytest.raises(GaijiError):
        parse_pua("U+4E00")


def test_glyph_images_are_limited():
    with pytest.raises(GlyphRefused, match="大きすぎ"):
        glyph_clean(b"\x89PNG\r\n\x1a\n" + b"0" * MAX_BYTES)
    with pytest.raises(GlyphRefused, match="512ピクセル"):
        glyph_clean(_png((600, 20)))
    with pytest.raises(GlyphRefused, match="読み取れません"):
        glyph_clean(b"\x89PNG\r\n\x1a\n" + b"broken")


def test_the_import_check_converts_decided_gaiji_and_stops_with_the_list(alpha, beta):
    # given: 葉山町 decided U+E001; U+E002 is registered, undecided; U+E003 unknown
    connection.set_tenant(alpha.municipality)
    e1 = gaiji_register(vendor=VENDOR, pua=0xE001, setsumei="葛の異体", actor=ADMIN)
    gaiji_decide(gaiji_id=e1.pk, mj="MJ022335", actor=ADMIN)
    gaiji_register(vendor=VENDOR, pua=0xE002, setsumei="辻の二点", actor=ADMIN)
    # when
    check = gaiji_check(vendor=VENDOR)
    assert check.convert("\ue001城　一郎", where="JUMIN.csv 2行目 氏名") == f"{KATSURA}城　一郎"
    assert check.convert("山田太郎", where="JUMIN.csv 3行目 氏名") == "山田太郎"
    kept = check.convert("\ue002村\ue003", where="JUMIN.csv 4行目 氏名")
    check.convert("\ue002", where="JUMIN.csv 9行目 方書")
    # then: unmapped characters stay until finish() stops the import with the list
    assert kept == "\ue002村\ue003" and check.converted == 1 and not check.ok
    with pytest.raises(GaijiUnmapped) as stopped:
        check.finish()
    listed = [(m.code, m.registered, m.count, m.places) for m in stopped.value.miketsu]
    assert listed == [
        ("U+E002", True, 2, ["JUMIN.csv 4行目 氏名", "JUMIN.csv 9行目 方書"]),
        ("U+E003", False, 1, ["JUMIN.csv 4行目 氏名"]),
    ]
    message = str(stopped.value)
    assert "2字" in message and "U+E002（対応未決定、2件" in message and "U+E003（未登録" in message
    # another vendor's files do not use this table
    with pytest.raises(GaijiUnmapped):
        gaiji_convert("\ue001", vendor="別の業者")
    assert gaiji_convert("\ue001", vendor=VENDOR) == KATSURA
    # 寒川町 holds none of 葉山町's decisions: the same code point is unmapped there
    connection.set_tenant(beta.municipality)
    assert not Gaiji.objects.exists()
    with pytest.raises(GaijiUnmapped, match="U\\+E001（未登録"):
        gaiji_convert("\ue001", vendor=VENDOR)
    connection.set_schema_to_public()


# --- screens ---------------------------------------------------------------------------


def test_screens_register_review_decide_download_and_the_wall(alpha, beta, login):
    admin = login("hayama-admin", ALPHA_HOST)
    clerk = login("hayama-clerk", ALPHA_HOST)
    viewer = login("hayama-viewer", ALPHA_HOST)
    # the list opens to the 業務; registering is the 管理 role's
    assert "外字の対応（文字情報基盤）" in viewer.get("/migration/gaiji/").content.decode()
    png = _png()
    r = clerk.post(
        "/migration/gaiji/",
        {"vendor": VENDOR, "pua": "U+E001", "glyph": io.BytesIO(png)},
    )
    assert r.status_code == 403
    upload = io.BytesIO(png)
    upload.name = "gaiji.png"
    r = admin.post(
        "/migration/gaiji/",
        {"vendor": VENDOR, "pua": "U+E001", "kyu_code": "F040", "setsumei": "", "glyph": upload},
    )
    assert r.status_code == 302
    r = admin.post("/migration/gaiji/", {"vendor": VENDOR, "pua": "U+4E00", "setsumei": "x"})
    assert r.status_code == 400 and "U+E000 から U+F8FF" in r.content.decode()
    big = io.BytesIO(b"\x89PNG\r\n\x1a\n" + b"0" * (200 * 1024))
    big.name = "big.png"
    r = admin.post("/migration/gaiji/", {"vendor": VENDOR, "pua": "U+E002", "glyph": big})
    assert r.status_code == 400 and "大きすぎます" in r.content.decode()
    connection.set_tenant(alpha.municipality)
    g = Gaiji.objects.get()
    connection.set_schema_to_public()
    listing = viewer.get("/migration/gaiji/").content.decode()
    assert ">U+E001</a>" in listing and "未決定" in listing and "外字の登録" not in listing
    # the review screen: the old glyph beside the candidates found by reading
    page = admin.get(f"/migration/gaiji/{g.pk}/", {"yomi": "くず", "kakusu": "11"})
    text = page.content.decode()
    assert page.status_code == 200
    assert f"/migration/gaiji/{g.pk}/glyph.png" in text and "MJ022335" in text
    assert KATSURA in text and "この文字に決める" in text
    glyph = viewer.get(f"/migration/gaiji/{g.pk}/glyph.png")
    assert glyph["Content-Type"] == "image/png" and glyph["X-Content-Type-Options"] == "nosniff"
    assert glyph.content.startswith(b"\x89PNG")
    assert (
        "この文字に決める"
        not in viewer.get(f"/migration/gaiji/{g.pk}/", {"yomi": "くず"}).content.decode()
    )
    # deciding: the 管理 role only
    assert clerk.post(f"/migration/gaiji/{g.pk}/", {"mj": "MJ022335"}).status_code == 403
    r = admin.post(f"/migration/gaiji/{g.pk}/", {"mj": "MJ022335", "riyu": "字形が一致"})
    assert r.status_code == 302
    detail = viewer.get(f"/migration/gaiji/{g.pk}/").content.decode()
    assert "MJ022335" in detail and "字形が一致" in detail and "U+E0102" in detail
    # the 外字対照表: as stored, or reduced to JIS X 0213 for Excel
    plain = viewer.get("/migration/gaiji/csv/", {"encoding": "utf-8-sig"})
    body = plain.content.decode("utf-8-sig")
    assert plain["Content-Type"].startswith("text/csv") and KATSURA in body
    folded = viewer.get("/migration/gaiji/csv/", {"encoding": "cp932", "shukutai": "on"})
    assert f"{VENDOR},U+E001,F040,,MJ022335,葛,U+845B,U+E0102" in folded.content.decode(CP932)
    # no resident's data: nothing for the access log
    connection.set_tenant(alpha.municipality)
    assert not AccessLog.objects.filter(screen__startswith="mio_gaiji").exists()
    connection.set_schema_to_public()
    # the wall: 寒川町 sees an empty table, and cannot reach 葉山町's 外字 or its glyph
    other = login("samukawa-admin", BETA_HOST)
    other_list = other.get("/migration/gaiji/").content.decode()
    assert "U+E001</a>" not in other_list and "まだ登録されていません" in other_list
    assert other.get(f"/migration/gaiji/{g.pk}/").status_code == 404
    assert other.get(f"/migration/gaiji/{g.pk}/glyph.png").status_code == 404
    assert "U+E001" not in other.get(
        "/migration/gaiji/csv/", {"encoding": "utf-8-sig"}
    ).content.decode("utf-8-sig")
    r = other.post(f"/migration/gaiji/{g.pk}/", {"mj": "MJ025760"})
    assert r.status_code == 404
    connection.set_tenant(alpha.municipality)
    assert Gaiji.objects.get().mj == "MJ022335" and GaijiKettei.objects.count() == 1
    connection.set_schema_to_public()


def test_a_vendor_list_loads_all_or_nothing_into_one_town(alpha, beta, tmp_path: Path, capsys):
    from django.core.management import CommandError, call_command

    # given: a list with a glyph image and descriptions
    images = tmp_path / "img"
    images.mkdir()
    (images / "e001.png").write_bytes(_png())
    good = tmp_path / "good.csv"
    good.write_text(
        "私用領域の符号位置,移行元の文字コード,字形の説明,字形画像\n"
        "U+E001,F040,,e001.png\n"
        "U+E002,F041,辻の二点,\n",
        encoding="utf-8",
    )
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "私用領域の符号位置,移行元の文字コード,字形の説明,字形画像\n"
        "U+E003,F042,ある字,\n"
        "U+4E00,F043,私用領域外,\n"
        "U+E003,F044,重複,\n"
        "U+E005,,,\n",
        encoding="utf-8",
    )
    args = ["--schema", alpha.schema, "--vendor", VENDOR]
    # when: a list with errors is refused whole, with every line's message
    with pytest.raises(CommandError) as refused:
        call_command("gaiji_load", *args, "--list", str(bad))
    message = str(refused.value)
    assert "3行目: 私用領域の符号位置は U+E000 から U+F8FF の間です。" in message
    assert (
        "4行目: 2行目と同じ符号位置です。" in message and "5行目: 字形画像か字形の説明" in message
    )
    connection.set_tenant(alpha.municipality)
    assert not Gaiji.objects.exists()
    connection.set_schema_to_public()
    # then the good list loads, once; a second time every line is already registered
    call_command("gaiji_load", *args, "--list", str(good), "--images", str(images))
    assert "2字を登録しました" in capsys.readouterr().out
    with pytest.raises(CommandError, match="2行目: U\\+E001 はもう登録されています"):
        call_command("gaiji_load", *args, "--list", str(good), "--images", str(images))
    with pytest.raises(CommandError, match="ファイルがありません"):
        escape = tmp_path / "escape.csv"
        escape.write_text("私用領域の符号位置,字形画像\nU+E009,../good.csv\n", encoding="utf-8")
        call_command("gaiji_load", *args, "--list", str(escape), "--images", str(images))
    connection.set_tenant(alpha.municipality)
    loaded = list(Gaiji.objects.order_by("pua").values_list("pua", "kyu_code", "created_by"))
    assert loaded == [(0xE001, "F040", "mio_gaiji_command"), (0xE002, "F041", "mio_gaiji_command")]
    assert Gaiji.objects.get(pua=0xE001).glyph_png is not None
    # 寒川町's table is untouched
    connection.set_tenant(beta.municipality)
    assert not Gaiji.objects.exists()
    connection.set_schema_to_public()
