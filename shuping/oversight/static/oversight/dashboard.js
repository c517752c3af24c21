/* OVS-2 dashboard charts (ECharts from npm, static/vendor/echarts). Data comes from the page's
   json_script element #dashboard-data; no inline script. */
(function () {
  "use strict";
  function init() {
    var node = document.getElementById("dashboard-data");
    if (!node || !window.echarts) { return; }
    var d = JSON.parse(node.textContent);
    var font = { fontFamily: "Noto Sans CJK SC, sans-serif" };
    var charts = [];
    function chart(id, option) {
      var el = document.getElementById(id);
      if (!el) { return; }
      var c = window.echarts.init(el, null, { renderer: "svg" });
      option.textStyle = font;
      option.animation = false;
      c.setOption(option);
      charts.push(c);
    }
    chart("chart-stages", {
      tooltip: { trigger: "axis" },
      grid: { left: 48, right: 16, top: 24, bottom: 56 },
      xAxis: { type: "category", data: d.stages, axisLabel: { interval: 0, fontSize: 11, rotate: 35 } },
      yAxis: { type: "value", minInterval: 1 },
      series: [{ type: "bar", name: "考核对象", data: d.stage_totals, itemStyle: { color: "#b22222" } }]
    });
    chart("chart-late", {
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 48, right: 16, top: 32, bottom: 56 },
      xAxis: { type: "category", data: d.children, axisLabel: { interval: 0, rotate: d.children.length > 6 ? 30 : 0 } },
      yAxis: { type: "value", minInterval: 1 },
      series: [
        { type: "bar", stack: "n", name: "按期", data: d.on_time, itemStyle: { color: "#7a9e7e" } },
        { type: "bar", stack: "n", name: "滞后", data: d.late, itemStyle: { color: "#d9822b" } }
      ]
    });
    chart("chart-trend", {
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 48, right: 16, top: 32, bottom: 32 },
      xAxis: { type: "category", data: d.trend_years },
      yAxis: { type: "value", minInterval: 1 },
      series: [
        { type: "line", name: "考核对象", data: d.trend_assessments, itemStyle: { color: "#b22222" } },
        { type: "line", name: "已研究审定", data: d.trend_decided, itemStyle: { color: "#2b6cb0" } },
        { type: "line", name: "考核数", data: d.trend_campaigns, itemStyle: { color: "#777" } }
      ]
    });
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
    document.documentElement.setAttribute("data-charts-ready", String(charts.length));
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
