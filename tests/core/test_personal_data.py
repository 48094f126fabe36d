"""The registry of personal data: every area's holder is found, and export, erase and expire run
over all of them."""

import sys
from datetime import UTC, datetime

import pytest

from app.core import personal_data


@pytest.fixture(autouse=True)
def only_these_holders(monkeypatch):
    """The areas' own holders (app/<area>/personal_data.py) need a database: these tests see
    only the holders they register."""
    monkeypatch.setattr(personal_data, "_HOLDERS", {})


@pytest.fixture
def only_test_holders(monkeypatch):
    """The registry without the areas' real holders (they need an app and its database)."""
    monkeypatch.setattr(personal_data, "_HOLDERS", {})


@pytest.fixture
def two_holders(only_test_holders):
    stored = {"notes": {7: ["a", "b"]}, "photos": {7: ["p.jpg"]}}
    expired = []
    notes = personal_data.Holder(
        name="test_notes",
        export=lambda worker_id: stored["notes"].get(worker_id, []),
        erase=lambda worker_id: len(stored["notes"].pop(worker_id, [])),
        expire=lambda now: expired.append(now) or 3,
    )
    photos = personal_data.Holder(
        name="test_photos",
        export=lambda worker_id: stored["photos"].get(worker_id, []),
        erase=lambda worker_id: len(stored["photos"].pop(worker_id, [])),
    )
    for holder in (notes, photos):
        personal_data.register(holder)
    yield stored, expired
    for holder in (notes, photos):
        personal_data.unregister(holder.name)


def test_export_and_erase_cover_every_holder(two_holders):
    exported = personal_data.export_all(7)
    assert exported["test_notes"] == ["a", "b"] and exported["test_photos"] == ["p.jpg"]
    erased = personal_data.erase_all(7)
    assert (erased["test_notes"], erased["test_photos"]) == (2, 1)
    assert personal_data.export_all(7)["test_notes"] == []


def test_expire_runs_only_holders_with_a_retention_period(two_holders):
    _, expired = two_holders
    moment = datetime(2026, 12, 3, 16, 0, tzinfo=UTC)
    removed = personal_data.expire_all(moment)
    assert removed["test_notes"] == 3 and "test_photos" not in removed
    assert expired == [moment]


def test_revoke_runs_only_holders_that_depend_on_grants(two_holders, only_test_holders):
    stored, _ = two_holders
    photos = personal_data.Holder(
        name="test_revocable",
        export=lambda worker_id: [],
        erase=lambda worker_id: 0,
        revoke=lambda worker_id, feature: len(stored["photos"].pop(worker_id, [])) if feature == "photos" else 0,
    )
    personal_data.register(photos)
    assert personal_data.revoke_all(7, "location") == {"test_revocable": 0}
    assert personal_data.revoke_all(7, "photos") == {"test_revocable": 1}
    assert stored["photos"] == {} and stored["notes"] == {7: ["a", "b"]}


def test_load_holders_imports_each_areas_module(tmp_path, monkeypatch, only_test_holders):
    package = tmp_path / "fake_areas"
    (package / "alpha").mkdir(parents=True)
    (package / "beta").mkdir()
    (package / "__init__.py").write_text("")
    (package / "alpha" / "__init__.py").write_text("")
    (package / "beta" / "__init__.py").write_text("")
    (package / "alpha" / "personal_data.py").write_text(
        "from app.core import personal_data\n"
        "personal_data.register(personal_data.Holder('alpha_rows', export=lambda w: [w], erase=lambda w: 1))\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    import fake_areas

    try:
        assert personal_data.load_holders(fake_areas) == ["fake_areas.alpha.personal_data"]
        assert personal_data.export_all(5)["alpha_rows"] == [5]
    finally:
        personal_data.unregister("alpha_rows")
        for name in [m for m in sys.modules if m.startswith("fake_areas")]:
            del sys.modules[name]
