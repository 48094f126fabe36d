"""Server-rendered pages outside the API: the page a non-WeChat scan of a sign opens, and the
verification file WeChat fetches before it lets ordinary QR codes open the mini-program."""

from __future__ import annotations

from flask import Blueprint, Flask, Response, render_template, request

from app.core.errors import DomainError
from app.problems import photos as problem_photos
from app.station_pages import public_station

bp = Blueprint("public", __name__)


@bp.get("/s/<code>")
def station_page(code: str):
    try:
        view = public_station.view_for_scan(code, request.args.get("k", ""))
    except DomainError as error:
        status = 410 if error.code in ("sign_outdated", "station_closed") else 404
        return render_template("public/problem.html", error=error), status
    return render_template("public/station.html", view=view)


@bp.get("/media/problem-photos/<token>")
def problem_photo_for_wechat(token: str):
    """Where WeChat downloads a reported photo to check it (a signed, short-lived URL); a bad or
    old token, or a photo already judged, is simply not there."""
    photo = problem_photos.photo_for_wechat(token)
    if photo is None:
        return Response("not found", status=404, mimetype="text/plain")
    content, mimetype = problem_photos.photo_bytes(photo)
    return Response(content, mimetype=mimetype, headers={"Cache-Control": "no-store"})


def register_web(app: Flask) -> None:
    app.register_blueprint(bp)
    name, content = app.config.get("WECHAT_JUMP_VERIFY_FILE"), app.config.get("WECHAT_JUMP_VERIFY_CONTENT")
    if name and content:
        # At the web root, and under the rule's last folder (/s/), as WeChat checks both.
        def verify_file():
            return Response(content, mimetype="text/plain")

        app.add_url_rule(f"/{name}", "wechat_verify_root", verify_file)
        app.add_url_rule(f"/s/{name}", "wechat_verify_rule", verify_file)
