"""`senco remind`: each person who follows the caseload gets one email of their overdue and
soon-due EHC deadlines, with initials and links only; a dry run sends nothing; each email is
an audit entry naming its pupils."""

import datetime as dt
import io
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from senco.audit.models import AuditEntry
from senco.ehcp.models import EHCPlan
from senco.pupils.models import Pupil
from tests import targets
from tests.ehcp import helpers

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_URL = "https://senco.school.example"


def remind(*args: str) -> str:
    out = io.StringIO()
    call_command("remind", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def overdue(pupil: Pupil) -> EHCPlan:
    plan = helpers.ehc_plan_for(pupil)
    plan.reviews.all().delete()
    EHCPlan.objects.filter(pk=plan.pk).update(
        issued_on=dt.date.today() - dt.timedelta(days=400), last_reviewed_on=None
    )
    return plan


def sent_to(address: str) -> list:
    return [m for m in mail.outbox if m.to == [address]]


def test_the_senco_and_the_head_each_get_one_email_with_initials_and_links():
    pupil = targets.taught_pupil()
    overdue(pupil)
    remind()
    for address in ("senco@demo.example.org", "head@demo.example.org"):
        (email,) = sent_to(address)
        assert "overdue" in email.subject
        assert f"{pupil.initials}: Annual review due" in email.body
        assert f"https://senco.school.example/pupils/{pupil.public_id}/ehcp/" in email.body
        assert "https://senco.school.example/ehcp/" in email.body
    for nobody in ("teacher", "ta", "parent", "governor", "admin", "other_senco"):
        assert sent_to(f"{nobody}@demo.example.org") == []


def test_no_name_is_in_any_subject_or_body():
    overdue(targets.taught_pupil())
    remind()
    assert mail.outbox
    school = targets.home_school()
    for pupil in Pupil.objects.filter(school=school):
        for email in mail.outbox:
            text = email.subject + email.body
            assert pupil.legal_last_name not in text and pupil.full_name not in text


def test_only_deadlines_overdue_or_due_within_the_days_asked_are_listed():
    pupil = targets.taught_pupil()
    plan = overdue(pupil)
    helpers.consultation(child_initials="Z.Q.", received_on=dt.date.today())  # due in 15 days
    remind("--days", "14")
    (email,) = sent_to("senco@demo.example.org")
    assert "Z.Q." not in email.body and pupil.initials in email.body
    mail.outbox.clear()
    remind("--days", "15", "--force")
    (email,) = sent_to("senco@demo.example.org")
    assert "Z.Q.: Answer the LA consultation" in email.body
    assert plan.local_authority  # the LA is not needed to read the email


def test_a_dry_run_prints_who_would_get_what_and_sends_nothing():
    pupil = targets.taught_pupil()
    overdue(pupil)
    before = AuditEntry.objects.filter(action="ehcp.reminders_sent").count()
    out = remind("--dry-run")
    assert mail.outbox == []
    assert "senco at" in out and f"{pupil.initials}: Annual review due" in out
    assert "would be sent" in out
    assert AuditEntry.objects.filter(action="ehcp.reminders_sent").count() == before


def test_each_email_is_an_audit_entry_naming_its_pupils_and_a_second_run_sends_nothing():
    pupil = targets.taught_pupil()
    overdue(pupil)
    remind()
    entries = AuditEntry.objects.filter(action="ehcp.reminders_sent")
    assert entries.count() == len(mail.outbox) == 2
    assert {e.actor_label for e in entries} == {"senco", "head"}
    assert all(pupil.pk in e.pupil_ids for e in entries)
    mail.outbox.clear()
    assert "already reminded today" in remind()
    assert mail.outbox == []


def test_only_the_school_asked_for():
    overdue(targets.taught_pupil())
    remind("--school", targets.other_school().urn)
    assert mail.outbox == []
    with pytest.raises(CommandError, match="No school has the URN"):
        remind("--school", "000000")
    with pytest.raises(CommandError, match="from 0 to 366"):
        remind("--days", "-1")


def test_the_senco_command_runs_it():
    senco = Path(sys.executable).with_name("senco")
    done = subprocess.run([senco, "remind", "--help"], capture_output=True, text=True, check=True)
    assert "--dry-run" in done.stdout and "--days" in done.stdout
