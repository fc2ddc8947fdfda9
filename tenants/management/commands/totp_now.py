import pyotp
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import OperationalError

from tenants.models import StaffUser


class Command(BaseCommand):
    help = "（デモ環境専用）指定した職員の現在の確認コードを表示する"

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args: object, **options: object) -> None:
        # JC_DEMO (set by bin/demo; always off in production settings), not DEBUG: the demo
        # runs without debug pages.
        if not settings.JC_DEMO:
            raise CommandError("このコマンドはデモ環境（環境変数 JC_DEMO=1）でのみ使用できます。")
        try:
            user = StaffUser.objects.filter(username=options["username"]).first()
        except OperationalError as exc:
            # A fresh shell without DATABASE_URL looks at the settings' default server, not
            # the demo's private one: say how to reach the demo's database.
            raise CommandError(
                "デモのデータベースに接続できません。`make totp STAFF=<ユーザーID>` "
                "（または bin/with-services 経由）で実行してください。"
            ) from exc
        if user is None or not user.totp_secret:
            raise CommandError("職員が見つからないか、二要素認証が未登録です。")
        self.stdout.write(pyotp.TOTP(user.totp_secret).now())
