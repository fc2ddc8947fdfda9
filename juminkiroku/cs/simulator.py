"""A local simulator of the 住基ネット CS, for the tests and the demo.

It listens on a real socket (HTTP, JSON) and plays the CS's part for any number of towns,
kept apart by 市町村コード: each town has its own 本人確認情報, its own inbox of messages,
and can neither read nor change another town's. It

* accepts 本人確認情報 and 転出証明書情報 records (juminkiroku.cs.layout), checks them and
  answers with a 受付番号, or refuses with a code and a reason; a record sent twice (same
  town, layout and 連携番号) gets the first answer again, so a retry never applies twice;
* hands out 住民票コード 空き番 from a pool (valid 検査数字, never the same twice:
  標準仕様書 4.3.1) and generates 個人番号 with a valid 検査用数字 (7.1.2.1);
* keeps 転出証明書情報 for a 特例転入 (4.1.1.3) and, when another town records a 転入 of a
  person it holds, puts a 転入通知 in the former town's inbox (4.1.3.1.2);
* can be told to fail (connection-level 503s) or to refuse a given 住民票コード, to
  report card status and to post a 転入通知 (``/_control``), as tests need.

Run it alone for the demo: ``python -m juminkiroku.cs.simulator --port 8790``.
"""

from __future__ import annotations

import argparse
import random
import threading
from dataclasses import dataclass, field
from typing import Any

from juminkiroku.cs.layout import (
    CARD_ITEMS,
    CARD_LAYOUT,
    HONNIN_ITEMS,
    HONNIN_LAYOUT,
    SOFUSAKI_ITEMS,
    SOFUSAKI_LAYOUT,
    SOFUSAKI_YOKYU_ITEMS,
    SOFUSAKI_YOKYU_LAYOUT,
    TENNYU_TSUCHI_ITEMS,
    TENNYU_TSUCHI_LAYOUT,
    TENSHUTSU_ITEMS,
    TENSHUTSU_LAYOUT,
    pack,
    unpack,
)
from juminkiroku.linksim import Refused, SimServer
from tenants.checkdigits import (
    is_valid_dantai_code,
    is_valid_juminhyo_code,
    juminhyo_code_check_digit,
    kojin_bango_check_digit,
)


@dataclass
class TownState:
    persons: dict[str, dict[str, str]] = field(default_factory=dict)
    inbox: list[dict[str, Any]] = field(default_factory=list)
    received: list[dict[str, Any]] = field(default_factory=list)
    answers: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    sofusaki: dict[str, dict[str, str]] = field(default_factory=dict)
    cards: dict[str, str] = field(default_factory=dict)  # 住民票コード → 個人番号カードの状況
    fugo: list[str] = field(default_factory=list)
    kofu_requests: list[dict[str, Any]] = field(default_factory=list)
    kofu_results: dict[int, dict[str, Any]] = field(default_factory=dict)


