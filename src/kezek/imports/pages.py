"""Import pages for officials: upload legacy lists and stock, see the per-row report and reconciliation.

The flow: upload a file (CSV, XLSX, ODS) for one akimat of the official's jurisdiction, with a profile
or "recognise / guess"; a dry run shows the mapping found, the counts and the first problems; the
official runs it; the batch page shows the counts, the report (CSV, XLSX, lines to correct) and, for
queue lists, the reconciliation against the state data. Everything goes through
:mod:`kezek.imports.runner`; these handlers check roles and the jurisdiction and read the form.
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from kezek.audit.service import record_read
from kezek.auth.csrf import verify_csrf
from kezek.auth.deps import SessionDep, render, require_role
from kezek.auth.principal import Principal
from kezek.auth.scope import in_scope, require_in_scope, scope_filter
from kezek.errors import KezekError, NotFound
from kezek.imports import messages
from kezek.imports import report as reports
from kezek.imports.profiles import load_profiles
from kezek.imports.reconcile import FINDING_KINDS, AkimatReport, akimat_report, reconcile_batch
from kezek.imports.runner import import_file
from kezek.imports.service import ImportOptions
from kezek.models.imports import IMPORT_KINDS, ImportBatch
from kezek.models.registry import Jurisdiction
from kezek.settings import VAR_DIR

router = APIRouter(dependencies=[Depends(verify_csrf)], include_in_schema=False)

IMPORTERS = ("executor", "head", "administrator")
Importer = Annotated[Principal, Depends(require_role(*IMPORTERS))]

UPLOAD_DIR = VAR_DIR / "import-uploads"
MAX_UPLOAD = 200 * 1024 * 1024
SUFFIXES = (".csv", ".txt", ".xlsx", ".ods", ".xls")
_TOKEN = re.compile(r"^[0-9a-f]{32}$")
COUNTS = ("landed", "updated", "unchanged", "rejected", "flagged", "merged", "duplicate")


def _lang(request: Request) -> str:
    """The page's language (set by the web face's middleware); reports are written in it."""
    return messages.lang_of(str(getattr(request.state, "lang", "") or "ru"))


def _localities(session: SessionDep, principal: Principal) -> list[Jurisdiction]:
    return list(
        session.scalars(
            select(Jurisdiction)
            .where(scope_filter(Jurisdiction.kato, principal.scopes))
            .order_by(Jurisdiction.kato)
            .limit(500)
        )
    )


def _form_context(session: SessionDep, principal: Principal, **extra: Any) -> dict[str, Any]:
    batches = session.scalars(
        select(ImportBatch)
        .where(scope_filter(ImportBatch.kato, principal.scopes), ImportBatch.dry_run.is_(False))
        .order_by(ImportBatch.id.desc())
        .limit(50)
    ).all()
    context: dict[str, Any] = {
        "localities": _localities(session, principal),
        "profiles": {kind: load_profiles(kind) for kind in IMPORT_KINDS},
        "kinds": IMPORT_KINDS,
        "batches": batches,
        "errors": {},
        "values": {"kind": "queue", "kato": "", "profile": ""},
        "counts": COUNTS,
    }
    context.update(extra)
    return context


@router.get("/official/imports")
def imports_home(request: Request, session: SessionDep, principal: Importer) -> Response:
    """The upload form and the imports of the official's jurisdiction."""
    return render(request, "imports/index.html", _form_context(session, principal))


def _upload_path(token: str, suffix: str) -> Path:
    return UPLOAD_DIR / f"{token}{suffix}"


