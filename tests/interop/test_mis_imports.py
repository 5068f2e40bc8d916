"""MIS imports through the framework: dry run, apply, idempotence, refusals row by row."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from senco.audit.models import AuditEntry
from senco.interop import services
from senco.interop.models import ImportRun
from senco.pupils.models import Contact, Pupil, PupilContact
from senco.schools.models import Staff, TeachingGroup
from tests import targets

pytestmark = pytest.mark.django_db

PUPILS = (
    "UPN,Legal Surname,Legal Forename,DOB,Gender,Year,FSM\r\n"
    "{upn},Zephyr,Ada,03/04/2016,F,Year 5,Y\r\n"
    ",Quill,Ben,2017-01-30,M,4,N\r\n"
)
GOOD_UPN = "A123456789012"


def good_upn(serial: str = "123456789") -> str:
    """A well-formed UPN with its right check letter (LA 999 is the demo's)."""
    from senco.pupils.census import upn_check_letter

    body = "999" + serial
    return upn_check_letter(body) + body


def run_file(persona, text: str, name="pupils.csv", kind=None) -> ImportRun:
    run = services.upload(persona("senco"), targets.home_school(), name, text.encode())
    services.choose_columns(run, kind or run.kind, run.mapping)
    return services.check(run.pk)


def test_a_pupils_file_is_checked_then_applied_and_a_second_time_changes_nothing(persona):
    text = PUPILS.format(upn=good_upn())
    run = run_file(persona, text)
    assert run.kind == "pupils" and run.status == "checked"
    assert run.report["counts"]["create"] == 2 and not Pupil.objects.filter(upn=good_upn())
    services.apply(run.pk, persona("senco"))
    ada = Pupil.objects.get(upn=good_upn())
    assert (ada.legal_first_name, ada.sex, ada.year_group, ada.free_school_meals) == (
        "Ada",
        "F",
        5,
        True,
    )
    assert ada.sen_provision == "N"
    again = services.apply(run_file(persona, text).pk, persona("senco"))
    assert again.report["counts"] == {
        "create": 0, "change": 0, "same": 2, "refuse": 0, "warnings": 0,
    }  # fmt: skip
    assert AuditEntry.objects.filter(action="pupil.imported").count() == 2
    assert AuditEntry.objects.filter(action="import.applied").count() == 2


def test_a_changed_surname_is_a_change_and_other_fields_are_left_alone(persona):
    pupil = targets.taught_pupil()
    text = f"UPN,Legal Surname,Legal Forename\n{pupil.upn},Newname,{pupil.legal_first_name}\n"
    with pytest.raises(ValidationError, match="Date of birth: every row needs it"):
        run_file(persona, text, kind="pupils")
    text = (
        "UPN,Legal Surname,Legal Forename,DOB\n"
        f"{pupil.upn},Newname,{pupil.legal_first_name},{pupil.date_of_birth:%d/%m/%Y}\n"
    )
    run = run_file(persona, text)
    assert run.report["rows"][0]["changes"] == {
        "legal_last_name": [pupil.legal_last_name, "Newname"]
    }
    services.apply(run.pk, persona("senco"))
    pupil.refresh_from_db()
    assert pupil.legal_last_name == "Newname" and pupil.sen_provision in ("K", "E")


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("X12,Zed,Al,01/01/2016", "A UPN has 13 characters"),
        ("{upn},Zed,Al,31/02/2016", "is not a date"),
        ("{upn},Zed,Al,01/01/1066", "is not a date"),
        ("{upn},,Al,01/01/2016", "is empty"),
        ("{upn},{long},Al,01/01/2016", "the most is 100"),
        ("{upn},Zed,Al,", "every pupil needs one"),
    ],
)
def test_a_bad_row_is_refused_saying_what_and_where_and_nothing_changes(persona, row, message):
    before = Pupil.objects.count()
    text = "UPN,Legal Surname,Legal Forename,DOB\n" + row.format(upn=good_upn(), long="x" * 101)
    run = run_file(persona, text + f"\n{good_upn('555555555')},Fine,Row,01/01/2016\n")
    refused = [r for r in run.report["rows"] if r["outcome"] == "refuse"]
    assert run.status == "refused" and message in " ".join(refused[0]["messages"])
    assert refused[0]["line"] == 2
    assert services.apply(run.pk, persona("senco")).status == "refused"
    assert Pupil.objects.count() == before


