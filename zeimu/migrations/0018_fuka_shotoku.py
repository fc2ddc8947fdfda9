# The 所得 zeimu.public gives other modules, as columns of the 賦課 (they were read out of
# the 内訳 JSON, detail.result, row by row). Backfilled here with one set-based UPDATE from
# that JSON, the paths person_kazei_many read before, so its answers do not change.

from django.db import migrations, models

#: detail.result paths → column (a missing path reads 0, as person_kazei_many did); the
#: 課税総所得金額 column existed: the JSON wins where it holds the figure. (``detail::jsonb``:
#: the column is jsonb here and text from 0019 on; the tests run this UPDATE on today's table.)
BACKFILL = """
UPDATE zeimu_fuka SET
    kyuyo_shotoku = coalesce((detail::jsonb #>> '{result,kyuyo_shotoku_after_chosei}')::bigint, 0),
    nenkin_shotoku = coalesce((detail::jsonb #>> '{result,nenkin,shotoku}')::bigint, 0),
    sonota_shotoku = coalesce((detail::jsonb #>> '{result,sonota_shotoku}')::bigint, 0),
    nenkin_shunyu = coalesce((detail::jsonb #>> '{result,nenkin,shunyu}')::bigint, 0),
    kazei_shotoku = coalesce((detail::jsonb #>> '{result,kazei_shotoku}')::bigint, kazei_shotoku)
WHERE detail::jsonb ? 'result'
"""


class Migration(migrations.Migration):

    dependencies = [
        ('zeimu', '0017_shuno_kind_kanpu_shobun_kesson'),
    ]

    operations = [
        migrations.AddField(
            model_name='fuka',
            name='kyuyo_shotoku',
            field=models.BigIntegerField(default=0, verbose_name='給与所得（所得金額調整控除後）'),
        ),
        migrations.AddField(
            model_name='fuka',
            name='nenkin_shotoku',
            field=models.BigIntegerField(default=0, verbose_name='公的年金等に係る雑所得'),
        ),
        migrations.AddField(
            model_name='fuka',
            name='nenkin_shunyu',
            field=models.BigIntegerField(default=0, verbose_name='公的年金等の収入金額'),
        ),
        migrations.AddField(
            model_name='fuka',
            name='sonota_shotoku',
            field=models.BigIntegerField(default=0, verbose_name='その他の所得'),
        ),
        migrations.RunSQL(BACKFILL, reverse_sql=migrations.RunSQL.noop),
    ]
