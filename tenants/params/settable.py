"""Which law parameters a town may set by its own 条例, and how a value is checked.

A parameter is settable when its entry in a law-parameter YAML file carries a
``municipal`` block (the declaration lives beside the national value and its source, so
whoever reads the law's data sees at once that a town can override it):

```yaml
  - key: zeimu.kojin_juminzei.futsu_choshu.nouki_day
    label: 普通徴収の納期限の日 …
    source: 地方税法第320条 …
    values: [...]
    municipal:
      type: integer      # integer | choice | months | text
      min: 0             # integer: inclusive bounds (either may be left out)
      max: 31
      choices: [1, 2, 3] # choice: the allowed values (whole numbers or short codes)
      labels:            # choice: the words the screen shows for each code (optional;
        1: …             #   required for codes that are not numbers)
      max_length: 50     # text
      basis: …           # why a town may set it (defaults to the parameter's source)
```

A parameter with no national value (each town must set its own, e.g. the 級地) has
``values: []``. Values are checked here, in Python, with messages for the screen.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import Any

import yaml

from tenants.params.services import law_parameter_files

KINDS = ("integer", "choice", "months", "text")


class ParameterValueError(ValueError):
    """A value the declaration does not allow; the message is shown to the user."""


@dataclass(frozen=True)
class Settable:
    key: str
    label: str
    unit: str
    kind: str
    basis: str
    # 業務 codes of the module whose params_dir holds it; () for the platform's own.
    gyomu: tuple[str, ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    choices: tuple[Any, ...] = ()
    max_length: int = 100
    #: choice: (code, words) for each code the screen names in words
    labels: tuple[tuple[Any, str], ...] = ()

    def applies_to(self, subscribed: set[str]) -> bool:
        """Whether a town subscribing to ``subscribed`` 業務 may set it."""
        return not self.gyomu or bool(subscribed.intersection(self.gyomu))

    def label_of(self, value: Any) -> str:
        """The words for a choice's code (the code itself when it has none)."""
        return next((words for code, words in self.labels if code == value), str(value))

    def options(self) -> list[tuple[str, str]]:
        """A choice's (value to post, words to show), for the screen's list."""
        return [(str(c), self.label_of(c)) for c in self.choices]

    def format(self, value: Any) -> str:
        """A stored value as the screen shows it."""
        if value is None:
            return "（なし）"
        if self.kind == "choice" and self.labels:
            return self.label_of(value)
        if self.kind == "months" and isinstance(value, list):
            return "・".join(f"{m}月" for m in value)
        if isinstance(value, int) and not isinstance(value, bool):
            return f"{value:,}{self.unit}"
        return str(value)

    def describe(self) -> str:
        """The rule as the screen states it under the input."""
        if self.kind == "integer":
            if self.minimum is not None and self.maximum is not None:
                return f"{self.minimum}から{self.maximum}までの整数"
            if self.minimum is not None:
                return f"{self.minimum}以上の整数"
            return "整数"
        if self.kind == "choice":
            return "・".join(self.label_of(c) for c in self.choices) + "のいずれか"
        if self.kind == "months":
            return "納期の月を4月始まりの年度順にカンマ区切り（例：6,8,10,1）"
        return f"{self.max_length}文字以内"

    def clean(self, text: str) -> Any:
        """The stored value for what the user typed, or ParameterValueError."""
        raw = unicodedata.normalize("NFKC", text or "").strip()
        if not raw:
            raise ParameterValueError("値を入力してください。")
        if self.kind == "text":
            if len(raw) > self.max_length:
                raise ParameterValueError(f"{self.max_length}文字以内で入力してください。")
            return raw
        if self.kind == "months":
            return self._months(raw)
        if self.kind == "choice":
            # a code (what the screen's list posts) or its words, typed
            for code in self.choices:
                if raw in (str(code), self.label_of(code)):
                    return code
            raise ParameterValueError(f"{self.describe()}を選んでください。")
        try:
            number = int(raw.replace(",", ""))
        except ValueError as exc:
            raise ParameterValueError("半角の整数で入力してください。") from exc
        if (self.minimum is not None and number < self.minimum) or (
            self.maximum is not None and number > self.maximum
        ):
            raise ParameterValueError(f"{self.describe()}で入力してください。")
        return number

    def _months(self, raw: str) -> list[int]:
        parts = [p.strip() for p in raw.replace("、", ",").split(",")]
        try:
            months = [int(p) for p in parts]
        except ValueError as exc:
            raise ParameterValueError("月を半角の数字でカンマ区切りに入力してください。") from exc
        if any(not 1 <= m <= 12 for m in months):
            raise ParameterValueError("月は1から12までで入力してください。")
        order = [(m - 4) % 12 for m in months]  # 4月 → 0 … 3月 → 11
        if order != sorted(set(order)):
            raise ParameterValueError(
                "月は重ねずに、4月始まりの年度順（例：6,8,10,1）で入力してください。"
            )
        return months


def _settable(param: dict[str, Any], path: str, gyomu: tuple[str, ...]) -> Settable:
    spec = param["municipal"]
    kind = spec.get("type")
    if kind not in KINDS:
        raise ValueError(f"{path}: {param['key']} の municipal.type {kind!r} は使えません")
    if kind == "choice" and not spec.get("choices"):
        raise ValueError(f"{path}: {param['key']} の municipal.choices がありません")
    labels = dict(spec.get("labels") or {})
    choices = tuple(spec.get("choices") or ())
    if kind == "choice":
        if unknown := set(labels) - set(choices):
            raise ValueError(
                f"{path}: {param['key']} の municipal.labels に選択肢でない値 {unknown}"
            )
        if bare := [c for c in choices if not isinstance(c, int) and c not in labels]:
            # a code that is not a number is not a word a clerk should be shown
            raise ValueError(
                f"{path}: {param['key']} の選択肢 {bare} に municipal.labels がありません"
            )
    return Settable(
        key=param["key"],
        label=param["label"],
        unit=param.get("unit", ""),
        kind=kind,
        basis=spec.get("basis") or param["source"],
        gyomu=gyomu,
        minimum=spec.get("min"),
        maximum=spec.get("max"),
        choices=choices,
        max_length=int(spec.get("max_length", 100)),
        labels=tuple((code, str(labels[code])) for code in choices if code in labels),
    )


@cache
def settable_parameters() -> dict[str, Settable]:
    """key → declaration, over every law-parameter file, in file order. The files ship
    with the code, so this is read once per process."""
    found: dict[str, Settable] = {}
    for gyomu, path in law_parameter_files():
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        for param in doc["parameters"]:
            if "municipal" in param:
                found[param["key"]] = _settable(param, path.name, gyomu)
    return found


def unset_message(key: str) -> str:
    """What a screen says when a value the town must set by 条例 is missing: the value's
    name in words (its label), never its key."""
    settable = settable_parameters().get(key)
    name = settable.label if settable else "条例で定める値"
    return (
        f"この団体の「{name}」（条例で定める値）が設定されていません。"
        "設定画面（設定 > 条例で定める値）で設定してください。"
    )
