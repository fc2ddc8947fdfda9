"""Issue 19 item 4: the signed exit bundle and its verification.

A finished export is signed (bundle.json with layout versions, record counts, SHA-256
per file, town, time, product version and the public key; bundle.sig, Ed25519), downloaded
as one ZIP by the 管理 role (an EXPORT in the access log) and verified by
``manage.py migration_bundle_verify``: an untouched bundle passes, and a tampered file, a
tampered manifest and a wrong key are each named. 葉山町's bundle holds none of 寒川町's
rows, and 寒川町 cannot reach it.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import re
import shutil
import zipfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError

from juminkiroku.tests.factories import family, household_tennyu
from migration_io.bundle.keys import SigningKeyError, key_id, public_key, public_pem, signing_key
from migration_io.bundle.sign import (
    BUNDLE,
    PUBLIC_KEY,
    SIGNATURE,
    BundleError,
    bundle_body,
    bundle_sign,
    bundle_zip,
    product_version,
)
from migration_io.bundle.verify import bundle_verify
from migration_io.jobkinds import EXPORT, MANIFEST, export_dir
from migration_io.tests.test_export import _export, _hayama_registry
from tenants.accesslog.models import AccessAction, AccessLog
from tenants.db import connection
from tests.personas import ALPHA_HOST, BETA_HOST

pytestmark = pytest.mark.django_db


@pytest.fixture
def bundles() -> Iterator[list[tuple[Any, Any]]]:
    """Exports made by a test; their folders are removed afterwards."""
    made: list[tuple[Any, Any]] = []
    yield made
    for town, job in made:
        connection.set_tenant(town.municipality)
        shutil.rmtree(default_storage.path(export_dir(job)), ignore_errors=True)
    connection.set_schema_to_public()


@pytest.fixture(autouse=True)
def _key(settings: Any, tmp_path: Path) -> Path:
    """A development key of this test's own, made on first use."""
    path = tmp_path / "keys" / "bundle.pem"
    settings.JC_BUNDLE_SIGNING_KEY = ""
    settings.JC_BUNDLE_DEV_KEY = path
    return path


def _signed(alpha: Any, capture: Any, made: list, **params: Any) -> Any:
    connection.set_tenant(alpha.municipality)
    job = _export(alpha, capture, made, **{"formats": ["csv", "xml"], **params})
    connection.set_tenant(alpha.municipality)
    bundle_sign(job)
    return job


def _zip_to(job: Any, target: Path) -> Path:
    body = bundle_body(job)
    assert body is not None
    target.write_bytes(b"".join(bundle_zip(job, body)))
    return target


def _unzip(zip_path: Path, folder: Path) -> Path:
    with zipfile.ZipFile(zip_path) as zf:
        zf.extractall(folder)
    (inner,) = list(folder.iterdir())
    return inner


def _verify(path: Path, *args: str) -> tuple[bool, str]:
    out = io.StringIO()
    try:
        call_command("migration_bundle_verify", str(path), *args, stdout=out)
    except CommandError as exc:
        return False, out.getvalue() + str(exc)
    return True, out.getvalue()


def test_the_dev_key_is_made_once_with_mode_600_and_a_named_missing_key_is_an_error(
    _key: Path, settings: Any, tmp_path: Path
):
    # when
    first = signing_key()
    second = signing_key()
    # then: one key, private to the owner
    assert _key.stat().st_mode & 0o777 == 0o600
    assert key_id(first.public_key()) == key_id(second.public_key())
    assert len(key_id(public_key())) == 16
    # a configured key that is missing is never generated
    settings.JC_BUNDLE_SIGNING_KEY = str(tmp_path / "nowhere.pem")
    with pytest.raises(SigningKeyError):
        signing_key()
    assert not (tmp_path / "nowhere.pem").exists()


