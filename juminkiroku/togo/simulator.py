"""A local simulator of the 団体内統合宛名システム, for the tests and the demo.

It listens on a real socket (HTTP, JSON) and plays the 統合宛名 system's part for any number
of towns, kept apart by 団体コード: each town has its own records (by 宛名番号) and can
neither read nor change another's. It

* accepts 住民票関係情報 records (juminkiroku.togo.layout), checks them (団体コード and its
  検査数字, item count and lengths, 宛名番号, 氏名, 生年月日, 個人番号's 検査用数字 when
  given) and answers with a 受付番号, or refuses with a code and a reason; a record sent
  twice (same town and 連携番号) gets its first answer again, so a retry applies once;
* applies a record as the 副本's source would: the person's record replaced, removed on a
  記載の取消し (異動区分 4);
* lists a town's records for the 突合 (``/v1/list``);
* can be told to fail (503s) or to refuse a 宛名番号 (``/_control``), as tests need.

It never answers with a 団体内統合宛名番号: the registry does not take one in (7.1.2.3).

Run it alone for the demo: ``python -m juminkiroku.togo.simulator --port 8791``.
"""

from __future__ import annotations

import argparse
import threading
from dataclasses import dataclass, field
from typing import Any

from juminkiroku.cs.layout import pack, unpack
from juminkiroku.linksim import Refused, SimServer
from juminkiroku.togo.layout import IDO_KUBUN_KISAI_TORIKESHI, TOGO_ITEMS, TOGO_LAYOUT
from tenants.checkdigits import is_valid_dantai_code, is_valid_kojin_bango


@dataclass
class TownState:
    persons: dict[str, dict[str, str]] = field(default_factory=dict)  # 宛名番号 → record
    received: list[dict[str, str]] = field(default_factory=list)
    answers: dict[str, dict[str, Any]] = field(default_factory=dict)  # 連携番号 → answer


class TogoState:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.towns: dict[str, TownState] = {}
        self.uketsuke_no = 0
        self.fail_next = 0
        self.reject: dict[str, tuple[str, str]] = {}

    def town(self, code: str) -> TownState:
        if not is_valid_dantai_code(code):
            raise Refused("E001", "団体コードが正しくありません。")
        return self.towns.setdefault(code, TownState())

    def juminhyo(self, body: dict[str, Any]) -> dict[str, Any]:
        dantai = str(body.get("dantai_code", ""))
        town = self.town(dantai)
        if body.get("layout") != TOGO_LAYOUT:
            raise Refused("E002", "レイアウトが正しくありません。")
        record = [str(v) for v in (body.get("record") or [])]
        try:
            values = unpack(TOGO_ITEMS, record)
            pack(TOGO_ITEMS, values)  # the lengths
        except ValueError as exc:
            raise Refused("E003", str(exc)) from None
        if values["dantai_code"] != dantai:
            raise Refused("E004", "データの団体コードが送信元と一致しません。")
        key = values["renkei_no"]
        if key and key in town.answers:
            return town.answers[key]
        if not values["atena_no"]:
            raise Refused("E101", "宛名番号がありません。")
        if values["atena_no"] in self.reject:
            raise Refused(*self.reject[values["atena_no"]])
        if not values["shimei"] or len(values["birth_date"]) != 8:
            raise Refused("E102", "氏名または生年月日がありません。")
        if values["kojin_bango"] and not is_valid_kojin_bango(values["kojin_bango"]):
            raise Refused("E103", "個人番号の検査用数字が正しくありません。")
        if values["ido_kubun"] == IDO_KUBUN_KISAI_TORIKESHI:
            town.persons.pop(values["atena_no"], None)
        else:
            town.persons[values["atena_no"]] = values
        self.uketsuke_no += 1
        answer = {"result": "ok", "uketsuke_no": f"T{self.uketsuke_no:09d}"}
        town.received.append(values)
        if key:
            town.answers[key] = answer
        return answer

    def list(self, body: dict[str, Any]) -> dict[str, Any]:
        town = self.town(str(body.get("dantai_code", "")))
        return {"records": [pack(TOGO_ITEMS, p) for _, p in sorted(town.persons.items())]}

    def control(self, body: dict[str, Any]) -> dict[str, Any]:
        if "fail_next" in body:
            self.fail_next = int(body["fail_next"])
        for atena_no, refusal in (body.get("reject") or {}).items():
            if refusal is None:
                self.reject.pop(atena_no, None)
            else:
                self.reject[atena_no] = (str(refusal[0]), str(refusal[1]))
        if "change" in body:  # a record changed at the 統合宛名 side (for 突合 tests)
            c = body["change"]
            town = self.town(str(c["dantai_code"]))
            if c.get("remove"):
                town.persons.pop(str(c["atena_no"]), None)
            else:
                town.persons.setdefault(
                    str(c["atena_no"]), {"atena_no": str(c["atena_no"])}
                ).update(c["items"])
        return {"result": "ok"}


ROUTES = {"/v1/juminhyo": "juminhyo", "/v1/list": "list", "/_control": "control"}


class TogoServer(SimServer):
    def __init__(self, port: int = 0) -> None:
        super().__init__(TogoState(), ROUTES, port=port)


def main() -> None:
    parser = argparse.ArgumentParser(description="団体内統合宛名システム シミュレータ")
    parser.add_argument("--port", type=int, default=8791)
    args = parser.parse_args()
    server = TogoServer(args.port)
    print(f"togo atena simulator on {server.url}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
