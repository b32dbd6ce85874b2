"""Queue pages: the public lists (no login) and the citizen's place with the reasons it moved.

The public pages read published snapshots only (``kezek.queue.publication``): position, date and
time of registration, category, initials and a masked IIN, and the date the list was published.
A visitor may type their IIN to find their own line; the IIN is matched by its keyed digest and
never shown.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response, StreamingResponse
from sqlalchemy.orm import Session

from kezek import clock
from kezek.allocation.estimates import entry_estimate
from kezek.applications import views
from kezek.auth.csrf import verify_csrf
from kezek.auth.deps import CurrentCitizen, SessionDep, render, require_role
from kezek.auth.principal import Principal
from kezek.errors import KezekError
from kezek.models.queue import QueueEntry, QueueList
from kezek.models.registry import Jurisdiction
from kezek.queue import inventory, ledger, publication
from kezek.queue import service as queue
from kezek.queue.migration import migration_of
from kezek.settings import LANGUAGES

router = APIRouter(dependencies=[Depends(verify_csrf)], include_in_schema=False)

# "Since last month": the window the citizen's page explains (the lists are published monthly).
EXPLAIN_DAYS = 31


def _secret(request: Request) -> str:
    return str(request.app.state.settings.secret_key)


def _lang(request: Request) -> str:
    lang = getattr(request.state, "lang", "")
    return lang if lang in LANGUAGES else "kk"


def _jurisdiction_names(session: Session, katos: set[str]) -> dict[str, Jurisdiction]:
    return {kato: j for kato in katos if (j := session.get(Jurisdiction, kato)) is not None}


def _place(session: Session, name: Jurisdiction | None, lang: str, kato: str) -> str:
    if name is None:
        return kato
    return str(getattr(name, f"name_{lang}", None) or name.name_ru or kato)


@router.get("/citizen/queue")
def my_place(request: Request, person: CurrentCitizen, session: SessionDep) -> Response:
    """The citizen's list, number, date, and why the number changed since last month."""
    entry = queue.active_entry_for_person(session, person.id)
    context = views.base_context(
        entry=None, queue_list=None, explanation=None, migrated=None, lists={}, wait_estimate=None
    )
    if entry is not None:
        since = clock.now() - timedelta(days=EXPLAIN_DAYS)
        explanation = ledger.explain(session, entry, since)
        list_ids = {entry.list_id} | {line.list_id for line in explanation.lines}
        migrated = migration_of(session, entry.id)
        if migrated is not None:
            list_ids |= {migrated.old_list_id, migrated.new_list_id}
        lists = {i: session.get(QueueList, i) for i in list_ids}
        context.update(
            entry=entry,
            queue_list=lists[entry.list_id],
            explanation=explanation,
            migrated=migrated,
            lists=lists,
            place=_place(session, session.get(Jurisdiction, entry.kato), _lang(request), entry.kato),
            published=publication.published_position(session, entry.id),
            wait_estimate=entry_estimate(session, entry, clock.today_local()),
        )
    return render(request, "queue/my_place.html", context)


@router.get("/queue")
def public_index(request: Request, session: SessionDep) -> Response:
    """Every published list with the date of its latest publication."""
    index = publication.published_index(session)
    names = _jurisdiction_names(session, {queue_list.kato for queue_list, _ in index})
    lang = _lang(request)
    groups: dict[str, list[tuple[QueueList, object]]] = {}
    for queue_list, pub in index:
        groups.setdefault(_place(session, names.get(queue_list.kato), lang, queue_list.kato), []).append(
            (queue_list, pub)
        )
    return render(request, "queue/public_index.html", views.base_context(groups=groups))


