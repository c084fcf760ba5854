"""Financial-year quarters and the time windows every analysis uses.

The YJB reports by financial year (April to March). Q1 is April to June, so
"2022-23 Q4" is January to March 2023. This module owns parsing a quarter
label and deriving the windows built on it:

* the quarter itself;
* the 12 months ending with it ("year ending March 2023");
* the academic year to date at quarter end (academic years start 1 September);
* the latest proven-reoffending cohort whose 12-month follow-up and 6-month
  wait for proceedings are complete by the extract date.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

ACCEPTED_FORMS = ('"2022-23 Q4"', '"2022/23 Q4"', '"2022-2023 Q4"', '"Q4 2022-23"', '"FY2022-23 Q4"', '"2022-23-Q4"')

_FY = r"(?:FY\s*)?(?P<y1>\d{4})\s*[-/]\s*(?P<y2>\d{2}|\d{4})"
_PATTERNS = (
    re.compile(rf"^{_FY}\s*[-_ ]?\s*Q(?P<q>[1-4])$", re.IGNORECASE),
    re.compile(rf"^Q(?P<q>[1-4])\s*[-_ ]?\s*{_FY}$", re.IGNORECASE),
)


class QuarterError(ValueError):
    """A quarter label that cannot be read."""


def add_months(day: date, months: int) -> date:
    """The same day `months` later (or earlier), clipped to the month's last day."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _month_name(day: date) -> str:
    return calendar.month_name[day.month]


@dataclass(frozen=True, order=True)
class Period:
    """An inclusive span of days with a label for reports."""

    start: date
    end: date
    label: str

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    @property
    def months(self) -> str:
        """'April 2022 to March 2023'."""
        return f"{_month_name(self.start)} {self.start.year} to {_month_name(self.end)} {self.end.year}"


