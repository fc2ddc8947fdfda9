"""Sequences for the automatic numbers (宛名番号, 世帯番号, 異動番号, 発行番号, 印鑑登録証番号).

Created unqualified, so each lands in the schema being migrated (the town's own).
"""

from django.db import migrations

SEQUENCES = [
    "juminkiroku_atena_no_seq",
    "juminkiroku_setai_no_seq",
    "juminkiroku_ido_no_seq",
    "juminkiroku_hakko_no_seq",
    "juminkiroku_inkan_no_seq",
]


class Migration(migrations.Migration):
    dependencies = [("juminkiroku", "0001_initial")]

    operations = [
        migrations.RunSQL(
            sql=[f"CREATE SEQUENCE IF NOT EXISTS {name}" for name in SEQUENCES],
            reverse_sql=[f"DROP SEQUENCE IF EXISTS {name}" for name in SEQUENCES],
        )
    ]