def test_a_signed_bundle_carries_its_manifest_and_verifies(
    alpha, bundles, django_capture_on_commit_callbacks, tmp_path: Path, monkeypatch
):
    # given: a town with a few households, exported in small chunks
    connection.set_tenant(alpha.municipality)
    _hayama_registry()
    monkeypatch.setattr(EXPORT, "chunk_records", 2)
    # when
    job = _signed(alpha, django_capture_on_commit_callbacks, bundles)
    body = bundle_body(job)
    # then: the signed manifest says what the issue asks
    assert body is not None
    assert body["town"] == {"dantai_code": "143014", "name": alpha.municipality.name}
    assert body["product"]["version"] == product_version()
    assert body["layouts"] == [
        {"code": "jumin_kihon_daicho", "title": body["layouts"][0]["title"], "version": "2.x-推定1"}
    ]
    by_name = {f["name"]: f for f in body["files"]}
    assert by_name["JUMIN.csv"]["records"] == by_name["JUMIN.xml"]["records"] == 5
    assert by_name[MANIFEST]["records"] is None and len(by_name[MANIFEST]["sha256"]) == 64
    assert len(body["files"]) == 8 * 2 + 5 + 1
    assert body["public_key"]["key_id"] == key_id(public_key())
    # the signature is Ed25519 over bundle.json's bytes
    zip_path = _zip_to(job, tmp_path / "bundle.zip")
    with zipfile.ZipFile(zip_path) as zf:
        names = zf.namelist()
        folder = names[0].split("/")[0]
        data = zf.read(f"{folder}/{BUNDLE}")
        signature = base64.b64decode(zf.read(f"{folder}/{SIGNATURE}"))
        pem = zf.read(f"{folder}/{PUBLIC_KEY}")
    assert folder == f"exit_bundle_143014_{job.pk}"
    public_key().verify(signature, data)  # raises if not
    assert pem.decode() == public_pem(public_key())
    # and the command verifies the ZIP and the unpacked folder, with the platform's key
    # or with the published PEM
    ok, out = _verify(zip_path)
    assert ok, out
    assert "OK" in out and "22個" in out and "143014" in out
    pem_path = tmp_path / "published.pem"
    pem_path.write_text(public_pem(public_key()))
    unpacked = _unzip(zip_path, tmp_path / "unpacked")
    ok, out = _verify(unpacked, "--public-key", str(pem_path))
    assert ok, out


def test_a_tampered_file_is_named_with_its_checksums(
    alpha, bundles, django_capture_on_commit_callbacks, tmp_path: Path
):
    # given: a verified bundle, unpacked
    _hayama_registry_in(alpha)
    job = _signed(alpha, django_capture_on_commit_callbacks, bundles)
    folder = _unzip(_zip_to(job, tmp_path / "b.zip"), tmp_path / "x")
    # when: one byte of one data file changes (same size), another file is removed and a
    # stranger is added
    target = folder / "SETAI.csv"
    data = bytearray(target.read_bytes())
    data[-3] = ord("9") if data[-3] != ord("9") else ord("8")
    target.write_bytes(bytes(data))
    (folder / "IDO.xml").unlink()
    (folder / "extra.csv").write_text("x")
    # then: each is named; the signature itself is fine
    report = bundle_verify(folder, trusted=public_key())
    assert report.signature_ok and not report.ok
    problems = {f.name: f.problem for f in report.findings}
    assert set(problems) == {"SETAI.csv", "IDO.xml", "extra.csv"}
    assert "SHA-256 が違います" in problems["SETAI.csv"]
    assert problems["IDO.xml"] == "ありません。"
    assert "記載のないファイル" in problems["extra.csv"]
    ok, out = _verify(folder)
    assert not ok and "NG SETAI.csv: SHA-256 が違います" in out and "3件の相違" in out


def test_a_tampered_manifest_is_named(
    alpha, bundles, django_capture_on_commit_callbacks, tmp_path: Path
):
    # given
    _hayama_registry_in(alpha)
    job = _signed(alpha, django_capture_on_commit_callbacks, bundles)
    folder = _unzip(_zip_to(job, tmp_path / "b.zip"), tmp_path / "x")
    # when: someone lowers a record count in bundle.json (and fixes nothing else)
    body = json.loads((folder / BUNDLE).read_text(encoding="utf-8"))
    body["files"][0]["records"] -= 1
    (folder / BUNDLE).write_text(json.dumps(body, ensure_ascii=False, indent=2), encoding="utf-8")
    # then: the signature no longer holds, and bundle.json is named
    report = bundle_verify(folder, trusted=public_key())
    assert not report.signature_ok
    assert [str(f) for f in report.findings] == [
        "bundle.json: 署名が一致しません。署名の後に bundle.json が変更されています。"
    ]
    # a changed file whose new checksum is written into the manifest: still caught
    (folder / "SETAI.csv").write_bytes(b"changed")
    entry = next(f for f in body["files"] if f["name"] == "SETAI.csv")
    entry["sha256"] = hashlib.sha256(b"changed").hexdigest()
    entry["bytes"] = 7
    (folder / BUNDLE).write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")
    ok, out = _verify(folder)
    assert not ok and "NG bundle.json: 署名が一致しません" in out


