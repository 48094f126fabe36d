"""privacy: the notice and consents, no coordinates on check-ins, anonymous stand-ins, and a
check-in function that refuses a located check-in without the location consent

Revision ID: h19a00000001
Revises: h18a00000001
Create Date: 2026-12-03 21:30:00

Collect less (README "Privacy"): a check-in keeps its distance from the station (it was within
the geofence, or it was refused) and never the worker's coordinates; the columns go, with what
they held. yizhan_check_in keeps its one round trip and gains one EXISTS: a check-in carrying a
location needs the worker's live consent to `location` under the latest notice.
"""

import re
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision = 'h19a00000001'
down_revision = 'h18a00000001'
branch_labels = None
depends_on = None

NOTICE_V1 = [
    {"heading": "我们收集哪些信息", "text": "微信为本小程序分配给您的标识（openid）；您自愿选择的劳动者群体；您在驿站签到的时间、站点与所选服务；签到时若您授权位置，只保存您与驿站的距离，不保存您的经纬度；您的评价（分数、标签与可选的文字）；您作为站长时的登记记录。"},
    {"heading": "为什么收集", "text": "统计驿站的服务人次与服务人数（工会的统计报表），防止重复签到，核实您确在驿站附近，了解驿站的服务质量。"},
    {"heading": "位置（wx.getLocation）", "text": "仅在您签到时使用一次，用于计算您与驿站的距离（须在地理围栏内）；不同意也可以签到（记为未定位）。"},
    {"heading": "照片（wx.chooseMedia、摄像头）", "text": "仅在您上报问题或领取关爱物品需要拍照时使用；照片经微信内容安全检测后保存。"},
    {"heading": "保存多久", "text": "签到与您本人的关联在超过 400 天后解除（计数保留，不再能关联到您）；评价文字保存 1 年；照片保存 180 天；问题上报的文字保存 1 年；到期自动删除或匿名化。"},
    {"heading": "您的权利", "text": "在“我的”页面可以查看并下载本小程序保存的您的全部信息、撤回授权、注销账号（注销后您的身份信息被删除，签到记录匿名化后仅用于统计）。在微信中撤回授权或注销微信账号，我们同样会删除相应信息。"},
    {"heading": "联系我们", "text": "如有疑问，请联系所在区县总工会。"},
]

NEW_FUNCTION_ARGS = ("bigint, text, int, timestamptz, double precision, bigint, jsonb, "
                     "double precision, double precision, double precision, text, text")


def _function_from(revision_file: str) -> str:
    """The CHECK_IN text of an earlier revision (the one before ours, for the downgrade)."""
    source = (Path(__file__).parent / revision_file).read_text()
    return re.search(r'CHECK_IN = r"""(.*?)"""', source, re.S).group(1)


def _checkin_function(before: str) -> str:
    """Ours: the earlier function with no coordinates stored, `located` from the distance, and the
    location consent checked (outcome 'consent_required') before anything is computed from it."""
    after = before.replace("c.lat IS NOT NULL", "c.distance_m IS NOT NULL")
    after = after.replace("services, lat, lng, distance_m,", "services, distance_m,")
    after = after.replace("         p_lat, p_lng, dist, grp, 1", "         dist, grp, 1")
    consent = (
        "  IF outcome IS NULL AND p_lat IS NOT NULL AND NOT EXISTS (\n"
        "      SELECT 1 FROM privacy_consents pc WHERE pc.worker_id = p_worker_id AND pc.feature = 'location'\n"
        "         AND pc.withdrawn_at IS NULL AND pc.notice_version = (SELECT max(n.version) FROM privacy_notices n)) THEN\n"
        "    -- README \"Privacy\": a location is used only with the worker's consent to the latest notice.\n"
        "    outcome := 'consent_required';\n"
        "  END IF;\n"
    )
    anchor = "  IF outcome IS NULL AND p_lat IS NOT NULL THEN\n"
    assert anchor in after and "lat, lng, distance_m" not in after
    return after.replace(anchor, consent + anchor, 1)


def upgrade():
    op.create_table(
        'privacy_notices',
        sa.Column('version', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('title', sa.String(length=100), nullable=False),
        sa.Column('sections', sa.dialects.postgresql.JSONB(), nullable=False),
        sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('version', name=op.f('pk_privacy_notices')),
    )
    op.create_table(
        'privacy_consents',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('worker_id', sa.Integer(), nullable=False),
        sa.Column('notice_version', sa.Integer(), nullable=False),
        sa.Column('feature', sa.String(length=16), nullable=False),
        sa.Column('given_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('withdrawn_by', sa.String(length=16), nullable=True),
        sa.CheckConstraint("feature IN ('location', 'photos')", name=op.f('ck_privacy_consents_feature')),
        sa.ForeignKeyConstraint(['worker_id'], ['workers.id'], name=op.f('fk_privacy_consents_worker_id_workers'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_privacy_consents')),
    )
    op.create_index('ix_privacy_consents_worker_feature', 'privacy_consents', ['worker_id', 'feature', 'notice_version'])
    op.create_table(
        'privacy_retention_runs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('removed', sa.dialects.postgresql.JSONB(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_privacy_retention_runs')),
    )
    op.add_column('workers', sa.Column('anonymised_at', sa.DateTime(timezone=True), nullable=True))
    notices = sa.table('privacy_notices', sa.column('version'), sa.column('title'), sa.column('sections', sa.dialects.postgresql.JSONB()),
                       sa.column('published_at', sa.DateTime(timezone=True)))
    op.execute(notices.insert().values(version=1, title="驿站小程序用户隐私保护指引", sections=NOTICE_V1, published_at=sa.func.now()))
    op.execute(f"DROP FUNCTION IF EXISTS yizhan_check_in({NEW_FUNCTION_ARGS})")
    op.execute(_checkin_function(_function_from('e9c0ffee0005_check_in_function.py')))
    op.drop_column('checkins', 'lat')
    op.drop_column('checkins', 'lng')


def downgrade():
    op.add_column('checkins', sa.Column('lng', sa.Double(), nullable=True))
    op.add_column('checkins', sa.Column('lat', sa.Double(), nullable=True))
    op.execute(f"DROP FUNCTION IF EXISTS yizhan_check_in({NEW_FUNCTION_ARGS})")
    op.execute(_function_from('e9c0ffee0005_check_in_function.py'))
    op.drop_column('workers', 'anonymised_at')
    op.drop_index('ix_privacy_consents_worker_feature', table_name='privacy_consents')
    op.drop_table('privacy_consents')
    op.drop_table('privacy_retention_runs')
    op.drop_table('privacy_notices')
