"""A local simulator of a town's 戸籍附票システム, for the tests and the demo.

It listens on a real socket (HTTP, JSON) and keeps, per 市町村コード, the 附票 items it was
told, by 住民票コード; towns never see each other's. It

* accepts a 附票記載事項通知 (``/v1/kisai``, layout ``FUHYO-KISAI-01``), checks that it is the
  town's own 管内 notice with a 本籍 and the items of 法第17条, answers with a 受付番号, or
  refuses with a code and a reason; the same notice again (town, 連携番号) gets its first
  answer, so a retry is applied once;
* runs a 突合 (``/v1/totsugo/begin|chunk|end``): compares what it was sent with what it
  holds for persons whose 附票 address is in the sending town;
* can be told to fail (503) for the next N requests or to refuse a 住民票コード, and to hold
  a person already (``/_control``), as the tests need.

Run it alone for the demo: ``python -m juminkiroku.fuhyo.simulator --port 8791``.
"""

from __future__ import annotations

import argparse
import threading
from dataclasses import dataclass, field
from typing import Any

from juminkiroku.linksim import Refused, SimServer
from tenants.checkdigits import is_valid_dantai_code

LAYOUT = "FUHYO-KISAI-01"
COMPARED = ("honseki", "hittosha", "shimei", "jusho", "jutei_date", "birth_date", "sex")
REQUIRED = ("honseki", "shimei", "birth_date", "sex")


@dataclass
class TownFuhyo:
    fuhyo: dict[str, dict[str, Any]] = field(default_factory=dict)  # 住民票コード → items
    received: list[dict[str, Any]] = field(default_factory=list)
    answers: dict[int, dict[str, Any]] = field(default_factory=dict)


class FuhyoState:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.towns: dict[str, TownFuhyo] = {}
        self.fail_next = 0
        self.reject: dict[str, tuple[str, str]] = {}
        self.uketsuke_no = 0
        self.sessions: dict[str, dict[str, Any]] = {}

    def town(self, code: str) -> TownFuhyo:
        if not is_valid_dantai_code(code):
            raise Refused("F001", "市町村コードが正しくありません。")
        return self.towns.setdefault(code, TownFuhyo())

    def kisai(self, body: dict[str, Any]) -> dict[str, Any]:
        code = str(body.get("shichoson_code", ""))
        town = self.town(code)
        if body.get("layout") != LAYOUT:
            raise Refused("F002", "通知の形式が正しくありません。")
        rec = body.get("record")
        if not isinstance(rec, dict):
            raise Refused("F003", "通知の項目がありません。")
        if rec.get("shichoson_code") != code:
            raise Refused("F004", "通知の市町村コードが送信元と一致しません。")
        if rec.get("tsuchi_kubun") != "kannai":
            raise Refused("F005", "管内本籍人の通知ではありません。")
        no = int(rec.get("renkei_no", 0))
        if no in town.answers:
            return town.answers[no]
        for name in REQUIRED:
            if not rec.get(name):
                raise Refused("F101", "通知に必要な項目が記載されていません。")
        jcode = str(rec.get("juminhyo_code", ""))
        if jcode in self.reject:
            raise Refused(*self.reject[jcode])
        key = jcode or f"{rec['shimei']}:{rec['birth_date']}"
        town.fuhyo[key] = {**rec, "jusho_town": code}
        town.received.append(dict(rec))
        self.uketsuke_no += 1
        answer = {"result": "ok", "uketsuke_no": f"K{self.uketsuke_no:09d}"}
        town.answers[no] = answer
        return answer

    def totsugo_begin(self, body: dict[str, Any]) -> dict[str, Any]:
        code = str(body.get("shichoson_code", ""))
        self.town(code)
        session = f"S{len(self.sessions) + 1:06d}"
        self.sessions[session] = {"town": code, "records": []}
        return {"session": session}

    def totsugo_chunk(self, body: dict[str, Any]) -> dict[str, Any]:
        s = self.sessions.get(str(body.get("session", "")))
        if s is None:
            raise Refused("F201", "突合の受付がありません。")
        s["records"].extend(r for r in body.get("records", []) if isinstance(r, dict))
        return {"result": "ok"}

    def totsugo_end(self, body: dict[str, Any]) -> dict[str, Any]:
        s = self.sessions.pop(str(body.get("session", "")), None)
        if s is None or s["town"] != str(body.get("shichoson_code", "")):
            raise Refused("F201", "突合の受付がありません。")
        town = self.town(s["town"])
        ours = {str(r.get("juminhyo_code", "")): r for r in s["records"]}
        differences: list[dict[str, Any]] = []
        for jcode, rec in ours.items():
            held = town.fuhyo.get(jcode)
            if held is None:
                differences.append({"kind": "toho", "juminhyo_code": jcode, "items": []})
                continue
            items = [n for n in COMPARED if str(held.get(n, "")) != str(rec.get(n, ""))]
            if items:
                differences.append({"kind": "soi", "juminhyo_code": jcode, "items": items})
        for jcode, held in sorted(town.fuhyo.items()):
            if held.get("jusho_town") == s["town"] and jcode not in ours:
                differences.append({"kind": "fuhyo", "juminhyo_code": jcode, "items": []})
        return {"compared": len(ours), "differences": differences}

    def control(self, body: dict[str, Any]) -> dict[str, Any]:
        if "fail_next" in body:
            self.fail_next = int(body["fail_next"])
        for code, refusal in (body.get("reject") or {}).items():
            if refusal is None:
                self.reject.pop(code, None)
            else:
                self.reject[code] = (str(refusal[0]), str(refusal[1]))
        if "fuhyo" in body:  # a 附票 entry already there (for 突合 tests)
            f = body["fuhyo"]
            town = self.town(str(f["shichoson_code"]))
            town.fuhyo[str(f["juminhyo_code"])] = {**f, "jusho_town": f["shichoson_code"]}
        return {"result": "ok"}


ROUTES = {
    "/v1/kisai": "kisai",
    "/v1/totsugo/begin": "totsugo_begin",
    "/v1/totsugo/chunk": "totsugo_chunk",
    "/v1/totsugo/end": "totsugo_end",
    "/_control": "control",
}


class FuhyoServer(SimServer):
    def __init__(self, port: int = 0) -> None:
        super().__init__(FuhyoState(), ROUTES, port=port, bad_code="F000", down_code="F900")


def main() -> None:
    parser = argparse.ArgumentParser(description="戸籍附票システム シミュレータ")
    parser.add_argument("--port", type=int, default=8791)
    args = parser.parse_args()
    server = FuhyoServer(args.port)
    print(f"fuhyo simulator on {server.url}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