def test_a_wrong_key_is_named(alpha, bundles, django_capture_on_commit_callbacks, tmp_path: Path):
    # given: a bundle signed by this platform
    _hayama_registry_in(alpha)
    job = _signed(alpha, django_capture_on_commit_callbacks, bundles)
    zip_path = _zip_to(job, tmp_path / "b.zip")
    # when: checked against another key (someone else's published key)
    other = Ed25519PrivateKey.generate().public_key()
    other_pem = tmp_path / "other.pem"
    other_pem.write_bytes(
        other.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    report = bundle_verify(zip_path, trusted=other)
    # then: the key is named (both ids), and the signature does not hold
    assert not report.signature_ok
    problems = [str(f) for f in report.findings]
    assert problems[0].startswith(f"bundle.sig: 署名した鍵（鍵ID {key_id(public_key())}）")
    assert key_id(other) in problems[0]
    assert problems[1] == "bundle.sig: 照合に使う公開鍵では署名を確かめられません。"
    assert report.files_checked == 22  # the files are still checked, and match
    ok, out = _verify(zip_path, "--public-key", str(other_pem))
    assert not ok and "NG bundle.sig" in out
    # and a bundle re-signed by another key that claims ours is refused too
    folder = _unzip(zip_path, tmp_path / "x")
    forger = Ed25519PrivateKey.generate()
    (folder / SIGNATURE).write_bytes(base64.b64encode(forger.sign((folder / BUNDLE).read_bytes())))
    report = bundle_verify(folder, trusted=public_key())
    assert [f.name for f in report.findings] == ["bundle.json"] and not report.ok


def test_signing_refuses_a_file_changed_since_the_export(
    alpha, bundles, django_capture_on_commit_callbacks
):
    # given
    _hayama_registry_in(alpha)
    job = _export(alpha, django_capture_on_commit_callbacks, bundles, formats=["csv"])
    connection.set_tenant(alpha.municipality)
    path = default_storage.path(f"{export_dir(job)}/JUMIN.csv")
    with open(path, "ab") as handle:
        handle.write(b"extra\r\n")
    # when / then
    with pytest.raises(BundleError, match=re.escape("JUMIN.csv が出力した時の内容と違います")):
        bundle_sign(job)
    assert bundle_body(job) is None


def _hayama_registry_in(alpha: Any) -> None:
    connection.set_tenant(alpha.municipality)
    _hayama_registry()


def test_screens_sign_download_and_log_and_the_other_town_cannot_reach_it(
    alpha, beta, bundles, django_capture_on_commit_callbacks, login, tmp_path: Path
):
    # given: people in both towns, an export of 葉山町
    connection.set_tenant(beta.municipality)
    household_tennyu("samukawa", members=family("寒川", "サムカワ"), ido_date=date(2020, 5, 1))
    _hayama_registry_in(alpha)
    job = _export(alpha, django_capture_on_commit_callbacks, bundles, formats=["csv"])
    connection.set_schema_to_public()
    admin = login("hayama-admin", ALPHA_HOST)
    clerk = login("hayama-clerk", ALPHA_HOST)
    # the key screen is open to the 業務; the bundles to its 管理 role only
    page = clerk.get("/migration/bundle/key/").content.decode()
    assert key_id(public_key()) in page and "BEGIN PUBLIC KEY" in page
    assert clerk.get("/migration/bundle/").status_code == 403
    assert clerk.get(f"/migration/bundle/{job.pk}/").status_code == 403
    listing = admin.get("/migration/bundle/").content.decode()
    assert f"移行ファイル #{job.pk}" in listing and "未署名" in listing
    assert admin.get(f"/migration/bundle/{job.pk}/download/").status_code == 404  # unsigned
    # when: the administrator signs
    r = admin.post(f"/migration/bundle/{job.pk}/")
    assert r.status_code == 302
    detail = admin.get(f"/migration/bundle/{job.pk}/").content.decode()
    assert "JUMIN.csv" in detail and key_id(public_key()) in detail and "署名済み" not in detail
    assert "署名済み" in admin.get("/migration/bundle/").content.decode()
    # and downloads the ZIP
    r = admin.get(f"/migration/bundle/{job.pk}/download/")
    assert r.status_code == 200 and r["Content-Type"] == "application/zip"
    zip_path = tmp_path / "dl.zip"
    zip_path.write_bytes(b"".join(r.streaming_content))
    assert bundle_verify(zip_path, trusted=public_key()).ok
    # then: the download is an EXPORT with the bundle's personal records
    connection.set_tenant(alpha.municipality)
    row = AccessLog.objects.filter(record_type="mio_bundle").latest("id")
    assert row.action == AccessAction.EXPORT and row.username == "hayama-admin"
    body = bundle_body(job)
    assert body is not None
    # every record of every personal file, counted once (one format)
    expected = sum(f["records"] for f in body["files"] if f["personal"])
    assert row.record_id == str(job.pk) and row.record_count == expected > 5
    # and nothing of 寒川町 is in it
    with zipfile.ZipFile(zip_path) as zf:
        text = b"".join(zf.read(n) for n in zf.namelist()).decode("utf-8", "replace")
    assert "寒川" not in text and "サムカワ" not in text and "143219" not in text
    # 寒川町's administrator cannot reach it on its own host (job ids are per schema)
    connection.set_schema_to_public()
    other = login("samukawa-admin", BETA_HOST)
    r = other.get(f"/migration/bundle/{job.pk}/download/")
    assert r.status_code == 404  # 寒川町 has no signed export of that number
    # nor a 葉山町 session on 寒川町's host
    admin.defaults["HTTP_HOST"] = BETA_HOST
    assert admin.get(f"/migration/bundle/{job.pk}/").status_code in (302, 403, 404)
    shutil.rmtree(tmp_path, ignore_errors=True)
