"""Everything the staff console's station page shows, read in one place: the station, its 六有
inspections, live status and its recent history, keepers and binding codes, ratings with the
comments and replies waiting for review, and its sign. Every read is scoped by the services it
calls: another district's station is not found."""

from __future__ import annotations

from dataclasses import dataclass

from app.accounts.actor import Actor
from app.core import clock
from app.core.pagination import Page
from app.keepers import codes as keeper_codes
from app.keepers import roster as keeper_roster
from app.keepers.models import KeeperCode, StationKeeper
from app.ratings import service as ratings
from app.ratings.models import COMMENT_REVIEW, Rating
from app.registry import stations
from app.registry.models import Inspection, Station
from app.signs import service as signs
from app.station_pages import live_status, status_posts
from app.station_pages.live_status import LiveStatus

HISTORY_SHOWN = 10
REVIEW_SHOWN = 50


@dataclass(frozen=True)
class StationOverview:
    station: Station
    inspections: list[Inspection]
    live: LiveStatus
    history: Page
    keepers: list[StationKeeper]
    codes: list[KeeperCode]
    code_states: dict[int, str]
    comments_to_review: list[Rating]
    replies_to_review: list[Rating]
    recent_ratings: list[Rating]
    rating_summary: dict
    sign: dict


def overview(actor: Actor, code: str) -> StationOverview:
    station = stations.get_station(actor, code)
    codes = keeper_codes.list_codes(actor, station.code)
    now = clock.now()
    return StationOverview(
        station=station,
        inspections=stations.list_inspections(actor, station.code),
        live=live_status.for_stations([station], now)[station.id],
        history=status_posts.status_history(actor, station.code, page=1, per_page=HISTORY_SHOWN),
        keepers=keeper_roster.list_keepers(actor, station.code),
        codes=codes,
        code_states={row.id: keeper_codes.code_state(row, now) for row in codes},
        comments_to_review=ratings.list_station_ratings(actor, station.code, comment_status=COMMENT_REVIEW, per_page=REVIEW_SHOWN).items,
        replies_to_review=ratings.list_station_ratings(actor, station.code, reply_status=COMMENT_REVIEW, per_page=REVIEW_SHOWN).items,
        recent_ratings=ratings.list_station_ratings(actor, station.code, per_page=10).items,
        rating_summary=ratings.station_summary(actor, station.code),
        sign=signs.sign_info(actor, station.code),
    )