class CsState:
    """Everything the simulated CS holds; one lock around all of it."""

    def __init__(self, seed: int | None = None, *, accept_unknown: bool = False) -> None:
        self.lock = threading.Lock()
        # The demo's residents predate the CS: take their first update as the CS's record.
        self.accept_unknown = accept_unknown
        self.rng = random.Random(seed)  # noqa: S311 - test numbers, not secrets
        self.towns: dict[str, TownState] = {}
        self.codes_issued: set[str] = set()
        self.bango_issued: set[str] = set()
        self.tenshutsu: dict[str, dict[str, str]] = {}
        self.holder: dict[str, str] = {}  # 住民票コード → the town that recorded it last
        self.msg_no = 0
        self.uketsuke_no = 0
        self.fail_next = 0
        self.reject: dict[str, tuple[str, str]] = {}

    def town(self, code: str) -> TownState:
        if not is_valid_dantai_code(code):
            raise Refused("E001", "市町村コードが正しくありません。")
        return self.towns.setdefault(code, TownState())

    # --- numbers -------------------------------------------------------------------
    def new_juminhyo_code(self) -> str:
        while True:
            body = f"{self.rng.randrange(10**10):010d}"
            code = body + str(juminhyo_code_check_digit(body))
            if code not in self.codes_issued:
                self.codes_issued.add(code)
                return code

    def new_kojin_bango(self) -> str:
        while True:
            body = f"{self.rng.randrange(1, 10**11):011d}"
            bango = body + str(kojin_bango_check_digit(body))
            if bango not in self.bango_issued:
                self.bango_issued.add(bango)
                return bango

    def _post(self, town_code: str, kind: str, layout: str, record: list[str]) -> None:
        self.msg_no += 1
        self.town(town_code).inbox.append(
            {"msg_no": self.msg_no, "kind": kind, "layout": layout, "record": record}
        )

    # --- requests --------------------------------------------------------------------
    def honnin(self, body: dict[str, Any]) -> dict[str, Any]:
        town_code = str(body.get("shichoson_code", ""))
        town = self.town(town_code)
        layout = str(body.get("layout", ""))
        items = {
            HONNIN_LAYOUT: HONNIN_ITEMS,
            TENSHUTSU_LAYOUT: TENSHUTSU_ITEMS,
            SOFUSAKI_LAYOUT: SOFUSAKI_ITEMS,
        }.get(layout)
        if items is None:
            raise Refused("E002", "電文の種類が正しくありません。")
        try:
            values = unpack(items, list(body.get("record") or []))
        except ValueError as exc:
            raise Refused("E003", str(exc)) from None
        if values["shichoson_code"] != town_code:
            raise Refused("E004", "電文の市町村コードが送信元と一致しません。")
        key = (layout, values["renkei_no"])
        if key in town.answers:
            return town.answers[key]
        code = values["juminhyo_code"]
        if not code:
            raise Refused("E101", "住民票コードが記録されていません。")
        if not is_valid_juminhyo_code(code):
            raise Refused("E102", "住民票コードの検査数字が正しくありません。")
        if code in self.reject:
            raise Refused(*self.reject[code])
        answer: dict[str, Any] = {"result": "ok"}
        if layout == TENSHUTSU_LAYOUT:
            self.tenshutsu[code] = dict(values)
        elif layout == SOFUSAKI_LAYOUT:
            if code not in town.persons and not self.accept_unknown:
                raise Refused("E201", "CSに本人確認情報がない住民票コードです。")
            town.sofusaki[code] = dict(values)
        else:
            jiyu = values["ido_jiyu"]
            kyu = values["kyu_juminhyo_code"]
            if kyu and kyu in town.persons:  # 住民票コードの変更・修正 (4.3.2)
                town.persons[code] = town.persons.pop(kyu)
            person = town.persons.get(code)
            if person is None and not jiyu.startswith("1") and not self.accept_unknown:
                raise Refused("E201", "CSに本人確認情報がない住民票コードです（記載が先に必要）。")
            if values["kojin_bango_seisei"] == "1" and not values["kojin_bango"]:
                values["kojin_bango"] = self.new_kojin_bango()
                answer["kojin_bango"] = values["kojin_bango"]
            # A 転入 of a person another town holds: that town gets a 転入通知.
            former = self.holder.get(code)
            if jiyu == "11" and former and former != town_code:
                self._post(
                    former,
                    "tennyu",
                    TENNYU_TSUCHI_LAYOUT,
                    [
                        former,
                        town_code,
                        code,
                        values["ido_date"],
                        values["jusho"],
                        str(body.get("postal_code", "")),
                    ],
                )
            values["jotai"] = "shojo" if jiyu.startswith("2") else "jumin"
            town.persons[code] = values
            self.holder[code] = town_code
        self.uketsuke_no += 1
        answer["uketsuke_no"] = f"{self.uketsuke_no:010d}"
        town.received.append({"layout": layout, **values})
        town.answers[key] = answer
        return answer

    def fuhyo_tsuchi(self, body: dict[str, Any]) -> dict[str, Any]:
        """戸籍附票記載事項通知 to a 管外 本籍地 (住民基本台帳法 第19条, 標準仕様書 7.1.1.1),
        relayed by the 住基ネット; kept in the sending town's ``received``. Layout: ours
        (juminkiroku.fuhyo.tsuchi ``ITEMS``)."""
        town_code = str(body.get("shichoson_code", ""))
        town = self.town(town_code)
        layout = str(body.get("layout", ""))
        rec = body.get("record")
        if layout != "FUHYO-KISAI-01" or not isinstance(rec, dict):
            raise Refused("E002", "電文の種類が正しくありません。")
        if rec.get("shichoson_code") != town_code:
            raise Refused("E004", "電文の市町村コードが送信元と一致しません。")
        key = (layout, str(rec.get("renkei_no", "")))
        if key in town.answers:
            return town.answers[key]
        if rec.get("tsuchi_kubun") != "kangai" or not rec.get("honseki"):
            raise Refused("E501", "本籍地が記載されていません。")
        code = str(rec.get("juminhyo_code", ""))
        if code in self.reject:
            raise Refused(*self.reject[code])
        self.uketsuke_no += 1
        answer = {"result": "ok", "uketsuke_no": f"{self.uketsuke_no:010d}"}
        town.received.append({"layout": layout, **rec})
        town.answers[key] = answer
        return answer

    def aki(self, body: dict[str, Any]) -> dict[str, Any]:
        self.town(str(body.get("shichoson_code", "")))
        count = int(body.get("count", 0))
        if not 1 <= count <= 1000:
            raise Refused("E301", "空き番の件数は1件から1000件までです。")
        return {"codes": [self.new_juminhyo_code() for _ in range(count)]}

    def bango_henko(self, body: dict[str, Any]) -> dict[str, Any]:
        town = self.town(str(body.get("shichoson_code", "")))
        person = town.persons.get(str(body.get("juminhyo_code", "")))
        if person is None:
            raise Refused("E201", "CSに本人確認情報がない住民票コードです。")
        return {"kojin_bango": self.new_kojin_bango()}

    def fugo(self, body: dict[str, Any]) -> dict[str, Any]:
        """符号の取得要求 (7.1.2.2): relayed to the 情報提供ネットワークシステム; the 符号 itself
        goes to the 中間サーバ, the registry gets a 処理番号."""
        town = self.town(str(body.get("shichoson_code", "")))
        code = str(body.get("juminhyo_code", ""))
        person = town.persons.get(code)
        if person is None or not person.get("kojin_bango"):
            raise Refused("E601", "個人番号が記録されていないため符号を要求できません。")
        town.fugo.append(code)
        self.uketsuke_no += 1
        return {"shori_no": f"F{self.uketsuke_no:09d}"}

    def card_serial(self, body: dict[str, Any]) -> dict[str, Any]:
        """利用者証明用電子証明書のシリアル番号 (7.1.2.4) of a person holding a card."""
        town = self.town(str(body.get("shichoson_code", "")))
        code = str(body.get("juminhyo_code", ""))
        if town.cards.get(code) != "1":
            raise Refused("E701", "個人番号カードが交付されていません。")
        return {"serial": f"{int(code) % 10**8:08X}{len(town.fugo):04d}"}

    # --- the 証明書交付センター (コンビニ交付, 7.2.5), played by the same server ------------
    def kofu_requests(self, body: dict[str, Any]) -> dict[str, Any]:
        town = self.town(str(body.get("shichoson_code", "")))
        after = int(body.get("after", 0))
        return {"requests": [r for r in town.kofu_requests if r["request_no"] > after][:100]}

    def kofu_result(self, body: dict[str, Any]) -> dict[str, Any]:
        town = self.town(str(body.get("shichoson_code", "")))
        no = int(body.get("request_no", 0))
        if not any(r["request_no"] == no for r in town.kofu_requests):
            raise Refused("E801", "該当する交付要求がありません。")
        town.kofu_results.setdefault(no, dict(body))  # the first answer counts
        return {"result": "ok"}

    def status(self, body: dict[str, Any]) -> dict[str, Any]:
        self.town(str(body.get("shichoson_code", "")))
        return {"status": "稼働中"}

    def seigo(self, body: dict[str, Any]) -> dict[str, Any]:
        town = self.town(str(body.get("shichoson_code", "")))
        return {
            "records": [
                pack(HONNIN_ITEMS, p)
                for p in sorted(town.persons.values(), key=lambda p: p["juminhyo_code"])
                if p.get("jotai") == "jumin"
            ]
        }

    def inbound(self, body: dict[str, Any]) -> dict[str, Any]:
        town = self.town(str(body.get("shichoson_code", "")))
        after = int(body.get("after", 0))
        return {"messages": [m for m in town.inbox if m["msg_no"] > after][:500]}

    def tenshutsu_get(self, body: dict[str, Any]) -> dict[str, Any]:
        self.town(str(body.get("shichoson_code", "")))
        found = self.tenshutsu.get(str(body.get("juminhyo_code", "")))
        if found is None:
            raise Refused("E401", "該当する転出証明書情報がありません。")
        return {"layout": TENSHUTSU_LAYOUT, "record": pack(TENSHUTSU_ITEMS, found)}

    def control(self, body: dict[str, Any]) -> dict[str, Any]:
        if "fail_next" in body:
            self.fail_next = int(body["fail_next"])
        for code, refusal in (body.get("reject") or {}).items():
            if refusal is None:
                self.reject.pop(code, None)
            else:
                self.reject[code] = (str(refusal[0]), str(refusal[1]))
        if "tennyu_tsuchi" in body:
            t = body["tennyu_tsuchi"]
            self._post(
                t["shichoson_code"],
                "tennyu",
                TENNYU_TSUCHI_LAYOUT,
                [str(t.get(name, "")) for name, _ in TENNYU_TSUCHI_ITEMS],
            )
        if "kofu_request" in body:  # a resident at a convenience store's terminal
            k = body["kofu_request"]
            self.msg_no += 1
            self.town(k["shichoson_code"]).kofu_requests.append(
                {
                    "request_no": self.msg_no,
                    "serial": str(k["serial"]),
                    "kind": str(k.get("kind", "juminhyo")),
                    "layout": str(k.get("layout", "kojin")),
                    "copies": int(k.get("copies", 1)),
                }
            )
        if "sofusaki_yokyu" in body:
            y = body["sofusaki_yokyu"]
            self._post(
                y["shichoson_code"],
                "sofusaki",
                SOFUSAKI_YOKYU_LAYOUT,
                [str(y.get(name, "")) for name, _ in SOFUSAKI_YOKYU_ITEMS],
            )
        if "card" in body:
            c = body["card"]
            if c.get("shurui") == "kojin":
                self.town(c["shichoson_code"]).cards[str(c.get("juminhyo_code"))] = str(
                    c.get("jotai")
                )
            self._post(
                c["shichoson_code"],
                "card",
                CARD_LAYOUT,
                [str(c.get(name, "")) for name, _ in CARD_ITEMS],
            )
        if "person" in body:  # a change made at the CS side (for 整合性確認 tests)
            p = body["person"]
            town = self.town(p["shichoson_code"])
            town.persons.setdefault(p["juminhyo_code"], {}).update(p)
        return {"result": "ok"}


