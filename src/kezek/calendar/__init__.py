"""The business calendar: Kazakhstan's working days and the deadlines counted on them.

* `kezek.calendar.core`: pure working-day arithmetic on a given set of days off and working days;
* `kezek.calendar.kz`: public holidays and moved days off from the ``holidays`` package;
* `kezek.calendar.service`: the two together with the administrator's override table;
* `kezek.calendar.shipped`: loading known transfers (``data/transfers.yaml``) into that table.
"""

from kezek.calendar.core import BusinessCalendar, CalendarRangeError, Deadline, Pause, WorkingHours

__all__ = ["BusinessCalendar", "CalendarRangeError", "Deadline", "Pause", "WorkingHours"]