def test_a_wrong_check_letter_imports_with_a_warning(persona):
    upn = good_upn()
    wrong = ("B" if upn[0] != "B" else "C") + upn[1:]
    run = run_file(persona, PUPILS.format(upn=wrong))
    assert run.status == "checked"
    row = next(r for r in run.report["rows"] if r["line"] == 2)
    assert "check letter does not match" in row["warnings"][0]
    services.apply(run.pk, persona("senco"))
    assert Pupil.objects.filter(upn=wrong).exists()


def test_a_upn_twice_in_the_file_refuses_both_rows(persona):
    upn = good_upn()
    text = f"UPN,Legal Surname,Legal Forename,DOB\n{upn},A,B,01/01/2016\n{upn},C,D,01/01/2016\n"
    run = run_file(persona, text)
    assert run.report["counts"]["refuse"] == 2
    assert "is on 2 lines (2, 3)" in run.report["rows"][0]["messages"][0]


def test_a_formula_in_a_name_is_kept_as_plain_text(persona):
    text = PUPILS.format(upn=good_upn()).replace("Zephyr", '=HYPERLINK("http://x")')
    services.apply(run_file(persona, text).pk, persona("senco"))
    assert Pupil.objects.get(upn=good_upn()).legal_last_name == '=HYPERLINK("http://x")'


def test_a_pupil_is_found_by_former_upn(persona):
    pupil = targets.taught_pupil()
    upn = good_upn()
    text = (
        "UPN,Former UPN,Legal Surname,Legal Forename,DOB\n"
        f"{upn},{pupil.upn},{pupil.legal_last_name},{pupil.legal_first_name},"
        f"{pupil.date_of_birth:%d/%m/%Y}\n"
    )
    run = run_file(persona, text)
    assert run.report["counts"]["change"] == 1
    services.apply(run.pk, persona("senco"))
    pupil.refresh_from_db()
    assert (pupil.upn, pupil.former_upn) == (upn, pupil.upn if False else pupil.former_upn)


def test_contacts_link_to_pupils_and_a_parent_of_two_is_one_contact(persona):
    a, b = Pupil.objects.filter(school=targets.home_school()).exclude(upn="")[:2]
    text = (
        "UPN,Contact Forename,Contact Surname,Relationship,Parental Responsibility,Email,Mobile\n"
        f"{a.upn},Gwen,Harrow,Mother,Y,gwen@example.org,07700 900123\n"
        f"{b.upn},Gwen,Harrow,mum,yes,gwen@example.org,07700 900123\n"
        "Z000000000000,Nobody,Known,Father,Y,,\n"
    )
    run = run_file(persona, text, name="contacts.csv")
    assert run.kind == "contacts" and run.status == "refused"
    assert "import pupils first" in run.report["rows"][0]["messages"][0]
    run = run_file(persona, "\n".join(text.splitlines()[:3]) + "\n", name="contacts.csv")
    services.apply(run.pk, persona("senco"))
    gwen = Contact.objects.get(email="gwen@example.org")
    assert set(PupilContact.objects.filter(contact=gwen).values_list("pupil", flat=True)) == {
        a.pk, b.pk,
    }  # fmt: skip
    assert PupilContact.objects.get(contact=gwen, pupil=a).relationship == "PAM"
    again = run_file(persona, "\n".join(text.splitlines()[:3]) + "\n", name="contacts.csv")
    assert again.report["counts"]["same"] == 2


