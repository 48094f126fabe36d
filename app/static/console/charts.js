// Charts with Apache ECharts (from npm, served by the console): the dashboard's 30-day trend and
// the visits report, scanned and manual visits stacked per period.
(function () {
  "use strict";
  if (typeof echarts === "undefined") { return; }
  function read(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent || "[]") : null;
  }
  function stacked(el, labels, scanned, manual) {
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption({
      animation: false,
      color: ["#c8102e", "#f2c14e"],
      tooltip: { trigger: "axis" },
      legend: { top: 0, data: ["扫码签到", "站点登记"] },
      grid: { left: 48, right: 16, top: 36, bottom: 32 },
      xAxis: { type: "category", data: labels },
      yAxis: { type: "value", minInterval: 1, name: "人次" },
      series: [
        { name: "扫码签到", type: "bar", stack: "visits", data: scanned },
        { name: "站点登记", type: "bar", stack: "visits", data: manual }
      ]
    });
    window.addEventListener("resize", function () { chart.resize(); });
    el.dataset.ready = "1";
  }
  var trend = read("trend-data");
  var trendEl = document.getElementById("trend-chart");
  if (trend && trendEl) {
    stacked(trendEl, trend.map(function (d) { return d.day.slice(5); }),
      trend.map(function (d) { return d.scanned; }), trend.map(function (d) { return d.manual; }));
  }
  var visits = read("visits-data");
  var visitsEl = document.getElementById("visits-chart");
  if (visits && visitsEl) {
    // One bar per period (ISO dates), the report's groups of a period added together.
    stacked(visitsEl, visits.periods, visits.scanned, visits.manual);
  }
})();
