"""Per-town backup and restore (issue 22 item 1).

A backup of one town is a directory ``<JC_BACKUP_ROOT>/<schema>/<stamp>/`` holding every
table of the town's schema as the text of ``COPY … TO STDOUT`` (one file a table, read
in one snapshot by several connections), the town's files (``MEDIA_ROOT/<schema>/``) and
``manifest.json``: per table its columns, row count and the SHA-256 of its COPY stream;
the sequences' values; per file its size and SHA-256; the schema version (the applied
migrations). ``manifest.sha256`` holds the manifest's own checksum.

A restore goes into a NEW schema (never over a live town): the structure is cloned from
the migrated template schema (it must be at the backup's schema version), the tables are
loaded with COPY while they have no index and no constraint, then the indexes are built
(several connections), the primary and unique keys attached to them, the foreign keys
added NOT VALID and validated in parallel. The restored schema is then exported again and
every table's row count and checksum compared with the manifest.

Modules: ``manifest`` (the format), ``pg`` (connections of their own), ``dump``,
``restore`` (with ``verify``), ``store`` (generations, the second location), ``tasks``
(nightly, per town). Command: ``manage.py town_backup``.
"""
