from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base


class ProcessedPush(Base):
    """A WeChat push we have processed: its content's digest (WeChat's retry of the same message,
    or a replay, is answered `success` and not processed again) and its signature's (a captured
    signature cannot carry another body). No openid or content is kept."""

    __tablename__ = "wechat_pushes"

    id: Mapped[int] = mapped_column(primary_key=True)
    digest: Mapped[str] = mapped_column(sa.String(64), unique=True)  # sha256 of the decrypted message
    signature_digest: Mapped[str] = mapped_column(sa.String(64), unique=True)  # sha256 of timestamp, nonce, signature
    event: Mapped[str] = mapped_column(sa.String(64))
    received_at: Mapped[datetime] = mapped_column(index=True)
