"""Views, forms, exports and the API reach pupil data only through senco/access.py.

Zulip's habit (DESIGN.md): a test that fails when code facing a user queries a pupil record any
other way. It reads the source of every module that serves people and refuses a manager of a
pupil-data model (`Pupil.objects`, `SenNeed._default_manager`...) and raw SQL. A record reached
through a pupil that access.py returned (`pupil.sen_needs.all()`) is fine.
"""

import ast
from pathlib import Path

from django.apps import apps
from django.db import models

import senco
from senco.pupils.models import Contact, Pupil

ROOT = Path(senco.__file__).parent
# Where pupil data may be queried directly: the gate itself, the models, the service functions
# that change state (called with objects the gate gave; a `services.py` or a `services/`
# package), the import kinds (which act for a whole school once `imports.run` is allowed), the
# demo builder, backups, the audit writer, and pure rule modules.
ALLOWED = {
    "access.py", "models.py", "services.py", "mis.py", "results.py", "photos.py", "log.py",
    "transfers.py",
    "census.py", "calendar.py",
}  # fmt: skip
ALLOWED_DIRS = {"migrations", "demo", "operations", "services"}
MANAGERS = {"objects", "_default_manager", "_base_manager"}


def pupil_data_models() -> set[str]:
    """Pupil and Contact, and every model holding a foreign key to a pupil or a contact."""
    names = {Pupil.__name__, Contact.__name__}
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(
                field, models.ForeignKey | models.OneToOneField
            ) and field.related_model in (Pupil, Contact):
                names.add(model.__name__)
    return names


def surface_modules() -> list[Path]:
    return [
        path
        for path in ROOT.rglob("*.py")
        if path.name not in ALLOWED and not ALLOWED_DIRS & set(path.relative_to(ROOT).parts)
    ]


def offences(path: Path, guarded: set[str], root: Path = ROOT) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if (
            isinstance(node, ast.Attribute)
            and node.attr in MANAGERS
            and isinstance(node.value, ast.Name)
            and node.value.id in guarded
        ):
            found.append(f"{path.relative_to(root)}:{node.lineno} {node.value.id}.{node.attr}")
        if isinstance(node, ast.Attribute) and node.attr in {"raw", "extra"}:
            found.append(f"{path.relative_to(root)}:{node.lineno} .{node.attr}()")
    return found


def test_the_guarded_models_include_the_register_and_contacts():
    assert {"Pupil", "Contact", "PupilContact", "SenStatus", "SenNeed"} <= pupil_data_models()


def test_no_view_form_or_export_queries_pupil_data_except_through_access_py():
    guarded = pupil_data_models()
    found = [o for path in surface_modules() for o in offences(path, guarded)]
    assert found == [], "Reach pupil data through senco/access.py:\n" + "\n".join(found)


def test_the_check_catches_a_direct_query_and_raw_sql(tmp_path):
    sneaky = tmp_path / "views.py"
    sneaky.write_text(
        "def leak(request):\n"
        "    SenNeed._default_manager.all()\n"
        "    return Pupil.objects.raw('SELECT * FROM pupils_pupil')\n"
    )
    assert sorted(offences(sneaky, pupil_data_models(), root=tmp_path)) == [
        "views.py:2 SenNeed._default_manager",
        "views.py:3 .raw()",
        "views.py:3 Pupil.objects",
    ]
