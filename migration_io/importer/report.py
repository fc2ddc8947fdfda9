"""The import's findings: by file, line and item, in Japanese, never a value (a value may
be personal: the message says what is wrong, the clerk looks at the line)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

#: findings kept at most (a file with more is refused all the same)
MAX_FINDINGS = 1000
ERROR = "誤り"
WARNING = "警告"
REPORT_HEADER = ["ファイル", "ファイル名", "行", "レコード番号", "項目", "区分", "内容"]


@dataclass(frozen=True)
class Finding:
    file: str  # the layout file id (JUMIN …), or "" for the import as a whole
    file_name: str  # its Japanese name
    line: int  # 1 = the header row of a CSV, the line in the XML; 0 = the whole file
    item: str  # the item's Japanese name, or ""
    message: str
    level: str = ERROR
    #: the record's place in the file (1 = the first record; 0 = not one record): the
    #: line alone does not say it where a file holds several records on one line (XML)
    record: int = 0


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)
    truncated: bool = False
    counts: dict[str, int] = field(default_factory=dict)
    loaded: bool = False
    dry_run: bool = False
    summary: str = ""
    #: errors found (also those past MAX_FINDINGS, which are not kept)
    errors: int = 0

    def add(self, finding: Finding) -> None:
        if finding.level == ERROR:
            self.errors += 1
        if len(self.findings) >= MAX_FINDINGS:
            self.truncated = True
            return
        self.findings.append(finding)

    def to_json(self) -> dict[str, Any]:
        return {
            "findings": [asdict(f) for f in self.findings],
            "truncated": self.truncated,
            "counts": self.counts,
            "loaded": self.loaded,
            "dry_run": self.dry_run,
            "summary": self.summary,
            "errors": self.errors,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Report:
        return cls(
            findings=[Finding(**f) for f in data.get("findings", [])],
            truncated=bool(data.get("truncated")),
            counts={str(k): int(v) for k, v in (data.get("counts") or {}).items()},
            loaded=bool(data.get("loaded")),
            dry_run=bool(data.get("dry_run")),
            summary=str(data.get("summary", "")),
            errors=int(data.get("errors", 0)),
        )

    def rows(self) -> list[list[Any]]:
        """The report's CSV rows (REPORT_HEADER)."""
        return [
            [f.file, f.file_name, f.line, f.record, f.item, f.level, f.message]
            for f in self.findings
        ]


def report_save(path: str, report: Report) -> None:
    if default_storage.exists(path):
        default_storage.delete(path)
    data = json.dumps(report.to_json(), ensure_ascii=False).encode("utf-8")
    default_storage.save(path, ContentFile(data))


def report_load(path: str) -> Report | None:
    if not default_storage.exists(path):
        return None
    with default_storage.open(path, "rb") as handle:
        return Report.from_json(json.loads(handle.read().decode("utf-8")))
