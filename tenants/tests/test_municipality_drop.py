"""Dropping a municipality removes its schema, its rows and, after the commit, its files
(MEDIA_ROOT/<schema>/): only that town's folder, never a path outside MEDIA_ROOT."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.db import transaction
from django_tenants.utils import schema_exists

from tenants.media import TownMediaError, town_media_folder, town_media_remove
from tenants.models import Domain, Municipality, Subscription
from tenants.services.municipality import municipality_drop, municipality_provision

TOWNS = [
    # (団体コード, name, kana, subdomain): 神奈川県 towns the test world does not use
    ("143421", "二宮町", "にのみやまち", "ninomiya"),
    ("143618", "箱根町", "はこねまち", "hakone"),
]


@pytest.fixture
def media(settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return Path(settings.MEDIA_ROOT)


def _town(world, code: str, name: str, kana: str, subdomain: str) -> Municipality:
    return municipality_provision(
        consortium=world.consortium,
        dantai_code=code,
        name=name,
        name_kana=kana,
        prefecture="神奈川県",
        population=1000,
        population_date=None,
        go_live=date(2012, 7, 1),
        subdomain=subdomain,
        gyomu_codes=["juminkiroku"],
        networks=["10.1.0.0/16"],
        admin_username=None,
        acting_user=None,
    ).municipality


def _files(media: Path, schema: str) -> list[Path]:
    """A certificate and an import inbox file, as the storage lays them out."""
    paths = [
        media / schema / "certificates" / "2025" / "a.pdf",
        media / schema / "migration" / "import" / "inbox" / "b.csv",
    ]
    for path in paths:
        path.parent.mkdir(parents=True)
        path.write_bytes(schema.encode() + b" data")
    return paths


@pytest.fixture
def towns(world, media: Path) -> list[Municipality]:
    return [_town(world, *t) for t in TOWNS]


def test_dropping_a_town_removes_its_schema_rows_and_files_and_nothing_of_the_other(
    towns, media: Path, django_capture_on_commit_callbacks
):
    # given: two towns, each with files of its own
    ninomiya, hakone = towns
    _files(media, ninomiya.schema_name)
    kept = _files(media, hakone.schema_name)
    # when: 二宮町 is dropped
    with django_capture_on_commit_callbacks(execute=True):
        municipality_drop(municipality=ninomiya, acting_user=None)
    # then: its schema, rows and folder are gone
    assert not schema_exists(ninomiya.schema_name)
    assert not Municipality.objects.filter(pk=ninomiya.pk).exists()
    assert not Domain.objects.filter(tenant_id=ninomiya.pk).exists()
    assert not Subscription.objects.filter(municipality_id=ninomiya.pk).exists()
    assert not (media / ninomiya.schema_name).exists()
    # and 箱根町 keeps its schema and every file, byte for byte
    assert schema_exists(hakone.schema_name)
    assert Municipality.objects.filter(pk=hakone.pk).exists()
    assert [p.read_bytes() for p in kept] == [b"m143618 data"] * 2
    assert sorted(p.name for p in media.iterdir()) == [hakone.schema_name]


def test_a_drop_rolled_back_leaves_the_town_and_its_files(
    towns, media: Path, django_capture_on_commit_callbacks
):
    # given
    ninomiya = towns[0]
    files = _files(media, ninomiya.schema_name)

    # when: the transaction around the drop fails after it
    class Stop(Exception):
        pass

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(Stop),
        transaction.atomic(),
    ):
        municipality_drop(municipality=ninomiya, acting_user=None)
        raise Stop
    # then: nothing was dropped or removed
    assert not [c for c in callbacks if getattr(c, "func", None) is town_media_remove]
    assert schema_exists(ninomiya.schema_name)
    assert Municipality.objects.filter(pk=ninomiya.pk).exists()
    assert all(p.is_file() for p in files)


def test_a_town_whose_folder_is_a_link_is_refused_before_anything_is_dropped(
    towns, media: Path, tmp_path: Path, django_capture_on_commit_callbacks
):
    # given: 二宮町's folder is a link to a folder outside MEDIA_ROOT
    ninomiya = towns[0]
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_text("keep")
    (media / ninomiya.schema_name).symlink_to(outside, target_is_directory=True)
    # when / then: refused; the town, its schema and the folder outside are all there
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(TownMediaError):
        municipality_drop(municipality=ninomiya, acting_user=None)
    assert schema_exists(ninomiya.schema_name)
    assert Municipality.objects.filter(pk=ninomiya.pk).exists()
    assert (outside / "keep.txt").read_text() == "keep"


@pytest.mark.parametrize(
    "schema", ["public", "..", "../media", "m143421/..", "", "M143421", "/tmp"]
)
def test_names_that_are_not_a_towns_folder_are_refused(media: Path, schema: str):
    # given: a file directly in MEDIA_ROOT
    (media / "root.txt").write_text("root")
    # when / then
    with pytest.raises(TownMediaError):
        town_media_remove(schema)
    assert (media / "root.txt").read_text() == "root"


def test_removing_a_folder_follows_no_link_inside_it(media: Path, tmp_path: Path):
    # given: a town's folder holding a link to a folder outside MEDIA_ROOT
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_text("keep")
    folder = media / "m143421"
    folder.mkdir()
    (folder / "link").symlink_to(outside, target_is_directory=True)
    (folder / "own.txt").write_text("own")
    # when
    assert town_media_remove("m143421") is True
    # then: the folder is gone, the folder the link pointed to is not
    assert not folder.exists()
    assert (outside / "keep.txt").read_text() == "keep"
    # and a town without files is no error
    assert town_media_remove("m143421") is False
    assert town_media_folder("m143421") == media.resolve() / "m143421"
