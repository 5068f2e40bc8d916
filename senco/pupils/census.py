"""SEN codes and the school census rules for them. Pure: no Django import.

The rules are strict where a person enters data (`check_*` results refuse the change) and lenient
where data arrive from another system (the same results become warnings): see DESIGN.md.
"""

import datetime as dt
import itertools
import string
from dataclasses import dataclass

PROVISION = {
    "N": "No special educational need",
    "K": "SEN support",
    "E": "Education, health and care plan",
    "S": "Statement (legacy)",
    "A": "School Action (legacy)",
    "P": "School Action Plus (legacy)",
}
LEGACY_PROVISION = {"S": "E", "A": "K", "P": "K"}
CURRENT_PROVISION = ("N", "K", "E")
# Recorded codes the census counts as SEN support and as an EHC plan (legacy codes included).
SUPPORT_CODES = ("K", "A", "P")
PLAN_CODES = ("E", "S")
REGISTER_CODES = SUPPORT_CODES + PLAN_CODES

BROAD_AREAS = {
    "CL": "Cognition and learning",
    "CI": "Communication and interaction",
    "SEMH": "Social, emotional and mental health",
    "SP": "Sensory and/or physical",
    "OTH": "Other",
}

NEEDS = {
    "SPLD": ("Specific learning difficulty", "CL"),
    "MLD": ("Moderate learning difficulty", "CL"),
    "SLD": ("Severe learning difficulty", "CL"),
    "PMLD": ("Profound and multiple learning difficulty", "CL"),
    "SLCN": ("Speech, language and communication needs", "CI"),
    "ASD": ("Autistic spectrum disorder", "CI"),
    "SEMH": ("Social, emotional and mental health", "SEMH"),
    "HI": ("Hearing impairment", "SP"),
    "VI": ("Vision impairment", "SP"),
    "MSI": ("Multi-sensory impairment", "SP"),
    "PD": ("Physical disability", "SP"),
    "DS": ("Down syndrome", "CL"),
    "OTH": ("Other difficulty or disability", "OTH"),
    "NSA": ("SEN support but no specialist assessment of type of need", "OTH"),
}

CENSUS_MAX_NEEDS = 2


def census_provision(code: str) -> str:
    """The code the census takes for a recorded provision code (legacy codes mapped)."""
    return LEGACY_PROVISION.get(code, code)


def need_label(code: str) -> str:
    return NEEDS[code][0] if code in NEEDS else code


def broad_area(code: str) -> str:
    return BROAD_AREAS[NEEDS[code][1]] if code in NEEDS else "Unknown"


@dataclass(frozen=True)
class Breach:
    """One way a record breaks the census rules: what is wrong, where, and the fix."""

    field: str
    message: str

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class Period:
    code: str
    starts: dt.date
    ends: dt.date | None = None

    def overlaps(self, other: "Period") -> bool:
        self_ends = self.ends or dt.date.max
        other_ends = other.ends or dt.date.max
        return self.starts <= other_ends and other.starts <= self_ends


def check_period(period: Period, what: str) -> list[Breach]:
    if period.ends is not None and period.ends < period.starts:
        return [
            Breach(
                "ends",
                f"The {what} ends ({period.ends:%d/%m/%Y}) before it starts "
                f"({period.starts:%d/%m/%Y}): give an end date on or after the start.",
            )
        ]
    return []


def check_entry(provision: str, needs: list[str]) -> list[Breach]:
    """Census rules for a status and its needs in rank order (first is rank 1), entered by hand."""
    breaches = []
    if provision not in CURRENT_PROVISION:
        if provision in LEGACY_PROVISION:
            return [
                Breach(
                    "provision",
                    f"{PROVISION[provision]} can no longer be recorded: choose N, K or E.",
                )
            ]
        return [Breach("provision", f"{provision!r} is not an SEN status: choose N, K or E.")]
    unknown = [n for n in needs if n not in NEEDS]
    if unknown:
        breaches.append(
            Breach(
                "needs", f"{', '.join(unknown)} is not a census need code: choose from the list."
            )
        )
    if len(set(needs)) != len(needs):
        breaches.append(Breach("needs", "The same need is listed twice: keep it once."))
    if provision == "N" and needs:
        breaches.append(
            Breach(
                "needs", "A pupil with no SEN (N) has no need: remove the needs, or choose K or E."
            )
        )
    if provision in ("K", "E") and not needs:
        breaches.append(
            Breach(
                "needs",
                f"{PROVISION[provision]} needs a primary need (rank 1): add one"
                + (", or NSA if none has been assessed." if provision == "K" else "."),
            )
        )
    if "NSA" in needs and provision != "K":
        breaches.append(
            Breach(
                "needs",
                "NSA (no specialist assessment) is valid only with SEN support (K): "
                "record the assessed need instead.",
            )
        )
    return breaches


def check_history(statuses: list[Period], needs: list[tuple[int, Period]]) -> list[Breach]:
    """Census rules across a pupil's recorded history (used for imported data and the census check).

    `statuses` are provision periods; `needs` are (rank, period) pairs.
    """
    breaches = []
    for period in statuses:
        breaches += check_period(period, f"status {period.code} from {period.starts:%d/%m/%Y}")
    ordered = sorted(statuses, key=lambda p: p.starts)
    for earlier, later in itertools.pairwise(ordered):
        if earlier.overlaps(later):
            breaches.append(
                Breach(
                    "statuses",
                    f"Status {earlier.code} from {earlier.starts:%d/%m/%Y} overlaps status "
                    f"{later.code} from {later.starts:%d/%m/%Y}: end the first the day before "
                    "the second starts.",
                )
            )
    open_statuses = [p for p in statuses if p.ends is None]
    if len(open_statuses) > 1:
        breaches.append(
            Breach("statuses", "More than one status is open: end all but the current one.")
        )
    current = census_provision(open_statuses[0].code) if open_statuses else "N"
    open_needs = sorted(((rank, p) for rank, p in needs if p.ends is None), key=lambda n: n[0])
    for _rank, period in needs:
        breaches += check_period(period, f"need {period.code} from {period.starts:%d/%m/%Y}")
    ranks = [rank for rank, _ in open_needs]
    if len(ranks) != len(set(ranks)):
        breaches.append(
            Breach("needs", "Two open needs share a rank: give each need its own rank.")
        )
    if ranks and ranks[0] != 1:
        breaches.append(
            Breach("needs", "No open need is ranked 1 (primary): rank the main need 1.")
        )
    breaches += check_entry(current, [p.code for _, p in open_needs])
    return breaches


UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"


def upn_check_letter(body: str) -> str:
    """The check letter for the 12 characters after it (DfE UPN specification)."""
    total = 0
    for position, char in enumerate(body, start=2):
        total += (int(char) if char.isdigit() else UPN_LETTERS.index(char)) * position
    return UPN_LETTERS[total % 23]


def check_upn(upn: str) -> str | None:
    """None when the UPN is well formed with the right check letter; otherwise what is wrong."""
    if len(upn) != 13:
        return f"A UPN has 13 characters; this one has {len(upn)}."
    if upn[0] not in UPN_LETTERS:
        return "A UPN starts with its check letter (a capital letter other than I, O or S)."
    if not all(c in string.digits for c in upn[1:12]):
        return "Characters 2 to 12 of a UPN are digits."
    if not (upn[12] in string.digits or upn[12] in UPN_LETTERS):
        return "The last character of a UPN is a digit, or a letter in a temporary UPN."
    expected = upn_check_letter(upn[1:])
    if upn[0] != expected:
        return (
            f"The check letter does not match: for these digits it is {expected}. "
            "Check for a typing error."
        )
    return None
