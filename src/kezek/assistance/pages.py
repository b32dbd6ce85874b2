"""Housing assistance pages: claims, consents, the calculation trace, commission decisions and payments."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from kezek.auth.csrf import verify_csrf

router = APIRouter(dependencies=[Depends(verify_csrf)], include_in_schema=False)
