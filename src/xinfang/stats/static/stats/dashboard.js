/* The statistics dashboard: draws the charts from the page's JSON (id "stats-data") with Apache ECharts,
   served by the app itself. Every chart element links to the petitions behind it: a click opens the
   drill-down list. The map draws only when the region's outline file exists; without it the page keeps
   the table. When everything is drawn, <body data-charts-ready="1"> (the browser test waits for it). */
(function () {
  "use strict";

  var RED = "#9b1c1c", GOLD = "#c9a227", BLUE = "#2f5f8a", GREEN = "#3c7d3c";
  var charts = [];

  function readData() {
    var el = document.getElementById("stats-data");
    return el ? JSON.parse(el.textContent) : null;
  }

  function make(id) {
    var el = document.getElementById(id);
    if (!el || !window.echarts) { return null; }
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    charts.push(chart);
    return chart;
  }

  function openOnClick(chart, urlOf) {
    chart.on("click", function (params) {
      var url = urlOf(params);
      if (url) { window.location.assign(url); }
    });
  }

  function trend(data) {
    var chart = make("chart-trend");
    if (!chart) { return; }
    var t = data.trend;
    chart.setOption({
      color: [BLUE, RED, GOLD],
      tooltip: { trigger: "axis" },
      legend: { data: ["信访量（批）", "及时受理率", "按期办结率"], top: 0 },
      grid: { left: 48, right: 48, top: 36, bottom: 28 },
      xAxis: { type: "category", data: t.months },
      yAxis: [
        { type: "value", name: "批", minInterval: 1 },
        { type: "value", name: "%", min: 0, max: 100 }
      ],
      series: [
        { name: "信访量（批）", type: "bar", data: t.batches },
        { name: "及时受理率", type: "line", yAxisIndex: 1, data: t.timely_acceptance, connectNulls: true },
        { name: "按期办结率", type: "line", yAxisIndex: 1, data: t.on_time_conclusion, connectNulls: true }
      ]
    });
  }

  function channels(data) {
    var chart = make("chart-channels");
    if (!chart) { return; }
    chart.setOption({
      tooltip: { trigger: "item", formatter: "{b}：{c}批（{d}%）" },
      legend: { type: "scroll", bottom: 0 },
      series: [{ type: "pie", radius: ["35%", "65%"], data: data.channels, label: { formatter: "{b}\n{c}批" } }]
    });
    openOnClick(chart, function (p) { return p.data && p.data.url; });
  }

  function categories(data) {
    var chart = make("chart-categories");
    if (!chart) { return; }
    chart.setOption({
      color: [RED],
      tooltip: { trigger: "axis" },
      grid: { left: 110, right: 24, top: 12, bottom: 24 },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", inverse: true, data: data.categories.map(function (c) { return c.name; }) },
      series: [{ type: "bar", data: data.categories, label: { show: true, position: "right" } }]
    });
    openOnClick(chart, function (p) { return data.categories[p.dataIndex] && data.categories[p.dataIndex].url; });
  }

  function units(data) {
    var chart = make("chart-units");
    if (!chart) { return; }
    var select = document.getElementById("unit-rate-select");
    function draw() {
      var key = select ? select.value : data.rate_columns[0].key;
      var rows = data.units
        .filter(function (u) { return u.rates[key].percent !== null; })
        .sort(function (a, b) { return b.rates[key].percent - a.rates[key].percent || a.code.localeCompare(b.code); });
      chart.setOption({
        color: [GREEN],
        tooltip: {
          trigger: "item",
          formatter: function (p) {
            var r = rows[p.dataIndex].rates[key];
            return rows[p.dataIndex].name + "：" + r.percent + "%（" + r.numerator + "/" + r.denominator + "），" + (r.ranked > 1 ? rows[p.dataIndex].group + "第" + r.rank + "名（共" + r.ranked + "个）" : "同类仅此一个，不排名");
          }
        },
        grid: { left: 140, right: 48, top: 12, bottom: 24 },
        xAxis: { type: "value", min: 0, max: 100, name: "%" },
        yAxis: { type: "category", inverse: true, data: rows.map(function (u) { return u.name; }) },
        series: [{
          type: "bar",
          data: rows.map(function (u) { return u.rates[key].percent; }),
          label: { show: true, position: "right", formatter: "{c}%" }
        }]
      }, true);
      chart.off("click");
      openOnClick(chart, function (p) { return rows[p.dataIndex] && rows[p.dataIndex].rates[key].url; });
    }
    if (select) { select.addEventListener("change", draw); }
    draw();
  }

  function targets(data) {
    var list = data.targets || [];
    var chart = list.length ? make("chart-targets") : null;
    if (!chart) { return; }
    var select = document.getElementById("target-select");
    var STATUS = { met: GREEN, at_risk: GOLD, missed: RED, no_data: "#999999" };
    function draw() {
      var t = list[select ? Number(select.value) : 0];
      chart.setOption({
        color: [BLUE, RED],
        tooltip: { trigger: "axis" },
        legend: { data: ["累计实际", "按月分解目标"], top: 0 },
        grid: { left: 48, right: 24, top: 36, bottom: 28 },
        xAxis: { type: "category", data: t.months },
        yAxis: t.is_rate ? { type: "value", name: "%", min: 0, max: 100 } : { type: "value", name: t.unit, minInterval: 1 },
        series: [
          {
            name: "累计实际", type: "bar",
            data: t.actual.map(function (v, i) { return { value: v, itemStyle: { color: STATUS[t.status[i]] } }; })
          },
          { name: "按月分解目标", type: "line", step: t.is_rate ? "middle" : false, data: t.target }
        ]
      }, true);
      chart.off("click");
      openOnClick(chart, function (p) { return p.seriesIndex === 0 ? t.urls[p.dataIndex] : null; });
    }
    if (select) { select.addEventListener("change", draw); }
    draw();
  }

  function map(data) {
    var m = data.map;
    if (!m || !window.echarts || !document.getElementById("chart-map")) { return Promise.resolve(); }
    return fetch(m.url, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error("outline " + response.status); }
        return response.json();
      })
      .then(function (geo) {
        window.echarts.registerMap(m.name, geo);
        var chart = make("chart-map");
        var values = m.regions.map(function (r) { return r.value; });
        chart.setOption({
          tooltip: { trigger: "item", formatter: function (p) { return p.name + "：" + (p.value || 0) + "批"; } },
          visualMap: {
            min: 0, max: Math.max(1, Math.max.apply(null, values)), left: 8, bottom: 8,
            text: ["多", "少"], calculable: true, inRange: { color: ["#fbeaea", RED] }
          },
          series: [{
            type: "map", map: m.name, roam: false, data: m.regions,
            label: { show: true, fontSize: 11 }, emphasis: { label: { show: true } }
          }]
        });
        openOnClick(chart, function (p) { return p.data && p.data.url; });
      })
      .catch(function () {
        var el = document.getElementById("chart-map");
        if (el) { el.outerHTML = "<p class=\"text-body-secondary mb-0\" id=\"map-missing\">地图轮廓加载失败，问题属地分布见下表。</p>"; }
      });
  }

  // The lower jurisdictions' sort selector re-ranks on change; its 排序 button does the same without script.
  function sortOnChange() {
    var select = document.getElementById("id_rank_by");
    if (select) { select.addEventListener("change", function () { select.form.submit(); }); }
  }

  function init() {
    sortOnChange();
    var data = readData();
    if (!data) { return; }
    if (!window.echarts) {
      document.body.dataset.chartsReady = "no-echarts";
      return;
    }
    trend(data);
    channels(data);
    categories(data);
    units(data);
    targets(data);
    map(data).then(function () { document.body.dataset.chartsReady = "1"; });
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
