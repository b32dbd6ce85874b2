"""Business calendar tables (owned by the calendar package).

The ``holidays`` package gives Kazakhstan's public holidays and the days off the law moves; this
table holds what an administrator adds for a year: the Government's transfers of days off (the
day off and the working Saturday they create), a Kurban ait date once it is announced, or a
correction. An override always wins over the package.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Date, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kezek.models.base import Base

OVERRIDE_KINDS = ("day_off", "working_day")


class CalendarOverride(Base):
    __tablename__ = "calendar_overrides"
    __table_args__ = (CheckConstraint("kind IN ('day_off', 'working_day')", name="kind"),)

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # day_off | working_day
    note: Mapped[str] = mapped_column(Text)  # what happened, e.g. "day off moved from Sunday 5 January"
    reference: Mapped[str] = mapped_column(String(500))  # the legal act (decree, article)
