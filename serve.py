"""Relais's server: the Streamlit app plus small HTTP routes (sign-in cookie, badge status).

`make run` starts it with `streamlit run serve.py` (Streamlit finds ``app`` and serves
app.py through it). The route exists because a Streamlit script cannot set an HttpOnly
cookie: after a sign-in, the page posts a one-time code here and receives the session
token in a Set-Cookie header (HttpOnly, SameSite=Strict, Secure over HTTPS), out of
reach of page JavaScript. DELETE ends the session the cookie names and clears it.

GET /badges/status/revocation serves the badges' signed revocation list (Bitstring Status
List) to any verifier, signed afresh from the database on each request (docs/recognition.md).
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit

import streamlit as st
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from accounts import sessions
from recognition import badges



def _same_origin(request: Request) -> bool:
    """Refuse cross-site calls: the Origin header, when sent, must be this host."""
    origin = request.headers.get("origin")
    if origin is None:
        return request.headers.get("sec-fetch-site", "same-origin") == "same-origin"
    return urlsplit(origin).netloc == request.headers.get("host", "")


def _secure(request: Request) -> bool:
    forced = os.environ.get("RELAIS_SECURE_COOKIE", "").lower() in {"1", "true", "yes", "on"}
    return forced or request.url.scheme == "https"


def _engine():  # noqa: ANN202
    from storage.db import get_engine

    return get_engine()


async def session_cookie(request: Request) -> Response:
    """POST (body: the one-time code): set the session cookie. DELETE: end it and clear it."""
    if not _same_origin(request):
        return Response(status_code=403)
    if request.method == "DELETE":
        await run_in_threadpool(sessions.end, _engine(),
                                token=request.cookies.get(sessions.COOKIE))
        response = Response(status_code=204)
        response.delete_cookie(sessions.COOKIE, path="/", httponly=True, samesite="strict",
                               secure=_secure(request))
        return response
    # in the body, not the URL, so that no access log ever holds it
    code = (await request.body())[:200].decode("ascii", errors="replace").strip()
    return await run_in_threadpool(_redeem, request, code)


def _redeem(request: Request, code: str) -> Response:
    redeemed = sessions.redeem_handoff(_engine(), code)
    if redeemed is None:
        return Response(status_code=403)
    token, expires = redeemed
    response = Response(status_code=204)
    response.set_cookie(sessions.COOKIE, token, path="/", httponly=True, samesite="strict",
                        secure=_secure(request),
                        max_age=int(sessions.absolute_limit().total_seconds()))
    response.headers["Cache-Control"] = "no-store"
    return response


def _status_list() -> Response:
    token = badges.served_status_list(_engine())
    if token is None:  # no signing key yet, hence no badge to check
        return Response(status_code=404, headers={"Cache-Control": "no-store"})
    # public: verifiers anywhere (a browser-based one included) read it; cached no longer
    # than the list's own refresh hint, so a revocation reaches them within that time
    return Response(token, media_type=badges.STATUS_MEDIA_TYPE,
                    headers={"Cache-Control": f"public, max-age={badges.STATUS_TTL_MS // 1000}",
                             "Access-Control-Allow-Origin": "*"})


async def badge_status_list(_request: Request) -> Response:
    """GET (and HEAD): the signed badge revocation list the badges' credentialStatus names."""
    return await run_in_threadpool(_status_list)


app = st.App("app.py", routes=[Route(sessions.ROUTE, session_cookie,
                                     methods=["POST", "DELETE"]),
                               Route(badges.STATUS_PATH, badge_status_list, methods=["GET"])])
