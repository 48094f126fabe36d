// The eight worker groups of the work plan (the backend's reference data, GET /api/staff/v1/reference),
// in the order people pick from. Each page adds its own choice for "none". The type ties each code to
// the API document's (tsc fails on a code the backend does not know).
/** @typedef {NonNullable<import('../../typings/api').components['schemas']['WorkerGroupIn']['worker_group']>} WorkerGroup */

/** @type {Array<{code: WorkerGroup, name: string}>} */
const WORKER_GROUPS = [
  { code: 'sanitation', name: '环卫工人' },
  { code: 'courier', name: '快递员' },
  { code: 'food_delivery', name: '送餐员' },
  { code: 'taxi_driver', name: '出租车驾驶员' },
  { code: 'traffic_police', name: '交通警察（含协辅警）' },
  { code: 'traffic_warden', name: '交通协管员' },
  { code: 'municipal', name: '市政工作人员' },
  { code: 'city_management', name: '城管员' },
]

/**
 * The groups to pick from, after a first choice for "none" named as the page needs.
 * @param {string} noneName
 * @returns {Array<{code: WorkerGroup | null, name: string}>}
 */
const withNone = (noneName) => [{ code: null, name: noneName }, ...WORKER_GROUPS]

module.exports = { WORKER_GROUPS, withNone }
