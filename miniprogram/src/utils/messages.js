// What a person reads when something did not go through: plain Chinese, one message per error
// code the backend can answer. tests/unit/checkin-codes.test.js fails when the backend's check-in
// can answer a code that has no message here.

/** @typedef {{title: string, detail?: string, kind: 'refused'|'retry'|'wait'}} Outcome */

/** @param {number|null} seconds */
function waitText(seconds) {
  if (!seconds) return '请稍等一会儿再试'
  if (seconds < 60) return `请 ${seconds} 秒后再试`
  return `请 ${Math.ceil(seconds / 60)} 分钟后再试`
}

/** Check-in: each code the backend can answer, with what to show. @type {Record<string, (e: any) => Outcome>} */
const CHECKIN = {
  too_far: (e) => ({
    kind: 'refused',
    title: '离站点太远，没有签上',
    detail:
      e.details && e.details.distance_m != null
        ? `您离站点约 ${e.details.distance_m} 米，需要走到 ${e.details.limit_m} 米以内再签到`
        : '请走到站点跟前再签到',
  }),
  scan_invalid: () => ({ kind: 'refused', title: '这个二维码不是驿站的标牌', detail: '请扫站点门口张贴的驿站标牌' }),
  sign_outdated: () => ({ kind: 'refused', title: '这是旧标牌', detail: '站点已换了新标牌，请扫现场的新标牌' }),
  station_closed: () => ({ kind: 'refused', title: '这个站点已经撤销', detail: '可以在“附近”找别的驿站' }),
  station_not_in_service: () => ({ kind: 'refused', title: '这个站点还没建好', detail: '还不能签到，可以在“附近”找别的驿站' }),
  station_closed_temporarily: (e) => ({ kind: 'refused', title: '站点临时关闭', detail: e.message }),
  station_not_open: (e) => ({ kind: 'refused', title: '站点现在不开放', detail: e.message }),
  rate_limited: (e) => ({ kind: 'wait', title: '签到太频繁了', detail: waitText(e.retryAfter) }),
  idempotency_key_reused: () => ({ kind: 'retry', title: '签到没有成功', detail: '请再点一次“签到”' }),
  validation_error: () => ({ kind: 'retry', title: '签到没有成功', detail: '请重新扫标牌后再签到' }),
  bad_request: () => ({ kind: 'retry', title: '签到没有成功', detail: '请重新扫标牌后再签到' }),
  unauthorized: () => ({ kind: 'retry', title: '登录已过期', detail: '请点“重试”' }),
  database_unavailable: (e) => ({ kind: 'wait', title: '系统正忙', detail: waitText(e.retryAfter) }),
  service_unavailable: (e) => ({ kind: 'wait', title: '系统正忙', detail: waitText(e.retryAfter) }),
  internal_error: () => ({ kind: 'retry', title: '系统出了点问题', detail: '请稍后点“重试”' }),
  network: () => ({ kind: 'retry', title: '网络不通', detail: '请检查网络后点“重试”' }),
  not_found: () => ({ kind: 'refused', title: '没有找到这个站点', detail: '请扫站点门口张贴的驿站标牌' }),
  checkin_not_found: () => ({ kind: 'retry', title: '没有找到这次签到', detail: '请重新扫标牌签到' }),
  forbidden: () => ({ kind: 'refused', title: '没有签上', detail: '请走到站点跟前，扫门口的标牌再签到' }),
  privacy_consent_required: () => ({
    kind: 'retry',
    title: '没有签上',
    detail: '带位置签到需要您同意隐私保护指引中的位置授权（在“我的”里）；不带位置也可以签到，请再点一次“签到”',
  }),
}

/** @param {any} error an ApiError @returns {Outcome} */
function checkInOutcome(error) {
  const known = CHECKIN[error.code]
  if (known) return known(error)
  return { kind: 'retry', title: '签到没有成功', detail: error.message || '请稍后再试' }
}

