"""Housing stock pages: dwellings entered, imported and handed over."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from kezek.auth.csrf import verify_csrf

router = APIRouter(dependencies=[Depends(verify_csrf)], include_in_schema=False)