def test_staff_are_matched_by_email_then_name(persona):
    member = Staff.objects.filter(school=targets.home_school()).first()
    text = (
        "Title,Forename,Surname,Job Title,Email\n"
        f"{member.title},{member.first_name},{member.last_name},Head of maths,{member.email}\n"
        "Ms,Nia,Newstaff,Teaching assistant,nia@school.example\n"
    )
    run = run_file(persona, text, name="staff.csv")
    assert run.kind == "staff"
    assert run.report["counts"]["create"] == 1 and run.report["counts"]["change"] == 1
    services.apply(run.pk, persona("senco"))
    assert Staff.objects.get(email="nia@school.example").job_title == "Teaching assistant"


def test_a_class_file_sets_the_class_members_and_its_teacher(persona):
    pupils = list(Pupil.objects.filter(school=targets.home_school()).on_roll().exclude(upn="")[:3])
    teacher = Staff.objects.filter(school=targets.home_school()).exclude(email="").first()
    rows = "".join(f"{p.upn},Kestrel,{teacher.email}\n" for p in pupils)
    run = run_file(persona, "UPN,Reg Group,Teacher\n" + rows, name="classes.csv")
    assert run.kind == "groups" and run.report["counts"]["create"] == 3
    services.apply(run.pk, persona("senco"))
    group = TeachingGroup.objects.get(name="Kestrel")
    assert set(group.pupils.values_list("pk", flat=True)) == {p.pk for p in pupils}
    assert group.staffing.get().staff == teacher
    smaller = "UPN,Reg Group,Teacher\n" + "".join(
        f"{p.upn},Kestrel,{teacher.email}\n" for p in pupils[:2]
    )
    run = run_file(persona, smaller, name="classes.csv")
    assert "1 pupil(s) not in the file would leave it" in run.report["file_warnings"][0]
    services.apply(run.pk, persona("senco"))
    assert group.pupils.count() == 2


def test_the_mapping_a_school_chose_is_offered_for_the_next_file_laid_out_the_same(persona):
    text = "Pupil ref,Family,Given,Born\n" + f"{good_upn()},Zed,Al,01/01/2016\n"
    run = services.upload(persona("senco"), targets.home_school(), "odd.csv", text.encode())
    assert run.kind == ""
    mapping = {"upn": "Pupil ref", "legal_last_name": "Family", "legal_first_name": "Given",
               "date_of_birth": "Born"}  # fmt: skip
    services.choose_columns(run, "pupils", mapping)
    later = services.upload(persona("senco"), targets.home_school(), "odd2.csv", text.encode())
    assert (
        services._remembered(targets.home_school(), services.KINDS["pupils"], later.headings)
        == mapping
    )


def test_the_command_line_import_reports_and_exits_by_outcome(persona, tmp_path, capsys):
    good = tmp_path / "pupils.csv"
    good.write_text(PUPILS.format(upn=good_upn()))
    call_command("import", str(good), "--school", "990000", "--dry-run")
    assert "2 to add" in capsys.readouterr().out and not Pupil.objects.filter(upn=good_upn())
    call_command("import", str(good), "--school", "990000")
    assert "Applied." in capsys.readouterr().out and Pupil.objects.filter(upn=good_upn())
    bad = tmp_path / "bad.csv"
    bad.write_text("UPN,Legal Surname,Legal Forename,DOB\nX,Y,Z,not a date\n")
    with pytest.raises(SystemExit) as exited:
        call_command("import", str(bad), "--school", "990000")
    assert exited.value.code == 1
    assert "Refused: nothing was changed" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nowhere.csv", "--school", "990000"], "is not a file"),
        (["{file}"], "several schools"),
        (["{file}", "--school", "999999"], "No school has the URN"),
    ],
)
def test_the_command_line_refuses_bad_arguments(tmp_path, args, message):
    from django.core.management import CommandError

    f = tmp_path / "p.csv"
    f.write_text("a,b\n1,2\n")
    with pytest.raises(CommandError, match=message):
        call_command("import", *[a.format(file=f) for a in args])


