"""The forms migration 0007 ships are the catalogue's (the migration reads a frozen copy, so a later
edit of the catalogue must come as a new form version, never as a silent change)."""
import json
from pathlib import Path

from backend.devices.forms_catalogue import shipped_forms

FROZEN = Path(__file__).resolve().parents[2] / "migrations" / "data" / "0007_assessment_forms.json"


def test_the_migration_ships_the_catalogues_forms():
    assert json.loads(FROZEN.read_text(encoding="utf-8")) == shipped_forms()
