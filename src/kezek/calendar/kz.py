"""Kazakhstan's public holidays and moved days off, as the ``holidays`` package knows them.

The package follows the Law "On holidays in the Republic of Kazakhstan" (13.12.2001) Art. 5 and the
Labour Code: a holiday that falls on a weekend moves to the next working day (religious holidays,
Kurban ait, are not moved), and it carries the Government's yearly transfers of days off with the
working Saturdays (or Sundays) they create, up to the years its authors had decrees for. What it
does not know yet, or gets wrong, goes into the override table (`kezek.calendar.service`).
Kurban ait is a lunar date: for years not yet announced the package estimates it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import holidays


@dataclass(frozen=True)
class YearDays:
    year: int
    days_off: frozenset[date]  # holidays and moved days off (some fall on weekends anyway)
    working_days: frozenset[date]  # weekend days made working by a transfer
    names: dict[date, str]  # English names, for explanations


@lru_cache(maxsize=256)
def year_days(year: int) -> YearDays:
    calendar = holidays.country_holidays("KZ", years=year, language="en_US")
    days_off = frozenset(day for day in calendar if day.year == year)
    # The package keeps substituted working days of every year it has populated in one set.
    working = frozenset(day for day in getattr(calendar, "weekend_workdays", ()) if day.year == year)
    names = {day: str(calendar.get(day)) for day in days_off}
    return YearDays(year, days_off, working, names)


# Holiday names in Kezek's three languages, keyed by the package's English name (its catalogue has
# Kazakh and English but not Russian). Names the table lacks fall back to the package's own.
HOLIDAY_NAMES: dict[str, dict[str, str]] = {
    "New Year's Day": {"kk": "Жаңа жыл", "ru": "Новый год", "en": "New Year"},
    "Orthodox Christmas": {
        "kk": "Православиелік Рождество",
        "ru": "Православное Рождество",
        "en": "Orthodox Christmas",
    },
    "International Women's Day": {
        "kk": "Халықаралық әйелдер күні",
        "ru": "Международный женский день",
        "en": "International Women's Day",
    },
    "Nowruz Holiday": {"kk": "Наурыз мейрамы", "ru": "Наурыз мейрамы", "en": "Nauryz"},
    "Kazakhstan's People Solidarity Holiday": {
        "kk": "Қазақстан халқының бірлігі мерекесі",
        "ru": "Праздник единства народа Казахстана",
        "en": "Kazakhstan People's Unity Day",
    },
    "Defender of the Fatherland Day": {
        "kk": "Отан Қорғаушы күні",
        "ru": "День защитника Отечества",
        "en": "Defender of the Fatherland Day",
    },
    "Victory Day": {"kk": "Жеңіс күні", "ru": "День Победы", "en": "Victory Day"},
    "Capital Day": {"kk": "Астана күні", "ru": "День столицы", "en": "Capital Day"},
    "Constitution Day": {
        "kk": "Қазақстан Республикасының Конституциясы күні",
        "ru": "День Конституции Республики Казахстан",
        "en": "Constitution Day",
    },
    "Republic Day": {"kk": "Республика күні", "ru": "День Республики", "en": "Republic Day"},
    "Independence Day": {"kk": "Тәуелсіздік күні", "ru": "День Независимости", "en": "Independence Day"},
    "Eid al-Adha": {"kk": "Құрбан айт", "ru": "Курбан айт", "en": "Kurban ait"},
    "First President Day": {
        "kk": "Тұңғыш Президент күні",
        "ru": "День Первого Президента",
        "en": "First President Day",
    },
}


def holiday_name(english: str, language: str) -> str:
    """A package holiday name in kk, ru or en; "(observed)" and "(estimated)" marks are kept apart."""
    base = english.split(" (", 1)[0]
    names = HOLIDAY_NAMES.get(base)
    if names is None:
        return english
    return names.get(language, names["en"])