@dataclass(frozen=True, order=True)
class Quarter:
    """A financial-year quarter: `fy` is the year the financial year starts in."""

    fy: int
    q: int

    @classmethod
    def parse(cls, text: str) -> Quarter:
        if isinstance(text, Quarter):
            return text
        cleaned = " ".join(str(text).split())
        for pattern in _PATTERNS:
            match = pattern.match(cleaned)
            if match:
                y1, y2, q = int(match["y1"]), match["y2"], int(match["q"])
                second = int(y2) if len(y2) == 4 else (y1 // 100) * 100 + int(y2)
                if len(y2) == 2 and second < y1:  # e.g. 1999-00
                    second += 100
                if second != y1 + 1:
                    raise QuarterError(
                        f'Quarter "{text}": a financial year runs over two consecutive years, '
                        f"so {y1} must be followed by {y1 + 1}. Accepted forms: {', '.join(ACCEPTED_FORMS)}."
                    )
                return cls(y1, q)
        raise QuarterError(
            f'Quarter "{text}" is not a financial-year quarter. Accepted forms: {", ".join(ACCEPTED_FORMS)} '
            "(Q1 is April to June, so 2022-23 Q4 is January to March 2023)."
        )

    @classmethod
    def containing(cls, day: date) -> Quarter:
        fy = day.year if day.month >= 4 else day.year - 1
        return cls(fy, (day.month - 4) % 12 // 3 + 1)

    # --- labels ---------------------------------------------------------
    @property
    def fy_label(self) -> str:
        return f"{self.fy}-{(self.fy + 1) % 100:02d}"

    @property
    def label(self) -> str:
        """'2022-23 Q4'."""
        return f"{self.fy_label} Q{self.q}"

    @property
    def slug(self) -> str:
        """'2022-23-Q4', safe as a folder name."""
        return f"{self.fy_label}-Q{self.q}"

    def __str__(self) -> str:
        return self.label

    # --- windows -------------------------------------------------------------
    @property
    def start(self) -> date:
        month = 4 + 3 * (self.q - 1)
        return date(self.fy + month // 13, (month - 1) % 12 + 1, 1)

    @property
    def end(self) -> date:
        return add_months(self.start, 3) - timedelta(days=1)

    @property
    def period(self) -> Period:
        return Period(
            self.start, self.end, f"{self.label} ({_month_name(self.start)} to {_month_name(self.end)} {self.end.year})"
        )

    @property
    def year_ending(self) -> Period:
        """The 12 months ending with this quarter, labelled 'year ending March 2023'."""
        start = add_months(self.end + timedelta(days=1), -12)
        return Period(start, self.end, f"year ending {_month_name(self.end)} {self.end.year}")

    def shift(self, quarters: int) -> Quarter:
        index = self.fy * 4 + (self.q - 1) + quarters
        return Quarter(index // 4, index % 4 + 1)

    @property
    def previous(self) -> Quarter:
        return self.shift(-1)

    @property
    def same_quarter_last_year(self) -> Quarter:
        return self.shift(-4)

    def history(self, n: int) -> list[Quarter]:
        """The last `n` quarters, oldest first, ending with this one."""
        return [self.shift(-i) for i in range(n - 1, -1, -1)]

    @property
    def academic_year_to_date(self) -> Period:
        """From 1 September of the academic year the quarter ends in, to the quarter end."""
        end = self.end
        first = end.year if end.month >= 9 else end.year - 1
        return Period(
            date(first, 9, 1),
            end,
            f"academic year {academic_year_label(first)} to {end.day} {_month_name(end)} {end.year}",
        )


def academic_year_label(first_year: int) -> str:
    """'2021/22' for the academic year starting September 2021."""
    return f"{first_year}/{(first_year + 1) % 100:02d}"


def academic_year_of(day: date) -> str:
    return academic_year_label(day.year if day.month >= 9 else day.year - 1)


def academic_year(label: str) -> Period:
    """The whole academic year '2021/22': 1 September 2021 to 31 August 2022."""
    match = re.fullmatch(r"(\d{4})/(\d{2})", label.strip())
    if not match or (int(match[1]) + 1) % 100 != int(match[2]):
        raise QuarterError(f'Academic year "{label}" should be written like 2021/22.')
    first = int(match[1])
    return Period(date(first, 9, 1), date(first + 1, 8, 31), f"academic year {label}")


REOFFENDING_FOLLOW_UP_MONTHS = 12
REOFFENDING_WAIT_MONTHS = 6


def reoffending_wait_ends(cohort_end: date) -> date:
    """When the last member's 12-month follow-up and the further 6-month wait have both passed.
    Cohorts are whole months, so a cohort ending on a month's last day waits to a month's last day."""
    ends = add_months(cohort_end, REOFFENDING_FOLLOW_UP_MONTHS + REOFFENDING_WAIT_MONTHS)
    if (cohort_end + timedelta(days=1)).day == 1:
        ends = month_end(ends.year, ends.month)
    return ends


def reoffending_cohort_complete(cohort_end: date, extract_date: date) -> bool:
    """A cohort is complete once the follow-up and the wait for proceedings have passed by the extract date."""
    return reoffending_wait_ends(cohort_end) <= extract_date


def reoffending_cohort(ending: Quarter, months: int = 3) -> Period:
    """The 3-month (or 12-month) cohort ending with quarter `ending`, labelled by calendar months as the MoJ does."""
    if months not in (3, 12):
        raise ValueError("Reoffending cohorts are 3 or 12 months long")
    start = add_months(ending.end + timedelta(days=1), -months)
    end = ending.end
    label = f"{_month_name(start)[:3]} {start.year} to {_month_name(end)[:3]} {end.year}"
    return Period(start, end, label)


def latest_complete_reoffending_cohort(extract_date: date, months: int = 3) -> Period:
    """The most recent cohort (ending at a quarter end) that is complete on the extract date."""
    quarter = Quarter.containing(extract_date)
    while not reoffending_cohort_complete(quarter.end, extract_date):
        quarter = quarter.previous
    return reoffending_cohort(quarter, months)
