"""データ移行's declaration to the platform (see tenants.modules.spec).

migration_io has no 業務 of its own: it works on the data of the business modules in
their name. Its screens and its job are declared under the 業務 whose data they carry
(住民基本台帳 here, ``juminkiroku.public.GYOMU``), so a town that does not use that 業務
cannot reach them (404), and only that 業務's 管理 role may export. It reads the modules
through their public faces only (pyproject.toml's contracts); docs/architecture.md
"データ移行 (migration_io)" says why it is a module and not part of the platform.
"""

from dataclasses import replace

from juminkiroku.public import GYOMU as JUMINKIROKU
from tenants.modules.spec import LEVEL_ADMIN, MenuLink, ModuleSpec, UrlMount

MODULE = ModuleSpec(
    app="migration_io",
    verbose_name="データ移行（中間標準レイアウト）",
    gyomu=(),
    urls=(UrlMount("migration/", "migration_io.urls"),),
    menu=(
        MenuLink(
            "中間標準レイアウトでのデータ提供",
            "mio_export",
            gyomu=JUMINKIROKU,
            level=LEVEL_ADMIN,
        ),
        MenuLink("外字の対応（文字情報基盤）", "mio_gaiji", gyomu=JUMINKIROKU),
        MenuLink(
            "中間標準レイアウトの移行ファイルの取込",
            "mio_import",
            gyomu=JUMINKIROKU,
            level=LEVEL_ADMIN,
        ),
    ),
    jobkinds="migration_io.jobkinds",
    words={
        "mio_bundle_file": "中間標準レイアウトの移行ファイル",
        "mio_export": "中間標準レイアウトでのデータ提供",
        "mio_command": "システム（移行ファイル出力コマンド）",
        "mio_gaiji_command": "システム（外字一覧の登録コマンド）",
    },
)

# The signed exit bundle (migration_io.bundle) and the EUC extraction (migration_io.euc),
# added to the declaration above (kept apart so the parts of issue 19 merge cleanly).
MODULE = replace(
    MODULE,
    menu=(
        *MODULE.menu,
        MenuLink("署名付き移行バンドル", "mio_bundle_list", gyomu=JUMINKIROKU, level=LEVEL_ADMIN),
        MenuLink("EUC抽出（中間標準レイアウト）", "mio_euc", gyomu=JUMINKIROKU),
    ),
    words={
        **MODULE.words,
        "mio_bundle": "署名付き移行バンドル",
        "mio_euc": "EUC抽出（中間標準レイアウト）",
        "mio_import": "中間標準レイアウトの移行ファイルの取込",
        "mio_roundtrip": "中間標準レイアウトの往復検証",
    },
)
