"""Import pages for officials: upload legacy lists and stock, see the per-row report and reconciliation."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from kezek.auth.csrf import verify_csrf

router = APIRouter(dependencies=[Depends(verify_csrf)], include_in_schema=False)