def test_the_pages_upload_map_check_and_apply(client_for):
    client = client_for("senco")
    upload = SimpleUploadedFile("pupils.csv", PUPILS.format(upn=good_upn()).encode())
    response = client.post("/imports/", {"file": upload})
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert b"What the columns hold" in page.content
    run = ImportRun.objects.latest("id")
    form = {"step": "columns", "kind": "pupils", **run.mapping}
    client.post(response["Location"], form)
    run.refresh_from_db()
    assert run.status == "checked"
    assert b"Apply: add 2 and change 0" in client.get(response["Location"]).content
    client.post(response["Location"], {"step": "apply"})
    run.refresh_from_db()
    assert run.status == "applied" and Pupil.objects.filter(upn=good_upn()).exists()


def test_an_upload_that_is_not_a_spreadsheet_says_so_and_keeps_nothing(client_for):
    upload = SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\nrest")
    response = client_for("senco").post("/imports/", {"file": upload})
    assert b"This is a PNG picture, not a spreadsheet" in response.content
    assert not ImportRun.objects.exclude(kind="ctf").exists()  # the demo has one waiting CTF
    assert AuditEntry.objects.filter(action="import.refused").exists()


def test_an_upload_over_the_limit_is_refused_before_it_is_read(client_for, settings):
    settings.SENCO_IMPORT_MAX_MB = 1
    upload = SimpleUploadedFile("big.csv", b"a,b\n" + b"1,2\n" * 300_000)
    response = client_for("senco").post("/imports/", {"file": upload})
    assert b"the largest accepted is 1 MB" in response.content
    assert not ImportRun.objects.exclude(kind="ctf").exists()  # the demo has one waiting CTF


def test_a_teacher_cannot_import_and_another_schools_import_is_not_found(client_for, persona):
    assert client_for("teacher").get("/imports/").status_code == 403
    run = services.upload(persona("senco"), targets.home_school(), "p.csv", b"UPN,x\nA,1\n")
    assert client_for("other_senco").get(f"/imports/{run.public_id}/").status_code == 404


def test_sen_entries_load_once_then_disagreements_are_listed_not_overwritten(persona, client_for):
    fresh = (
        Pupil.objects.filter(school=targets.home_school(), sen_statuses__isnull=True)
        .exclude(upn="")
        .first()
    )
    on_register = targets.taught_pupil()
    text = (
        "UPN,SEN Status,Primary Need,Secondary Need\n"
        f"{fresh.upn},K,SpLD,\n"
        f"{on_register.upn},E,ASD,SLCN\n"
    )
    run = run_file(persona, text, name="sen.csv")
    assert run.kind == "sen" and run.report["counts"]["create"] == 1
    services.apply(run.pk, persona("senco"))
    fresh.refresh_from_db()
    assert (fresh.sen_provision, fresh.primary_need) == ("K", "SPLD")
    assert fresh.sen_statuses.get().source == "imported"
    on_register.refresh_from_db()
    before = on_register.sen_provision
    page = client_for("senco").get("/imports/disagreements/").content.decode()
    assert on_register.full_name in page and "E: ASD, SLCN" in page
    assert on_register.sen_provision == before


@pytest.mark.parametrize(
    ("cells", "message"),
    [("Q,SPLD", "is not an SEN status"), ("K,Dyslexia", "is not a census type of need")],
)
def test_unknown_sen_codes_are_refused(persona, cells, message):
    pupil = targets.taught_pupil()
    run = run_file(persona, f"UPN,SEN Status,Primary Need\n{pupil.upn},{cells}\n", name="sen.csv")
    assert message in run.report["rows"][0]["messages"][0]


def test_an_imported_entry_that_breaks_a_census_rule_comes_in_with_a_warning(persona):
    fresh = (
        Pupil.objects.filter(school=targets.home_school(), sen_statuses__isnull=True)
        .exclude(upn="")
        .first()
    )
    run = run_file(persona, f"UPN,SEN Status,Primary Need\n{fresh.upn},E,NSA\n", name="sen.csv")
    assert run.status == "checked" and "Census rule" in run.report["rows"][0]["warnings"][0]