/** Rating: the backend's codes, and what a held or refused comment says. @type {Record<string, string>} */
const RATING = {
  already_rated: '这次签到已经评价过了',
  rating_window_closed: '签到已超过 24 小时，不能再评价',
  comment_rejected: '留言里有不合适的内容，没有保存。请改一改再提交',
  checkin_not_found: '没有找到这次签到',
  rate_limited: '评价太频繁了，请稍后再试',
}

/** Keepers: binding, status, walk-ins, replies. @type {Record<string, string>} */
const KEEPER = {
  keeper_code_invalid: '绑定码不对，请核对后再输入',
  keeper_code_used: '这个绑定码已经用过了，请向区县工会要新的',
  keeper_code_expired: '这个绑定码已过期，请向区县工会要新的',
  not_a_keeper: '您还不是（或已不再是）这个站点的管理员',
  station_not_found: '没有找到这个站点，或不是您管理的站点',
  closure_until_out_of_range: '恢复开放的时间要在现在之后 7 天以内',
  walk_in_date_out_of_range: '只能登记今天和之前 7 天的人次',
  walk_in_count_out_of_range: '人次数不对，请重新填写',
  walk_in_too_old: '这条登记太久了，不能再更正',
  walk_in_unchanged: '人次没有变化',
  walk_in_is_correction: '这是一条更正记录，不能再更正',
  walk_in_not_found: '没有找到这条登记',
  station_not_in_service: '站点还没建好，不能登记',
  text_rejected: '回复里有不合适的内容，没有保存',
  rating_not_found: '没有找到这条留言',
  rate_limited: '操作太频繁了，请稍后再试',
  validation_error: '填写的内容有误，请检查后再提交',
}

/** Care activities: claims, vouchers, hand-outs, counts. @type {Record<string, string>} */
const ACTIVITY = {
  activity_not_found: '没有找到这个活动',
  activity_cancelled: '这个活动已取消',
  activity_ended: '这个活动已结束',
  activity_not_started: '活动还没开始，开始后才能发放',
  activity_has_no_gift: '这个活动没有可领的礼品',
  already_claimed: '您已经领过了（每人限领一份）',
  gift_out_of_stock: '礼品已经领完了',
  claim_not_found: '没有找到这条领取记录',
  claim_already_collected: '礼品已经发放过了',
  claim_cancelled: '这张券已取消',
  voucher_not_found: '券码不对，请核对后再输入',
  voucher_wrong_station: '这张券不是本站活动的，不能在本站发放',
  recorded_count_invalid: '人数不对，请重新填写',
  not_a_keeper: '您还不是（或已不再是）这个站点的管理员',
  station_not_found: '没有找到这个站点，或不是您管理的站点',
}

/** Problem reports (the worker's side and the keeper's). @type {Record<string, string>} */
const PROBLEM = {
  problem_text_rejected: '说明里有不合适的内容，没有提交。请改一改再提交',
  problem_photos_full: '每条反映最多 3 张照片',
  file_too_large: '照片太大了，请换一张',
  unsupported_file_type: '只能上传 JPEG 或 PNG 照片',
  ticket_not_found: '没有找到这条反映',
  ticket_status_conflict: '这条反映的状态已经变了，请刷新',
  station_not_found: '没有找到这个站点',
  supply_not_found: '没有找到这项物资',
  not_a_keeper: '您还不是（或已不再是）站点管理员',
  rate_limited: '反映太频繁了，请稍后再试',
  validation_error: '填写的内容有误，请检查后再提交',
}

/** A short sentence for any failed call. @param {any} error @param {Record<string, string>} [table] */
function messageFor(error, table = {}) {
  if (error && error.network) return '网络不通，请检查网络后点“重试”'
  if (error && table[error.code]) return table[error.code]
  return (error && error.message) || '没有成功，请稍后再试'
}

module.exports = { CHECKIN, RATING, KEEPER, ACTIVITY, PROBLEM, checkInOutcome, messageFor, waitText }