def _list_page(request: Request, session: Session, kato: str, code: str, q: str, page: str) -> Response:
    published = publication.latest(session, kato=kato, code=code)
    lang = _lang(request)
    errors: dict[str, str] = {}
    number = int(page) if page.isdigit() and 0 < len(page) < 7 and int(page) > 0 else 1
    if page != "1" and str(number) != page:
        errors["page"] = "bad_page"
    q = " ".join(q.split())[:40]
    try:
        rows, total = publication.page(session, published, q=q, page_number=number, secret=_secret(request))
    except KezekError as exc:
        errors["q"] = exc.code
        rows, total = publication.page(session, published, q="", page_number=1, secret=_secret(request))
        number = 1
    pages = max(1, -(-total // publication.PAGE_SIZE))
    # An IIN is looked up by its digest and never put in a link (history, logs, the language links).
    personal = q.replace(" ", "").isdigit() and len(q.replace(" ", "")) == 12
    return render(
        request,
        "queue/public_list.html",
        views.base_context(
            queue_list=published.queue_list,
            publication=published.publication,
            place=_place(session, session.get(Jurisdiction, kato), lang, kato),
            rows=rows,
            total=total,
            page=number,
            pages=pages,
            q="" if personal else q,
            errors=errors,
        ),
        status_code=422 if errors else 200,
    )


@router.get("/queue/{kato}/{code}")
def public_list(
    request: Request, kato: str, code: str, session: SessionDep, q: str = "", page: str = "1"
) -> Response:
    """One published list: 50 lines a page, searchable by number or initials."""
    return _list_page(request, session, kato, code, q, page)


@router.post("/queue/{kato}/{code}")
async def public_search(request: Request, kato: str, code: str, session: SessionDep) -> Response:
    """The search form posts, so that an IIN typed to find one's own line never appears in a URL."""
    form = await request.form()
    return _list_page(request, session, kato, code, str(form.get("q", ""))[:100], "1")


def _labels(lang: str) -> dict[str, str]:
    from kezek.notices.texts import CATEGORIES, LISTS

    return {code: views.NAMES.category(code, lang) for code in {*CATEGORIES, *LISTS}}


def _download_name(published: publication.PublishedList, ext: str) -> str:
    pub = published.publication
    return f"kezek-{published.queue_list.kato}-{published.queue_list.code}-{pub.as_of.isoformat()}.{ext}"


@router.get("/queue/{kato}/{code}/csv")
def public_csv(request: Request, kato: str, code: str, session: SessionDep) -> Response:
    published = publication.latest(session, kato=kato, code=code)
    lines = list(publication.csv_lines(session, published, _labels(_lang(request))))
    return StreamingResponse(
        iter(lines),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{_download_name(published, "csv")}"'},
    )


@router.get("/queue/{kato}/{code}/xlsx")
def public_xlsx(request: Request, kato: str, code: str, session: SessionDep) -> Response:
    published = publication.latest(session, kato=kato, code=code)
    lang = _lang(request)
    title = f"{_place(session, session.get(Jurisdiction, kato), lang, kato)} — {views.NAMES.list(code, lang)}"
    return Response(
        publication.xlsx_bytes(session, published, _labels(lang), title),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{_download_name(published, "xlsx")}"'},
    )


# --- officials: the inventory's proposed removals ------------------------------------------------

InventoryOfficial = Annotated[Principal, Depends(require_role("executor", "head", "administrator"))]


def _proposals_page(
    request: Request,
    session: Session,
    principal: Principal,
    errors: dict[str, str],
    status_code: int = 200,
    failed: int | None = None,
) -> Response:
    rows = inventory.proposals(session, scopes=list(principal.scopes))
    entries = {p.entry_id: session.get(QueueEntry, p.entry_id) for p in rows}
    lists = {e.list_id: session.get(QueueList, e.list_id) for e in entries.values() if e is not None}
    return render(
        request,
        "queue/inventory.html",
        views.base_context(rows=rows, entries=entries, lists=lists, errors=errors, failed=failed),
        status_code=status_code,
    )


@router.get("/official/queue/inventory")
def proposals(request: Request, principal: InventoryOfficial, session: SessionDep) -> Response:
    """Removals the re-verification proposes in the official's jurisdiction, with the data behind them."""
    return _proposals_page(request, session, principal, {})


@router.post("/official/queue/inventory/{proposal_id}")
async def decide(
    request: Request, proposal_id: int, principal: InventoryOfficial, session: SessionDep
) -> Response:
    """Approve (the entry is removed by this decision) or reject (it stays and is offered again)."""
    form = await request.form()
    decision = str(form.get("decision", ""))
    note = str(form.get("note", ""))[:2000]
    try:
        with session.begin_nested():
            if decision == "approve":
                inventory.approve(
                    session,
                    proposal_id=proposal_id,
                    actor=principal.actor,
                    scopes=list(principal.scopes),
                    note=note,
                )
            elif decision == "reject":
                inventory.reject(
                    session,
                    proposal_id=proposal_id,
                    actor=principal.actor,
                    scopes=list(principal.scopes),
                    note=note,
                )
            else:
                return _proposals_page(request, session, principal, {"form": "bad_outcome"}, 422, proposal_id)
    except KezekError as exc:
        errors = views.form_errors(exc)
        return _proposals_page(
            request, session, principal, errors, exc.status if exc.status < 500 else 422, proposal_id
        )
    return RedirectResponse("/official/queue/inventory", status_code=303)