ROUTES = {
    "/v1/honnin": "honnin",
    "/v1/juminhyo-code/aki": "aki",
    "/v1/kojin-bango/henko": "bango_henko",
    "/v1/seigo": "seigo",
    "/v1/fugo": "fugo",
    "/v1/card-serial": "card_serial",
    "/v1/status": "status",
    "/v1/kofu/requests": "kofu_requests",
    "/v1/kofu/result": "kofu_result",
    "/v1/inbound": "inbound",
    "/v1/tenshutsu-shomei/get": "tenshutsu_get",
    "/v1/fuhyo-tsuchi": "fuhyo_tsuchi",
    "/_control": "control",
}


class CsServer(SimServer):
    def __init__(
        self, port: int = 0, seed: int | None = None, *, accept_unknown: bool = False
    ) -> None:
        state = CsState(seed, accept_unknown=accept_unknown)
        super().__init__(state, ROUTES, port=port, down_reason="閉塞中")


def main() -> None:
    parser = argparse.ArgumentParser(description="住基ネット CS シミュレータ")
    parser.add_argument("--port", type=int, default=8790)
    parser.add_argument(
        "--accept-unknown",
        action="store_true",
        help="CSにない住民の更新を初回登録として受け付ける（デモ用）",
    )
    args = parser.parse_args()
    server = CsServer(args.port, accept_unknown=args.accept_unknown)
    print(f"CS simulator on {server.url}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
