"""Queue pages: the public lists (no login) and the citizen's place with the reasons it moved."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from kezek.auth.csrf import verify_csrf

router = APIRouter(dependencies=[Depends(verify_csrf)], include_in_schema=False)
