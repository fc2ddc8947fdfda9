# Two indexes that only cost every insert and every bulk load (issue 23):
# - atena_setai_idx on 宛名.setai_id: the same btree as the foreign key's own index;
# - 住民票の履歴's single-column index on atena_id (the foreign key's own): rireki_atena_idx
#   (atena_id, valid_from) leads with the same column and serves every lookup by it.
#
# The second is dropped by its name, not by Django's AlterField(db_index=False): that one
# drops every plain btree index on the column that is not in Meta.indexes, and would take
# the unique index of the UniqueConstraint rireki_one_current (atena_id, partial) with it.

import django.db.models.deletion
from django.db import migrations, models


def _fk_index_name(schema_editor, model) -> str:
    # the name Django gave the foreign key's index (db_index=True) when it created it
    return schema_editor._create_index_name(model._meta.db_table, ["atena_id"], suffix="")


def drop_rireki_atena_fk_index(apps, schema_editor) -> None:
    model = apps.get_model("juminkiroku", "AtenaRireki")
    schema_editor.execute(
        schema_editor._delete_index_sql(model, _fk_index_name(schema_editor, model))
    )


def create_rireki_atena_fk_index(apps, schema_editor) -> None:
    model = apps.get_model("juminkiroku", "AtenaRireki")
    schema_editor.execute(
        schema_editor._create_index_sql(
            model,
            fields=[model._meta.get_field("atena")],
            name=_fk_index_name(schema_editor, model),
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("juminkiroku", "0018_johyo_db"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="atena",
            name="atena_setai_idx",
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="atenarireki",
                    name="atena",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="rireki",
                        to="juminkiroku.atena",
                        verbose_name="宛名",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunPython(drop_rireki_atena_fk_index, create_rireki_atena_fk_index),
            ],
        ),
    ]
