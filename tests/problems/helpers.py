"""Shared by the problem-report tests: photos, the fake WeChat's pushes to the app served over
HTTP, and the people of a small world (a station in 涪城区 with a keeper, two workers)."""

from __future__ import annotations

import io
from contextlib import contextmanager
from dataclasses import dataclass

from PIL import Image

from tests.conftest import Api, signed_in, worker_signed_in
from tests.factories import StaffFactory, StationFactory, WorkerFactory, make_keeper
from tests.fake_push import FakeWeChatPush, serving

MP = "/api/mp/v1"
STAFF = "/api/staff/v1"


def photo_bytes(fmt: str = "JPEG", *, gps: bool = True) -> bytes:
    """A small photo; with EXIF naming the phone and (GPS IFD) where it was taken."""
    image = Image.new("RGB", (40, 30), "steelblue")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    if gps:
        exif[0x8825] = {1: "N", 2: (31.0, 27.0, 24.0), 3: "E", 4: (104.0, 44.0, 46.0)}
    out = io.BytesIO()
    image.save(out, format=fmt, exif=exif)
    return out.getvalue()


def upload(api: Api, ticket_id: int, data: bytes | None = None):
    data = photo_bytes() if data is None else data
    return api.post(f"{MP}/tickets/{ticket_id}/photos", data={"photo": (io.BytesIO(data), "p.jpg")}, content_type="multipart/form-data")


@dataclass
class People:
    station: object
    other_station: object
    reporter: Api
    second: Api
    keeper: Api
    fc: Api
    yx: Api
    reporter_id: int
    openids: tuple[str, str]


def make_people(client, wx) -> People:
    station = StationFactory(opening_hours={"always_open": True})
    other = StationFactory(code="YX9901", district_code="YX", opening_hours={"always_open": True})
    first, second = WorkerFactory(), WorkerFactory()
    keeper = make_keeper(station)
    for worker in (first, second, keeper.worker):
        wx.login_code(worker.openid)  # they opened the mini-program: WeChat knows them
    fc = StaffFactory(role="district", district_code="FC", username="fc.problems")
    yx = StaffFactory(role="district", district_code="YX", username="yx.problems")
    return People(
        station, other, worker_signed_in(client, first), worker_signed_in(client, second),
        worker_signed_in(client, keeper.worker), signed_in(client, fc), signed_in(client, yx), first.id,
        (first.openid, second.openid),
    )  # fmt: skip


@contextmanager
def pushes_to(app, fake_wechat):
    """The session's app served over HTTP, and the fake WeChat pushing to it (secure mode)."""
    fake = FakeWeChatPush(fake_wechat)
    with serving(app) as base_url:
        fake.configure_push(url=f"{base_url}/api/wechat/push", token=app.config["WECHAT_PUSH_TOKEN"], mode="secure")
        yield fake