def _check_choice(
    session: SessionDep, principal: Principal, kind: str, kato: str, profile: str
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if kind not in IMPORT_KINDS:
        errors["kind"] = "required"
    kato = kato.strip()
    if not kato:
        errors["kato"] = "required"
    elif not in_scope(kato, principal.scopes) or session.get(Jurisdiction, kato) is None:
        errors["kato"] = "out_of_scope"
    if profile and kind in IMPORT_KINDS and profile not in {p.name for p in load_profiles(kind)}:
        errors["profile"] = "unknown_profile"
    return errors


@router.post("/official/imports/preview")
async def imports_preview(
    request: Request,
    session: SessionDep,
    principal: Importer,
    kind: Annotated[str, Form()] = "",
    kato: Annotated[str, Form()] = "",
    profile: Annotated[str, Form()] = "",
    token: Annotated[str, Form()] = "",
    name: Annotated[str, Form()] = "",
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """Keep the uploaded file and show what a run would do (a dry run: nothing changes)."""
    values = {"kind": kind, "kato": kato.strip(), "profile": profile}
    errors = _check_choice(session, principal, kind, kato, profile)
    path: Path | None = None
    if file is not None and file.filename:
        suffix = Path(file.filename).suffix.lower()
        data = await file.read(MAX_UPLOAD + 1)
        if suffix not in SUFFIXES:
            errors["file"] = "file_type"
        elif not data:
            errors["file"] = "file_empty"
        elif len(data) > MAX_UPLOAD:
            errors["file"] = "file_too_large"
        else:
            token = uuid.uuid4().hex
            name = Path(file.filename).name[:200]
            UPLOAD_DIR.mkdir(parents=True, exist_ok=True)
            path = _upload_path(token, suffix)
            path.write_bytes(data)
    elif _TOKEN.match(token) and Path(name).suffix.lower() in SUFFIXES:
        path = _upload_path(token, Path(name).suffix.lower())
        if not path.is_file():
            path = None
    if path is None and "file" not in errors:
        errors["file"] = "required"
    if errors or path is None:
        context = _form_context(session, principal, errors=errors, values=values)
        return render(request, "imports/index.html", context, status_code=422)
    options = ImportOptions(
        kato=values["kato"],
        kind=kind,
        profile=profile or None,
        language=_lang(request),
        dry_run=True,
        display_name=name,
    )
    try:
        outcome = import_file(session, actor=principal.actor, path=path, options=options)
    except KezekError as exc:
        context = _form_context(
            session, principal, errors={"file": "unreadable"}, values=values, problem=exc.detail
        )
        return render(request, "imports/index.html", context, status_code=422)
    return render(
        request,
        "imports/preview.html",
        {"outcome": outcome, "values": values, "token": token, "name": name, "counts": COUNTS},
    )


@router.post("/official/imports/run")
def imports_run(
    request: Request,
    session: SessionDep,
    principal: Importer,
    kind: Annotated[str, Form()] = "",
    kato: Annotated[str, Form()] = "",
    profile: Annotated[str, Form()] = "",
    token: Annotated[str, Form()] = "",
    name: Annotated[str, Form()] = "",
    resume: Annotated[str, Form()] = "",
) -> Response:
    """Run the import the preview showed; then the batch's page with its report."""
    values = {"kind": kind, "kato": kato.strip(), "profile": profile}
    errors = _check_choice(session, principal, kind, kato, profile)
    path = _upload_path(token, Path(name).suffix.lower()) if _TOKEN.match(token) else None
    if path is None or not path.is_file():
        errors["file"] = "required"
    if errors or path is None:
        context = _form_context(session, principal, errors=errors, values=values)
        return render(request, "imports/index.html", context, status_code=422)
    options = ImportOptions(
        kato=values["kato"],
        kind=kind,
        profile=profile or None,
        language=_lang(request),
        resume=bool(resume),
        display_name=name,
    )
    try:
        # One unit of work with the request (a page's file is small; long imports: `kezek import`).
        outcome = import_file(
            session, actor=principal.actor, path=path, options=options, preview=0, commit_chunks=False
        )
    except KezekError as exc:
        context = _form_context(
            session, principal, errors={"file": "import_failed"}, values=values, problem=exc.detail
        )
        return render(request, "imports/index.html", context, status_code=409)
    return RedirectResponse(f"/official/imports/{outcome.batch_id}", status_code=303)


def _batch(session: SessionDep, principal: Principal, batch_id: int) -> ImportBatch:
    batch = session.get(ImportBatch, batch_id)
    if batch is None or batch.dry_run:
        raise NotFound("no such import", code="no_such_batch")
    require_in_scope(batch.kato, principal.scopes, "import")
    return batch


@router.get("/official/imports/{batch_id}")
def import_batch(request: Request, session: SessionDep, principal: Importer, batch_id: int) -> Response:
    """The counts of one import, the first lines of its report, the downloads and the reconciliation."""
    batch = _batch(session, principal, batch_id)
    lines = []
    for line in reports.report_lines(session, batch, _lang(request)):
        lines.append(line)
        if len(lines) >= 200:
            break
    # The report shows the lines as read (names, IINs): a read of personal data.
    record_read(
        session,
        actor=principal.actor,
        object_type="import_batch",
        object_id=batch.id,
        kato=batch.kato,
        purpose="legacy_import_report",
    )
    return render(
        request,
        "imports/batch.html",
        {
            "batch": batch,
            "lines": lines,
            "counts": COUNTS,
            "summary": reports.summary(batch),
            "finding_kinds": FINDING_KINDS,
            "reconciled": request.query_params.get("reconciled") == "1",
        },
    )


def _download(data: bytes, filename: str, media: str) -> Response:
    return Response(
        data, media_type=media, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )


@router.get("/official/imports/{batch_id}/report.csv")
def import_report_csv(
    request: Request, session: SessionDep, principal: Importer, batch_id: int, lang: str = ""
) -> Response:
    batch = _batch(session, principal, batch_id)
    data = reports.csv_bytes(session, batch, lang or _lang(request))
    record_read(session, actor=principal.actor, object_type="import_batch", object_id=batch.id,
                kato=batch.kato, purpose="legacy_import_report")  # fmt: skip
    return _download(data, f"import-{batch.id}-report.csv", "text/csv; charset=utf-8")


@router.get("/official/imports/{batch_id}/report.xlsx")
def import_report_xlsx(
    request: Request, session: SessionDep, principal: Importer, batch_id: int, lang: str = ""
) -> Response:
    batch = _batch(session, principal, batch_id)
    data = reports.xlsx_bytes(session, batch, lang or _lang(request))
    record_read(session, actor=principal.actor, object_type="import_batch", object_id=batch.id,
                kato=batch.kato, purpose="legacy_import_report")  # fmt: skip
    media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return _download(data, f"import-{batch.id}-report.xlsx", media)


@router.get("/official/imports/{batch_id}/corrections.csv")
def import_corrections(session: SessionDep, principal: Importer, batch_id: int) -> Response:
    batch = _batch(session, principal, batch_id)
    record_read(session, actor=principal.actor, object_type="import_batch", object_id=batch.id,
                kato=batch.kato, purpose="legacy_import_report")  # fmt: skip
    return _download(
        reports.corrections_csv(session, batch),
        f"import-{batch.id}-to-correct.csv",
        "text/csv; charset=utf-8",
    )


@router.post("/official/imports/{batch_id}/reconcile")
def import_reconcile(request: Request, session: SessionDep, principal: Importer, batch_id: int) -> Response:
    """Check the import's entries against the state data; findings become inventory proposals."""
    batch = _batch(session, principal, batch_id)
    reconcile_batch(session, batch_id=batch.id, actor=principal.actor)
    return RedirectResponse(f"/official/imports/{batch.id}?reconciled=1", status_code=303)


# --- The reconciliation report of an akimat: table, chart, CSV -----------------------------------


def chart(summary: AkimatReport) -> dict[str, Any]:
    """Bar geometry for the server-rendered SVG: per list, before and after; then findings by kind."""
    label_width, width, bar, gap = 150, 640, 12, 10
    plot = width - label_width - 50
    lists = summary.lists()
    peak = max([*summary.before.values(), *summary.after.values(), *summary.findings.values(), 1])
    bars: list[dict[str, Any]] = []
    y = 8
    for code in lists:
        before, after = summary.before.get(code, 0), summary.after.get(code, 0)
        bars.append({"group": "list", "key": code, "y": y, "before": before, "after": after,
                     "before_width": plot * before / peak, "after_width": plot * after / peak})  # fmt: skip
        y += 2 * bar + gap
    for kind in FINDING_KINDS:
        n = summary.findings.get(kind, 0)
        bars.append({"group": "finding", "key": kind, "y": y, "after": n, "after_width": plot * n / peak})
        y += bar + gap
    return {"width": width, "height": y + 4, "label_width": label_width, "bar_height": bar, "bars": bars}


def akimat_csv(summary: AkimatReport, labels: dict[str, str]) -> bytes:
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow([labels["measure"], labels["before"], labels["after"]])
    for code in summary.lists():
        writer.writerow([code, summary.before.get(code, 0), summary.after.get(code, 0)])
    for key in ("rows", "landed", "rejected", "flagged", "merged", "proposals_open"):
        writer.writerow([labels[key], "", getattr(summary, key)])
    for kind in FINDING_KINDS:
        writer.writerow([labels[kind], "", summary.findings.get(kind, 0)])
    return buffer.getvalue().encode("utf-8-sig")


@router.get("/official/imports/akimat/{kato}")
def akimat_page(request: Request, session: SessionDep, principal: Importer, kato: str) -> Response:
    """Per akimat: active entries per list before the first import and now; rows; findings by kind."""
    require_in_scope(kato, principal.scopes, "akimat")
    if session.get(Jurisdiction, kato) is None:
        raise NotFound("no such akimat", code="unknown_kato")
    summary = akimat_report(session, kato)
    return render(
        request,
        "imports/akimat.html",
        {"summary": summary, "chart": chart(summary), "finding_kinds": FINDING_KINDS, "kato": kato},
    )


@router.get("/official/imports/akimat/{kato}/report.csv")
def akimat_page_csv(request: Request, session: SessionDep, principal: Importer, kato: str) -> Response:
    require_in_scope(kato, principal.scopes, "akimat")
    summary = akimat_report(session, kato)
    lang = _lang(request)
    labels = {key: messages.akimat_label(key, lang) for key in messages.AKIMAT_LABELS}
    return _download(akimat_csv(summary, labels), f"reconciliation-{kato}.csv", "text/csv; charset=utf-8")
