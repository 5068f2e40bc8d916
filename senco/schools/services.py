"""Changes to a school's calendar: one transaction each."""

from django.conf import settings
from django.db import transaction

from senco.schools.calendar import parse_term_dates
from senco.schools.models import AcademicYear, School, Term


@transaction.atomic
def school_year(school: School, start_year: int) -> AcademicYear:
    """The school's year starting in September of `start_year`, made with the default term dates
    (SENCO_TERM_DATES) the first time it is needed; the school then edits its own dates."""
    year, created = AcademicYear.objects.get_or_create(school=school, start_year=start_year)
    if created:
        Term.objects.bulk_create(
            Term(academic_year=year, name=name, starts=starts, ends=ends)
            for name, starts, ends in parse_term_dates(settings.SENCO_TERM_DATES, start_year)
        )
    return year
