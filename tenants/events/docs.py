"""docs/events.md, generated from the modules' event declarations (``manage.py events_doc``)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from tenants.events.contracts import all_declared

EVENTS_DOC = Path(settings.BASE_DIR) / "docs" / "events.md"


def render_events_md() -> str:
    """Every module's declared events: name, publisher, description, payload, subscribers."""
    from tenants.events.registry import autoload, subscriptions
    from tenants.modules.registry import all_modules

    autoload()
    modules = all_modules()
    subscriber_modules = tuple(f"{s.subscribers}." for s in modules if s.subscribers)
    subs = {
        name: [s for s in ids if s.startswith(subscriber_modules)]
        for name, ids in subscriptions().items()
    }
    lines = [
        "# ドメインイベント一覧",
        "",
        "<!-- 生成ファイル: `python manage.py events_doc` が各モジュールの events.py から作る。"
        "手で編集しない（`events_doc --check` が差分で失敗する）。 -->",
        "",
        "各業務モジュールが発行するイベントの契約です。発行は必ず業務の本登録などと同じ"
        "トランザクションで outbox（`tenants.events`）に書かれ、コミット後に購読者へ、"
        "発行した団体のスキーマの中で配信されます。内容（ペイロード）は ID・コード・日付だけで、"
        "氏名・住所・個人番号は含みません。",
        "",
    ]
    for spec in modules:
        events = [e for e in all_declared() if e.app == spec.app and e.declared_in == spec.events]
        if not events:
            continue
        lines += [f"## {spec.verbose_name}（`{spec.app}`）", ""]
        lines += [f"宣言: `{spec.events}`", ""]
        for event in events:
            lines += [f"### `{event.name}`", "", event.description, ""]
            lines.append(f"- 発行: {spec.verbose_name}（`{spec.app}`）")
            lines.append(f"- ペイロード: `{event.payload.__name__}`")
            names = subs.get(event.name, [])
            lines.append("- 購読: " + ("、".join(f"`{s}`" for s in names) if names else "なし"))
            lines += ["", "| 項目 | 型 | 説明 |", "|---|---|---|"]
            for f in event.fields:
                type_text = f.type_text.replace("|", "\\|")  # a "|" would end the cell
                lines.append(f"| `{f.name}` | `{type_text}` | {f.description} |")
            lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"
