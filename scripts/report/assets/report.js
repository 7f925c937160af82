// The HTML report's charts: the run's chart model is inlined as JSON beside this script.
(function () {
  'use strict';
  var data = document.getElementById('lab-chart-model');
  if (!data) return;
  var model = JSON.parse(data.textContent);
  var pair = new window.LabCharts.ChartPair(document.getElementById('chart-errors'), document.getElementById('chart-traffic'), {
    errorHeight: 240,
    trafficHeight: 300,
    trafficLegend: true,
  });
  pair.set(model);
  document.body.dataset.chartsReady = 'true';
})();