def test_applicants_joining_next_year_are_listed_apart_from_the_roll(persona, client_for):
    import datetime as dt

    joins = dt.date.today() + dt.timedelta(days=200)
    text = (
        "UPN,Legal Surname,Legal Forename,DOB,Admission Date\n"
        f"{good_upn()},Newcombe,Pip,01/01/2022,{joins:%d/%m/%Y}\n"
    )
    services.apply(run_file(persona, text).pk, persona("senco"))
    pip = Pupil.objects.get(upn=good_upn())
    assert pip not in Pupil.objects.on_roll() and pip in Pupil.objects.joining()
    senco = client_for("senco")
    assert "0 pupils matching" in senco.get("/pupils/", {"q": "Newcombe"}).content.decode()
    joining = senco.get("/pupils/", {"q": "Newcombe", "joining": "on"}).content.decode()
    assert "1 pupil matching" in joining and "Pip" in joining
    assert "joining the school" in senco.get("/").content.decode()


def test_attendance_comes_as_sessions_or_a_percentage_and_again_changes_nothing(persona):
    a, b = Pupil.objects.filter(school=targets.home_school()).on_roll().exclude(upn="")[:2]
    text = (
        "UPN,From,To,Possible sessions,Sessions attended,Attendance %\n"
        f"{a.upn},05/01/2026,27/03/2026,104,96,\n"
        f"{b.upn},05/01/2026,27/03/2026,,,88.5%\n"
    )
    run = run_file(persona, text, name="attendance.csv")
    assert run.kind == "attendance" and run.report["counts"]["create"] == 2
    services.apply(run.pk, persona("senco"))
    assert str(a.attendance.get(starts="2026-01-05").percent) == "92.3"
    assert str(b.attendance.get(starts="2026-01-05").percent) == "88.5"
    assert run_file(persona, text, name="attendance.csv").report["counts"]["same"] == 2


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        ("01/09/2026,20/11/2026,100,120,", "cannot be"),
        ("20/11/2026,01/09/2026,100,90,", "the last on or after the first"),
        ("01/09/2026,20/11/2026,,,", "or the attendance %"),
        ("01/09/2026,20/11/2026,,,140", "is not between 0 and 100"),
        ("01/09/2026,20/11/2026,ten,9,", "is not a number of sessions"),
    ],
)
def test_impossible_attendance_is_refused(persona, cells, message):
    pupil = targets.taught_pupil()
    text = "UPN,From,To,Possible sessions,Sessions attended,Attendance %\n"
    run = run_file(persona, text + f"{pupil.upn},{cells}\n", name="attendance.csv")
    assert message in " ".join(run.report["rows"][0]["messages"])


def test_suspensions_are_imported_once(persona, client_for):
    pupil = targets.taught_pupil()
    text = (
        "UPN,Suspension start,Sessions,Reason,Type\n"
        f"{pupil.upn},03/10/2026,4,Persistent disruptive behaviour,Fixed term\n"
    )
    run = run_file(persona, text, name="suspensions.csv")
    assert run.kind == "suspensions"
    services.apply(run.pk, persona("senco"))
    assert pupil.suspensions.get().sessions == 4
    assert run_file(persona, text, name="suspensions.csv").report["counts"]["same"] == 1
    record = client_for("senco").get(f"/pupils/{pupil.public_id}/").content.decode()
    assert "Persistent disruptive behaviour" in record
    assert (
        "Persistent disruptive"
        not in client_for("teacher").get(f"/pupils/{pupil.public_id}/").content.decode()
    )


def results_file(rows: list[str]) -> str:
    return "UPN,Assessment,Date,Result\n" + "".join(r + "\n" for r in rows)


def test_assessment_results_import_and_a_second_time_change_nothing(persona):
    from senco.assessment.models import AssessmentType, Result

    pupil = targets.taught_pupil()
    reading = AssessmentType.objects.filter(school=pupil.school, kind="reading_age").first()
    text = results_file([f"{pupil.upn},{reading.name.upper()},02/11/2026,8.07"])
    run = run_file(persona, text, name="results.csv")
    assert run.kind == "results" and run.report["counts"]["create"] == 1
    services.apply(run.pk, persona("senco"))
    result = Result.objects.get(pupil=pupil, assessment_type=reading, taken_on="2026-11-02")
    assert result.months == 8 * 12 + 7 and result.source == "imported"
    assert run_file(persona, text, name="results.csv").report["counts"]["same"] == 1


