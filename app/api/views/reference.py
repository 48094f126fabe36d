from __future__ import annotations

from apiflask import APIBlueprint

from app.api.auth import staff_auth
from app.reference import service as reference_service
from app.reference.schemas import ReferenceOut

bp = APIBlueprint("reference", __name__, tag={"name": "Reference", "description": "工作方案中的基础数据"})


@bp.get("/reference")
@bp.auth_required(staff_auth)
@bp.output(ReferenceOut)
@bp.doc(summary="区县与建设目标（附件1/2）、服务对象、单位类型、建设方式、“六有”、关爱活动（附件5）、评价标签")
def get_reference():
    return reference_service.get_reference()
