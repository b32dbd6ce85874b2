"""Citizens' one-time sign-in codes.

Only an HMAC of the code (keyed with the secret key and bound to the IIN) is stored, so a copy of
the database does not reveal codes and a six-digit code cannot be tried offline. A code expires
after ``otp_ttl_seconds``, allows ``MAX_ATTEMPTS`` tries and works once. How many codes one IIN may
ask for within a window is counted in the database, so the limit holds across web processes.

On the embedded default the code is delivered by writing it to the server log: the one place a code
ever appears, and never next to the IIN in clear (only its last four digits).
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kezek import clock
from kezek.errors import TooManyRequests
from kezek.logs import get_logger
from kezek.models.auth import CitizenLoginCode

CODE_DIGITS = 6
MAX_ATTEMPTS = 5

log = get_logger("kezek.auth.otp")


def mask_iin(iin: str) -> str:
    """The IIN with all but its last four digits hidden, for logs and screens."""
    return "*" * max(len(iin) - 4, 0) + iin[-4:]


def _code_hash(secret_key: str, iin: str, code: str) -> str:
    return hmac.new(secret_key.encode(), f"{iin}:{code}".encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class IssuedCode:
    id: int
    code: str  # the plain code, for delivery only; never stored
    expires_at: datetime


def issue_code(
    session: Session,
    *,
    iin: str,
    secret_key: str,
    ttl_seconds: int,
    max_codes: int,
    window: timedelta,
) -> IssuedCode:
    """Create a code for this IIN, unless it already asked for ``max_codes`` within ``window``."""
    now = clock.now()
    recent = session.scalar(
        select(func.count())
        .select_from(CitizenLoginCode)
        .where(CitizenLoginCode.iin == iin, CitizenLoginCode.created_at > now - window)
    )
    if (recent or 0) >= max_codes:
        raise TooManyRequests("too many codes were requested for this IIN; wait and try again")
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    row = CitizenLoginCode(
        iin=iin,
        code_hash=_code_hash(secret_key, iin, code),
        expires_at=now + timedelta(seconds=ttl_seconds),
        attempts=0,
        # Set explicitly (not by the server default) so that the window above follows kezek.clock.
        created_at=now,
    )
    session.add(row)
    session.flush()
    return IssuedCode(row.id, code, row.expires_at)


def deliver_code(issued: IssuedCode, *, iin: str) -> None:
    """Deliver a code: on the embedded default, one line in the server log (the IIN masked)."""
    log.info(
        "citizen sign-in code",
        code=issued.code,
        iin=mask_iin(iin),
        code_id=issued.id,
        expires_at=issued.expires_at.isoformat(),
    )


class CodeCheck(enum.Enum):
    OK = "ok"
    WRONG = "wrong"
    EXPIRED = "expired"
    EXHAUSTED = "exhausted"  # too many wrong tries, or already used
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class CodeResult:
    outcome: CodeCheck
    iin: str | None = None
    attempts_left: int = 0


def check_code(session: Session, *, code_id: int, code: str, secret_key: str) -> CodeResult:
    """Try a code. Never raises for a wrong code: the attempt must be counted, so the caller's
    transaction has to commit even when the answer is no."""
    row = session.get(CitizenLoginCode, code_id, with_for_update=True)
    if row is None:
        return CodeResult(CodeCheck.UNKNOWN)
    if row.used_at is not None or row.attempts >= MAX_ATTEMPTS:
        return CodeResult(CodeCheck.EXHAUSTED)
    if clock.now() >= row.expires_at:
        return CodeResult(CodeCheck.EXPIRED)
    row.attempts += 1
    if not hmac.compare_digest(row.code_hash, _code_hash(secret_key, row.iin, code.strip())):
        left = MAX_ATTEMPTS - row.attempts
        return CodeResult(CodeCheck.WRONG if left > 0 else CodeCheck.EXHAUSTED, attempts_left=left)
    row.used_at = clock.now()
    return CodeResult(CodeCheck.OK, iin=row.iin)
