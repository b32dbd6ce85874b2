"""Published lists: masked identities only, a keyed digest to find oneself, pages, CSV and XLSX."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from kezek.errors import NotFound, ValidationFailed
from kezek.models.registry import Person
from kezek.queue import publication, service
from tests.queue.builders import KARAGANDA, OFFICER, registered

SECRET = "test-secret-for-digests-0123456789abcdef"


def test_publish_masks_identity_and_lets_a_person_find_themselves(db: Session, frozen) -> None:
    entries = [registered(db, minutes=i) for i in range(60)]
    service.house(db, entry_id=entries[0].id, actor=OFFICER, decision_ref="h-1")
    frozen.set(datetime(2026, 12, 1, 4, 0, tzinfo=UTC))
    [pub] = publication.publish(db, actor=OFFICER, secret=SECRET)
    assert pub.rows == 59 and pub.as_of.isoformat() == "2026-12-01"
    published = publication.latest(db, kato=KARAGANDA, code="general")
    rows, total = publication.page(db, published, q="", page_number=1, secret=SECRET)
    assert total == 59 and len(rows) == publication.PAGE_SIZE and rows[0].position == 1
    rows2, _ = publication.page(db, published, q="", page_number=2, secret=SECRET)
    assert [r.position for r in rows2] == list(range(51, 60))
    person = db.get(Person, entries[10].person_id)
    line = rows[9]
    assert line.entry_id == entries[10].id and line.initials == "А.Н."
    assert line.masked_iin == person.iin[:4] + "******" + person.iin[-2:]
    assert person.iin not in (line.masked_iin, line.iin_digest)
    found, n = publication.page(db, published, q=person.iin, page_number=1, secret=SECRET)
    assert n == 1 and found[0].entry_id == entries[10].id
    by_number, _ = publication.page(db, published, q="42", page_number=1, secret=SECRET)
    assert [r.position for r in by_number] == [42]
    assert publication.page(db, published, q="а.н", page_number=1, secret=SECRET)[1] == 59
    with pytest.raises(ValidationFailed):
        publication.page(db, published, q="", page_number=0, secret=SECRET)
    with pytest.raises(ValidationFailed):
        publication.page(db, published, q="x" * 20, page_number=1, secret=SECRET)
    with pytest.raises(NotFound):
        publication.latest(db, kato=KARAGANDA, code="priority")
    # downloads carry the same lines and the publication date
    text = "".join(publication.csv_lines(db, published, {"general": "General"}))
    lines = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert lines[0] == publication.HEADER and len(lines) == 60
    assert lines[1][0] == "1" and lines[1][-1] == "2026-12-01" and lines[1][3] == "General"
    assert all(person.iin not in row for row in lines for row in row)
    book = load_workbook(io.BytesIO(publication.xlsx_bytes(db, published, {}, "Karaganda, general")))
    sheet = book.active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "Karaganda, general" and "2026-12-01" in values[1][0]
    assert values[2] == tuple(publication.HEADER) and len(values) == 3 + 59
    # a later publication; the earlier position stays readable
    service.house(db, entry_id=entries[1].id, actor=OFFICER, decision_ref="h-2")
    frozen.set(datetime(2027, 1, 4, 4, 0, tzinfo=UTC))
    publication.publish(db, actor=OFFICER, secret=SECRET)
    assert publication.published_position(db, entries[10].id) == (9, frozen.now)
    assert (
        publication.published_position(db, entries[10].id, before=datetime(2026, 12, 15, tzinfo=UTC))[0] == 10
    )
