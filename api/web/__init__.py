"""The web page (issue 6): one HTML shell and a small hand-written script over the JSON API.

No build step and no CDN: the files in `static/` are served as they are. The page keeps the
sign-in token in the browser's localStorage and calls the same routes as any client, so it sees
exactly what the token's role may see.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

STATIC = Path(__file__).with_name("static")
router = APIRouter(include_in_schema=False)


@router.get("/")
def index() -> FileResponse:
    return FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-cache"})


def mount(app) -> None:  # noqa: ANN001 - FastAPI app
    app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
