"""National figures to set the school's register against (DOMAIN.md). Pure: no Django import.

Each figure names its source and year. Where the DfE publishes no figure that matches a chart's
rows (broad areas, year groups), the charts say "not published" rather than guess.
Source: DfE, "Special educational needs in England" (explore-education-statistics.service.gov.uk).
"""

from dataclasses import dataclass

NOT_PUBLISHED = "not published"


@dataclass(frozen=True)
class Figure:
    percent: float
    of: str  # what it is a percentage of
    source: str

    def __str__(self) -> str:
        return f"{self.percent:g}% of {self.of}, {self.source}"


SOURCE = "Department for Education, Special educational needs in England"
SEN_IN_ENGLAND_2025 = "Jan 2025"
SEN_IN_ENGLAND_2026 = "Jan 2026"

# All pupils with an EHC plan in England, by primary need, January 2025.
EHC_PLANS_BY_PRIMARY_NEED = {
    code: Figure(percent, "EHC plans", SEN_IN_ENGLAND_2025)
    for code, percent in {
        "ASD": 31.5,
        "SLCN": 21.3,
        "SEMH": 20.7,
        "MLD": 10.6,
        "SLD": 3.9,
        "PD": 3.9,
        "SPLD": 2.4,
        "HI": 1.4,
        "PMLD": 1.3,
        "OTH": 1.2,
        "VI": 0.8,
        "MSI": 0.3,
    }.items()
}

# Boys and girls among pupils with an EHC plan and on SEN support, January 2026.
BY_SEX = {
    "M": [
        Figure(71, "EHC plans", SEN_IN_ENGLAND_2026),
        Figure(61, "pupils on SEN support", SEN_IN_ENGLAND_2026),
    ],
    "F": [
        Figure(29, "EHC plans", SEN_IN_ENGLAND_2026),
        Figure(39, "pupils on SEN support", SEN_IN_ENGLAND_2026),
    ],
}

# Share of all pupils, January 2026: what the school's "% of roll" compares with.
OF_ALL_PUPILS = {
    "E": Figure(6.0, "pupils have an EHC plan", SEN_IN_ENGLAND_2026),
    "K": Figure(14.8, "pupils are on SEN support", SEN_IN_ENGLAND_2026),
}


def by_primary_need(code: str) -> str:
    figure = EHC_PLANS_BY_PRIMARY_NEED.get(code)
    return str(figure) if figure else NOT_PUBLISHED


def by_sex(code: str) -> str:
    figures = BY_SEX.get(code)
    return "; ".join(str(f) for f in figures) if figures else NOT_PUBLISHED