@pytest.mark.parametrize(
    ("result", "assessment", "taken_on", "message"),
    [
        ("8.13", "reading", "02/11/2026", "months go from 0 to 11"),
        ("8.07", "No such test", "02/11/2026", "add it under Assessment first"),
        ("8.07", "reading", "02/11/2099", "is in the future"),
        ("8.07", "reading", "", "give the date it was taken"),
        ("=1+1", "reading", "02/11/2026", "Reading age"),
    ],
)
def test_a_bad_result_is_refused_saying_what_and_where(
    persona, result, assessment, taken_on, message
):
    from senco.assessment.models import AssessmentType

    pupil = targets.taught_pupil()
    reading = AssessmentType.objects.filter(school=pupil.school, kind="reading_age").first()
    name = reading.name if assessment == "reading" else assessment
    run = run_file(persona, results_file([f"{pupil.upn},{name},{taken_on},{result}"]), name="r.csv")
    assert run.status == "refused" and message in " ".join(run.report["rows"][0]["messages"])


def test_a_result_entered_by_hand_is_not_overwritten(persona):
    from senco.assessment.models import AssessmentType, Result

    pupil = targets.taught_pupil()
    reading = AssessmentType.objects.filter(school=pupil.school, kind="reading_age").first()
    entered = Result.objects.create(
        pupil=pupil, assessment_type=reading, taken_on="2026-10-01", months=100, source="entered"
    )
    entered.refresh_from_db()
    text = results_file(
        [f"{entered.pupil.upn},{entered.assessment_type.name},{entered.taken_on:%d/%m/%Y},5.01"]
    )
    run = run_file(persona, text, name="r.csv")
    assert (
        run.report["counts"]["same"] == 1
        and "entered by hand" in run.report["rows"][0]["warnings"][0]
    )


def test_the_imports_page_costs_the_same_queries_at_2_and_20_imports(client_for, persona, settings):
    from tests.test_pages import queries

    for n in range(20):
        services.upload(persona("senco"), targets.home_school(), f"f{n}.csv", b"UPN,x\nA,1\n")
    senco = client_for("senco")
    settings.SENCO_PAGE_SIZE = 2
    small = queries(senco, "/imports/")
    settings.SENCO_PAGE_SIZE = 20
    assert queries(senco, "/imports/") == small


def test_the_disagreements_page_costs_the_same_queries_however_many(persona, client_for):
    from tests.test_pages import queries

    pupils = list(Pupil.objects.filter(school=targets.home_school(), sen_provision="K")[:20])
    senco = client_for("senco")

    def disagree(some) -> int:
        rows = "".join(f"{p.upn},E,ASD\n" for p in some)
        services.apply(
            run_file(persona, "UPN,SEN Status,Primary Need\n" + rows, "sen.csv").pk, None
        )
        return queries(senco, "/imports/disagreements/")

    assert disagree(pupils[:2]) == disagree(pupils)


def test_short_rows_and_extra_columns_are_handled_row_by_row(persona):
    text = (
        "UPN,Legal Surname,Legal Forename,DOB,Unrelated column\n"
        f"{good_upn()},Zed,Al,01/01/2016,ignored,and,more,cells\n"
        f"{good_upn('111111111')},Short\n"
    )
    run = run_file(persona, text)
    rows = {r["line"]: r for r in run.report["rows"]}
    assert rows[2]["outcome"] == "create"
    assert rows[3]["outcome"] == "refuse" and "is empty" in rows[3]["messages"][0]


def test_every_kind_explains_itself_in_whole_sentences():
    for kind in services.KINDS.values():
        assert kind.help.endswith((".", ").")), kind.key
        assert kind.help.count(".") >= 1 and len(kind.help) > 40, kind.key


