"""住民記録's own grant table moves to the platform (tenants.grants): every row is copied,
with its grantor and date, into ``grants_grant`` of the same schema, then the table goes.

Runs in every town schema (and the template schema). The codes are unchanged: they are
the ones juminkiroku declares in module.py (juminkiroku.grants.Kengen)."""

from django.db import migrations


def copy_to_platform(apps, schema_editor):  # type: ignore[no-untyped-def]
    KengenGrant = apps.get_model("juminkiroku", "KengenGrant")
    Grant = apps.get_model("grants", "Grant")
    Grant.objects.bulk_create(
        [
            Grant(
                user_id=row.user_id,
                code=row.kengen,
                granted_by=row.granted_by,
                granted_at=row.granted_at,
            )
            for row in KengenGrant.objects.all()
        ],
        ignore_conflicts=True,
    )


def copy_back(apps, schema_editor):  # type: ignore[no-untyped-def]
    KengenGrant = apps.get_model("juminkiroku", "KengenGrant")
    Grant = apps.get_model("grants", "Grant")
    codes = {"yokushi_lock", "yokushi_unlock", "yokushi_temp_unlock", "kojin_bango_view", "ido_approve"}
    KengenGrant.objects.bulk_create(
        [
            KengenGrant(
                user_id=row.user_id,
                kengen=row.code,
                granted_by=row.granted_by,
                granted_at=row.granted_at,
            )
            for row in Grant.objects.filter(code__in=codes)
        ],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("juminkiroku", "0002_sequences"),
        ("grants", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(copy_to_platform, copy_back),
        migrations.DeleteModel(name="KengenGrant"),
    ]
