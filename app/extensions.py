"""Extensions, created bare here and bound to an app in `create_app`."""

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from app.adapters.blob_cache import BlobCache
from app.adapters.geo_index import GeoIndex
from app.adapters.plain_db import PlainDatabase
from app.adapters.rate_limits import CombinedLimits
from app.adapters.redis_store import RedisStore
from app.adapters.wechat import WeChat
from app.models.base import Base

# create_savepoint: a session joined to an outer transaction (the tests') rolls back only to its
# savepoint; with a plain engine, as in production, the option has no effect.
# expire_on_commit=False: sessions live for one request, so reloading every object after a
# commit only costs a round trip per object (it was a third of a check-in's queries).
db = SQLAlchemy(
    model_class=Base,
    session_options={"join_transaction_mode": "create_savepoint", "expire_on_commit": False},
)
migrate = Migrate()
# CSRF for the staff console's forms; the JSON APIs (bearer tokens) are exempted in create_app.
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address)
redis_store = RedisStore()
wechat = WeChat()
blob_cache = BlobCache()
geo_index = GeoIndex()
# The hot paths' one statement per request, on a plain connection (app/adapters/plain_db.py).
plain_db = PlainDatabase()
# The check-in's three rate limits in one storage call, in Flask-Limiter's storage.
checkin_limits = CombinedLimits(limiter)
