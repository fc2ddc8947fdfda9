"""A town's files: ``MEDIA_ROOT/<schema>/`` (django-tenants' TenantFileSystemStorage,
``MULTITENANT_RELATIVE_MEDIA_ROOT = "%s"``), and their removal when the town's schema is
dropped.

The removal is the one place that deletes a whole folder of the storage, so it refuses
anything but a town's own folder: a schema name of the form PostgreSQL accepts (no ``/``,
no ``..``), never the public schema's, a folder that is a direct child of MEDIA_ROOT
once every link is resolved, and not itself a symbolic link (a link would point the
removal elsewhere). A schema that a town of the database still uses is refused by the
caller (:func:`tenants.services.municipality.municipality_drop` removes the folder only
after the drop has committed).
"""

from __future__ import annotations

import logging
import re
import shutil
from pathlib import Path

from django.conf import settings
from django_tenants.utils import get_public_schema_name

logger = logging.getLogger(__name__)

#: the schema names this product makes (``m`` + 団体コード, scratch ``jc_restore…``):
#: lower-case ASCII letters, digits and ``_``, a letter first, at most 63 characters
SCHEMA_NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")


class TownMediaError(ValueError):
    """A folder that is not a town's own under MEDIA_ROOT: nothing was removed."""


def town_media_folder(schema: str) -> Path:
    """The folder of ``schema``'s files, checked to be a direct child of MEDIA_ROOT."""
    if not SCHEMA_NAME.match(schema) or schema == get_public_schema_name():
        raise TownMediaError(f"スキーマ名 {schema!r} の団体のファイルは扱えません。")
    root = Path(settings.MEDIA_ROOT).resolve()
    folder = root / schema
    if folder.is_symlink():
        raise TownMediaError(f"{schema} のファイルの場所がリンクです。削除しません。")
    if folder.resolve().parent != root:
        raise TownMediaError(f"{schema} のファイルの場所が MEDIA_ROOT の外です。削除しません。")
    return folder


def town_media_remove(schema: str) -> bool:
    """Remove ``MEDIA_ROOT/<schema>/`` and everything in it; False when there was none.
    A link inside the folder is removed as a link (``shutil.rmtree`` does not follow
    them). TownMediaError, and nothing removed, for a folder that is not a town's own."""
    folder = town_media_folder(schema)
    if not folder.exists():
        return False
    if not folder.is_dir():
        raise TownMediaError(f"{schema} のファイルの場所がフォルダではありません。削除しません。")
    shutil.rmtree(folder)
    logger.info("removed the files of schema %s", schema)
    return True