def test_the_report_names_fields_as_the_columns_do(persona, client_for):
    pupil = targets.taught_pupil()
    text = (
        "UPN,Legal Surname,Legal Forename,DOB,FSM\n"
        f"{pupil.upn},{pupil.legal_last_name},{pupil.legal_first_name},"
        f"{pupil.date_of_birth:%d/%m/%Y},{'N' if pupil.free_school_meals else 'Y'}\n"
    )
    run = run_file(persona, text)
    page = client_for("senco").get(f"/imports/{run.public_id}/").content.decode()
    assert "FSM: " in page and ("no" in page and "yes" in page)


def test_a_contacts_file_never_links_an_existing_parent_account_to_another_child(persona):
    from senco.accounts.models import User

    parent = User.objects.get(username="parent")
    contact = Contact.objects.get(user=parent)
    stranger = targets.taught_pupil()
    text = (
        "UPN,Contact Forename,Contact Surname,Relationship,Parental Responsibility,Email\n"
        f"{stranger.upn},{contact.first_name},{contact.last_name},Mother,Y,{contact.email}\n"
    )
    services.apply(run_file(persona, text, name="contacts.csv").pk, persona("senco"))
    assert stranger.pk not in set(
        targets.visible("parent", targets.home_school()).values_list("pk", flat=True)
    )
    assert not PupilContact.objects.filter(pupil=stranger, contact=contact).exists()


def test_two_contacts_with_the_same_name_and_no_email_or_phone_stay_two(persona):
    a, b = Pupil.objects.filter(school=targets.home_school()).on_roll().exclude(upn="")[:2]
    text = (
        "UPN,Contact Forename,Contact Surname,Relationship\n"
        f"{a.upn},John,Smithers,Father\n{b.upn},John,Smithers,Father\n"
    )
    services.apply(run_file(persona, text, name="contacts.csv").pk, persona("senco"))
    assert Contact.objects.filter(first_name="John", last_name="Smithers").count() == 2


def test_a_report_hides_a_pupil_the_viewer_may_not_see(persona, client_for):
    pupil = targets.taught_pupil()
    pupil.is_confidential = True
    pupil.save()
    pupil.confidential_to.set([persona("head")])
    run = run_file(persona, f"UPN,SEN Status,Primary Need\n{pupil.upn},N,\n", name="sen.csv")
    page = client_for("senco").get(f"/imports/{run.public_id}/").content.decode()
    assert pupil.legal_last_name not in page and pupil.upn not in page
    assert "A pupil whose record you may not see" in page


def test_a_data_manager_may_import_pupils_but_not_sen_entries(persona, client_for):
    from senco.accounts.models import Membership

    Membership.objects.create(
        user=persona("admin"), school=targets.home_school(), role="data_manager"
    )
    run = services.upload(persona("admin"), targets.home_school(), "sen.csv",
                          f"UPN,SEN Status\n{targets.taught_pupil().upn},E\n".encode())  # fmt: skip
    response = client_for("admin").post(
        f"/imports/{run.public_id}/", {"step": "columns", "kind": "sen", **run.mapping}
    )
    assert response.status_code == 403
    run.refresh_from_db()
    assert run.status == "uploaded"


def test_apply_twice_at_once_applies_once_and_a_failure_is_reported(persona, client_for):
    run = run_file(persona, PUPILS.format(upn=good_upn()))
    assert services.claim(run, "checked", "applying")
    assert not services.claim(run, "checked", "applying")
    services.stopped(run.pk, RuntimeError("boom"))
    run.refresh_from_db()
    assert run.status == "refused" and "stopped (RuntimeError)" in run.report["file_warnings"][0]


def test_an_applied_file_is_not_kept(persona):
    run = services.apply(run_file(persona, PUPILS.format(upn=good_upn())).pk, persona("senco"))
    run.refresh_from_db()
    assert not run.file


def test_a_sheet_that_claims_a_million_columns_is_read_by_what_it_holds():
    from senco.interop.tabular import MAX_COLUMNS, FileRefused, read_table

    wide = ",".join(f"c{i}" for i in range(MAX_COLUMNS + 5)) + "\n" + "1\n"
    with pytest.raises(FileRefused, match="more than 200 columns"):
        read_table(wide.encode(), 10**7)
