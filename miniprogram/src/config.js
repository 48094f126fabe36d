// The one place the backend's address lives. For a published mini-program this must be the
// https:// domain entered under 开发管理 → 服务器域名 → request 合法域名.
module.exports = {
  baseUrl: 'http://127.0.0.1:8000',
  apiPrefix: '/api/mp/v1',
  timeoutMs: 15000,
  // Subscribe-message template ids (the backend's SUBSCRIBE_TEMPLATES), asked for before a
  // problem report and when a keeper saves a supply with an expiry date.
  subscribeTemplates: { ticket_update: 'tmpl-ticket-update', supply_expiry: 'tmpl-supply-expiry' },
}
