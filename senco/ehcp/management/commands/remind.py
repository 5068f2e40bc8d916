"""Email each person who follows an EHC caseload their overdue and soon-due deadlines.

    senco remind                 # every school; deadlines overdue or due within 14 days
    senco remind --days 7 --school 123456
    senco remind --dry-run       # who would get what; nothing sent, nothing logged

Run daily by cron or a systemd timer (docs/deploy.md). In each school, each active account
that may follow the caseload there (the SEN leads and the head) gets one email listing their
deadlines, with the child's initials, what is due, the date and a link: never a name or a
need (DESIGN.md: emails leave the school's server). Nobody with nothing due gets an email.
Each email is one `ehcp.reminders_sent` audit entry naming its pupils, with the person it went
to as the actor; a second run the same day sends nothing again (`--force` does).
"""

import datetime as dt

from django.conf import settings
from django.core.mail import send_mail
from django.core.management.base import BaseCommand, CommandError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from senco import access
from senco.audit import log
from senco.audit.models import AuditEntry
from senco.ehcp import caseload, deadlines
from senco.schools.models import School

ACTION = "ehcp.reminders_sent"


def due_items(items: list[caseload.Item], days: int) -> list[caseload.Item]:
    """The items overdue or due within `days` (an under-five's prompt only when coming)."""
    return [i for i in items if i.days <= days and not (i.status == caseload.PROMPT and i.days < 0)]


def reminder_email(school: School, items: list[caseload.Item], days: int) -> tuple[str, str]:
    """The subject and body: counts, then each deadline's initials, label, date and link."""
    overdue = sum(i.status == deadlines.OVERDUE for i in items)
    coming = len(items) - overdue
    subject = f"EHC deadlines at {school.name}: {overdue} overdue, {coming} due within {days} days"
    context = {
        "school": school,
        "items": items,
        "days": days,
        "site": settings.SITE_URL,
        "caseload": settings.SITE_URL + reverse("ehcp:caseload"),
    }
    return subject, render_to_string("ehcp/email/remind.txt", context)


def sent_today(user, school: School, today: dt.date) -> bool:
    midnight = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
    return AuditEntry.objects.filter(
        action=ACTION, actor_id=user.pk, school_id=school.pk, at__gte=midnight
    ).exists()


class Command(BaseCommand):
    help = "Email each person following an EHC caseload their overdue and soon-due deadlines."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days", type=int, default=14, help="Include deadlines due within this many days."
        )
        parser.add_argument("--school", help="Only this school (its URN).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Print who would get what; send nothing."
        )
        parser.add_argument(
            "--force", action="store_true", help="Send even to those already reminded today."
        )

    def handle(self, *args, **options):
        days = options["days"]
        if not 0 <= days <= 366:
            raise CommandError(f"--days {days}: give a number of days from 0 to 366.")
        schools = School.objects.order_by("name")
        if options["school"]:
            schools = schools.filter(urn=options["school"])
            if not schools.exists():
                raise CommandError(f"No school has the URN {options['school']!r}.")
        today = access.today()
        sent = failed = 0
        for school in schools:
            for user in access.staff_of(school):
                outcome = self.remind(user, school, today, days, options)
                sent += outcome == "sent"
                failed += outcome == "failed"
        verb = "would be sent" if options["dry_run"] else "sent"
        self.stdout.write(f"{sent} reminder email{'s' if sent != 1 else ''} {verb}.")
        if failed:
            raise CommandError(f"{failed} email{'s' if failed != 1 else ''} could not be sent.")

    def remind(self, user, school: School, today: dt.date, days: int, options) -> str:
        """Send one person their reminder for one school: "sent", "failed" or "" (none)."""
        if not access.can(user, "ehcp.caseload", school):
            return ""
        items = due_items(caseload.deadlines_for(user, school, today), days)
        if not items:
            return ""
        who = f"{user.username} at {school.name}"
        if not user.email:
            self.stderr.write(f"{who}: {len(items)} due, but no email address.")
            return ""
        if not options["force"] and sent_today(user, school, today):
            self.stdout.write(f"{who}: already reminded today.")
            return ""
        subject, body = reminder_email(school, items, days)
        if options["dry_run"]:
            self.stdout.write(f"{who} <{user.email}>: {subject}")
            for item in items:
                self.stdout.write(f"  {item.initials}: {item.label}, {item.due:%d/%m/%Y}")
            return "sent"
        try:
            send_mail(subject, body, None, [user.email])
        except OSError as e:  # SMTP refused or unreachable: the others still get theirs
            self.stderr.write(f"{who}: not sent ({e}).")
            return "failed"
        pupils = {i.pupil.pk: i.pupil for i in items if i.pupil is not None}
        log.read_list(user, ACTION, school, pupils.values())
        self.stdout.write(f"{who}: {len(items)} deadline{'s' if len(items) != 1 else ''}.")
        return "sent"
