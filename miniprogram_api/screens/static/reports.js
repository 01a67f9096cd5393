/* The console's reports page: the period form reloads the page with its values (the page's CSP
 * allows no form submission), and the two charts are drawn with the vendored Apache ECharts from
 * the numbers the server put in #report-charts (the same report as the table). */
(function () {
  'use strict';

  var form = document.getElementById('report-form');
  if (form) {
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var url = new URL(form.getAttribute('action'), window.location.href);
      new FormData(form).forEach(function (value, key) {
        if (value) {
          url.searchParams.set(key, value);
        }
      });
      window.location.assign(url.toString());
    });
  }

  var data = document.getElementById('report-charts');
  if (!data || !window.echarts) {
    return;
  }
  var charts = JSON.parse(data.textContent);
  var FONT = 'system-ui, "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif';

  function options(part, kind) {
    var series = charts.metrics.map(function (metric) {
      return {
        name: metric.label,
        type: kind,
        data: part.series[metric.key].map(function (v) { return v === null ? 0 : v; }),
        smooth: false,
        symbolSize: 7
      };
    });
    return {
      animation: false,
      textStyle: { fontFamily: FONT, fontSize: 13 },
      color: ['#1d4ed8', '#047857', '#b45309', '#7c3aed'],
      tooltip: { trigger: 'axis', renderMode: 'richText' },
      legend: { top: 0, textStyle: { color: '#111827' } },
      grid: { left: 48, right: 16, top: 64, bottom: 48 },
      xAxis: { type: 'category', data: part.labels, axisLabel: { color: '#111827', interval: 0, rotate: part.labels.length > 8 ? 30 : 0 } },
      yAxis: { type: 'value', minInterval: 1, axisLabel: { color: '#111827' } },
      series: series
    };
  }

  var drawn = [];
  document.querySelectorAll('[data-chart]').forEach(function (node) {
    var which = node.dataset.chart;
    var chart = window.echarts.init(node, null, { renderer: 'canvas' });
    chart.setOption(options(charts[which], which === 'trend' ? 'line' : 'bar'));
    node.dataset.drawn = 'true';
    drawn.push(chart);
  });
  window.addEventListener('resize', function () {
    drawn.forEach(function (chart) { chart.resize(); });
  });
}());
