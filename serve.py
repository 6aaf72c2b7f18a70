"""Relais's server: the Streamlit app plus one small HTTP route for the sign-in cookie.

`make run` starts it with `streamlit run serve.py` (Streamlit finds ``app`` and serves
app.py through it). The route exists because a Streamlit script cannot set an HttpOnly
cookie: after a sign-in, the page posts a one-time code here and receives the session
token in a Set-Cookie header (HttpOnly, SameSite=Strict, Secure over HTTPS), out of
reach of page JavaScript. DELETE ends the session the cookie names and clears it.
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


app = st.App("app.py", routes=[Route(sessions.ROUTE, session_cookie,
                                     methods=["POST", "DELETE"])])
