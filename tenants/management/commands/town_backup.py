"""town_backup: dump, check, restore, verify and drill one town's backup (issue 22)."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from tenants.accesslog.services import Actor
from tenants.backup.manifest import BackupError, manifest_read
from tenants.models import Municipality

ACTOR = Actor(user_id=None, username="system:town_backup")


class Command(BaseCommand):
    help = "団体ごとのバックアップ（取得・一覧・検査・復元・照合・復元訓練・復元先の削除）"

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        dump = sub.add_parser("dump", help="団体のスキーマとファイルをバックアップする")
        dump.add_argument("--town", required=True, help="全国地方公共団体コード（6桁）")
        dump.add_argument("--root", help="保存先（既定: JC_BACKUP_ROOT）")
        dump.add_argument("--second", help="第二保管先（既定: JC_BACKUP_SECOND_ROOT）")
        dump.add_argument("--keep", type=int, help="保存する世代数（既定: JC_BACKUP_GENERATIONS）")
        dump.add_argument("--jobs", type=int, help="並列の接続数（既定: JC_BACKUP_JOBS）")
        lst = sub.add_parser("list", help="団体のバックアップの世代を一覧する")
        lst.add_argument("--town", required=True)
        lst.add_argument("--root")
        check = sub.add_parser("check", help="バックアップのファイルをマニフェストと照合する")
        check.add_argument("path")
        restore = sub.add_parser("restore", help="新しいスキーマに復元し照合する")
        restore.add_argument("path")
        restore.add_argument("--schema", required=True, help="復元先の新しいスキーマ名")
        restore.add_argument("--jobs", type=int)
        restore.add_argument("--analyze", action="store_true", help="復元後に統計を取る")
        verify = sub.add_parser("verify", help="復元済みのスキーマをマニフェストと照合する")
        verify.add_argument("path")
        verify.add_argument("--schema", required=True)
        drill = sub.add_parser(
            "drill", help="復元訓練（最新の世代を仮のスキーマに復元・照合・削除）"
        )
        drill.add_argument("--town", required=True)
        drill.add_argument("--stamp", help="世代（既定: 最新）")
        drill.add_argument("--root")
        drop = sub.add_parser(
            "drop", help="復元先のスキーマとファイルを削除する（団体のものは不可）"
        )
        drop.add_argument("--schema", required=True)

    def handle(self, *args: Any, **o: Any) -> None:
        try:
            getattr(self, f"_{o['action']}")(o)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc

    def _town(self, code: str) -> Municipality:
        town = Municipality.objects.filter(dantai_code=code).first()
        if town is None:
            raise CommandError(f"団体コード {code} の団体はありません。")
        return town

    def _dump(self, o: dict[str, Any]) -> None:
        from tenants.backup.services import town_backup

        town = self._town(o["town"])
        run = town_backup(
            town,
            actor=ACTOR,
            root=Path(o["root"]) if o["root"] else None,
            second=Path(o["second"]) if o["second"] else None,
            keep=o["keep"],
            jobs=o["jobs"],
        )
        m = run.manifest
        self.stdout.write(
            f"{run.path}\n表 {len(m.tables)}・{m.total_rows:,}行・ファイル {len(m.files)}・"
            f"{m.total_bytes:,}バイト・{run.seconds:.1f}秒"
        )
        if run.second_path:
            self.stdout.write(f"第二保管先: {run.second_path}")
        if run.pruned:
            self.stdout.write(f"古い世代を削除: {', '.join(run.pruned)}")

    def _list(self, o: dict[str, Any]) -> None:
        from tenants.backup.store import backup_root, generations

        town = self._town(o["town"])
        for g in generations(Path(o["root"]) if o["root"] else backup_root(), town.schema_name):
            m = g.manifest()
            self.stdout.write(f"{g.stamp}  {m.taken_at}  {m.total_rows:,}行  {g.path}")

    def _check(self, o: dict[str, Any]) -> None:
        from tenants.backup.store import backup_check

        problems = backup_check(Path(o["path"]))
        if problems:
            raise CommandError("\n".join(problems))
        self.stdout.write("バックアップのファイルはすべてマニフェストと一致しました。")

    def _restore(self, o: dict[str, Any]) -> None:
        from tenants.backup.services import town_restore_logged

        path = Path(o["path"])
        town = self._town(manifest_read(path).dantai_code)
        result = town_restore_logged(
            town, path, o["schema"], actor=ACTOR, jobs=o["jobs"], analyze=o["analyze"]
        )
        self.stdout.write(
            f"{result.schema} に復元しました（{result.manifest.total_rows:,}行）: "
            + "、".join(f"{k} {v:.1f}秒" for k, v in result.seconds.items())
        )
        if result.problems:
            raise CommandError("照合で違いがありました:\n" + "\n".join(result.problems))
        self.stdout.write("件数とチェックサムはすべてマニフェストと一致しました。")

    def _verify(self, o: dict[str, Any]) -> None:
        from tenants.backup.restore import restore_verify

        problems = restore_verify(manifest_read(Path(o["path"])), o["schema"])
        if problems:
            raise CommandError("\n".join(problems))
        self.stdout.write("件数とチェックサムはすべてマニフェストと一致しました。")

    def _drill(self, o: dict[str, Any]) -> None:
        from tenants.backup.services import town_restore_drill

        town = self._town(o["town"])
        drill = town_restore_drill(
            town, actor=ACTOR, stamp=o["stamp"], root=Path(o["root"]) if o["root"] else None
        )
        if not drill.restore.ok:
            raise CommandError("復元訓練で違いがありました:\n" + "\n".join(drill.restore.problems))
        self.stdout.write(
            f"復元訓練: {drill.backup.name} を復元し照合しました（{drill.seconds:.1f}秒）。"
        )

    def _drop(self, o: dict[str, Any]) -> None:
        from tenants.backup.restore import schema_drop

        schema_drop(o["schema"])
        self.stdout.write(f"{o['schema']} を削除しました。")
