// Charts shared by the live dashboard and the HTML report (uPlot, no framework).
// A chart model: { s: [seconds], errors: { UNAVAILABLE: [%], CANCELLED: [%], other: [%] },
//   pods: [{ name, isNew, values: [OK calls/s] }], markers: [{ s, type, text, marker }] }
(function () {
  'use strict';

  var OLD_COLORS = ['#1f77b4', '#2a9d8f', '#457b9d', '#3a86ff', '#00838f', '#5c6bc0', '#26a69a', '#0277bd', '#4e79a7', '#76b7b2'];
  var NEW_COLORS = ['#9c27b0', '#c2185b', '#7b1fa2', '#ad1457', '#8e24aa', '#d81b60', '#6a1b9a', '#e91e63'];
  var ERROR_SERIES = [
    { key: 'UNAVAILABLE', label: 'UNAVAILABLE', stroke: '#d32f2f' },
    { key: 'CANCELLED', label: 'CANCELLED', stroke: '#ef6c00' },
    { key: 'other', label: 'other errors', stroke: '#6d4c41' },
  ];
  // whole seconds on the time axis: the data has one point a second
  var SECOND_INCRS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600];
  var MARKER_COLORS = { 'rollout-started': '#1565c0', 'rollout-completed': '#2e7d32', scaled: '#7b1fa2', step: '#37474f' };

  function podColors(pods) {
    var oldI = 0;
    var newI = 0;
    return pods.map(function (p) {
      return p.isNew ? NEW_COLORS[newI++ % NEW_COLORS.length] : OLD_COLORS[oldI++ % OLD_COLORS.length];
    });
  }

  function alpha(hex, a) {
    var n = parseInt(hex.slice(1), 16);
    return 'rgba(' + (n >> 16) + ',' + ((n >> 8) & 255) + ',' + (n & 255) + ',' + a + ')';
  }

  // Event markers as elements over the plot, so they carry a tooltip and a test can find them.
  function markerPlugin(getMarkers, withLabels) {
    function place(u) {
      var layer = u.over.querySelector('.markers');
      if (!layer) {
        layer = document.createElement('div');
        layer.className = 'markers';
        u.over.appendChild(layer);
      }
      layer.textContent = '';
      var xmin = u.scales.x.min;
      var xmax = u.scales.x.max;
      // labels take the first row where they do not overlap the previous label; with no row
      // free they are left out (the marker keeps its tooltip)
      var rowEnds = [-1e9, -1e9, -1e9, -1e9];
      getMarkers().forEach(function (m) {
        if (!m.marker || m.s < xmin || m.s > xmax) return;
        var x = u.valToPos(m.s, 'x');
        var el = document.createElement('div');
        el.className = 'marker ' + m.marker;
        el.dataset.type = m.type;
        el.dataset.s = String(m.s);
        el.style.left = x + 'px';
        el.title = m.s.toFixed(1) + ' s: ' + m.text;
        if (m.marker === 'major') el.style.borderColor = MARKER_COLORS[m.type] || '#37474f';
        if (withLabels && m.marker === 'major') {
          var text = m.label || m.text;
          var width = text.length * 6.2 + 12;
          var flip = x > u.over.clientWidth - width;
          var from = flip ? x - width : x;
          var row = rowEnds.findIndex(function (end) { return end < from; });
          if (row >= 0) {
            rowEnds[row] = from + width;
            var label = document.createElement('span');
            label.className = 'marker-label' + (flip ? ' flip' : '');
            label.style.top = 2 + row * 16 + 'px';
            label.style.color = MARKER_COLORS[m.type] || '#37474f';
            label.textContent = text;
            el.appendChild(label);
          }
        }
        layer.appendChild(el);
      });
    }
    return { hooks: { draw: [place] } };
  }

  function baseOptions(width, height, title, markers, withLabels) {
    return {
      title: title,
      width: width,
      height: height,
      // from s = 0: a marker at the very start (the first step) stays on the chart
      scales: { x: { time: false, range: function (u, min, max) { return [Math.min(0, min), Math.max(max, 1)]; } } },
      cursor: { sync: { key: 'lab' } },
      plugins: [markerPlugin(markers, withLabels)],
    };
  }

  function errorChart(el, pair, width, height) {
    var model = pair.model;
    var opts = baseOptions(width, height, 'Errors: % of calls that failed', function () { return pair.model.markers; }, true);
    opts.axes = [
      { label: 'seconds since start', incrs: SECOND_INCRS },
      { label: '% of calls', values: function (u, ticks) { return ticks.map(function (t) { return t + '%'; }); } },
    ];
    // from 0, with room above the highest point for the marker labels
    opts.scales.y = { range: function (u, min, max) { return [0, Math.max(5, Math.ceil(max * 1.4))]; } };
    opts.series = [{ label: 's' }].concat(ERROR_SERIES.map(function (e) {
      return { label: e.label, stroke: e.stroke, width: 2, fill: alpha(e.stroke, 0.08), value: function (u, v) { return v == null ? '–' : v.toFixed(2) + '%'; } };
    }));
    var data = [model.s].concat(ERROR_SERIES.map(function (e) { return model.errors[e.key]; }));
    return new uPlot(opts, data, el);
  }

  // Stacked: each series is the running total, drawn from the top so lower ones paint over it.
  function stackedData(model) {
    var totals = model.s.map(function () { return 0; });
    var stacked = model.pods.map(function (p) {
      return p.values.map(function (v, i) { totals[i] += v || 0; return totals[i]; });
    });
    return stacked.reverse();
  }

  function trafficChart(el, pair, width, height, showLegend) {
    var model = pair.model;
    var colors = podColors(model.pods).reverse();
    var pods = model.pods.slice().reverse();
    var n = pods.length;
    var opts = baseOptions(width, height, 'Traffic per pod: OK calls per second, stacked', function () { return pair.model.markers; }, false);
    opts.legend = { show: showLegend };
    opts.axes = [{ label: 'seconds since start', incrs: SECOND_INCRS }, { label: 'OK calls/s' }];
    opts.series = [{ label: 's' }].concat(pods.map(function (p, i) {
      return {
        label: p.name + (p.isNew ? ' (new)' : ''),
        stroke: colors[i],
        width: 1,
        fill: alpha(colors[i], 0.85),
        points: { show: false },
        value: function (u, v, si, idx) { return idx == null ? '–' : String(pair.model.pods[n - si].values[idx] || 0); },
      };
    }));
    var u = new uPlot(opts, [model.s].concat(stackedData(model)), el);
    // series are stacked top-down; the legend reads better in the pods' own order
    var rows = Array.prototype.slice.call(el.querySelectorAll('.u-legend .u-series')).slice(1);
    rows.reverse().forEach(function (row) { row.parentNode.appendChild(row); });
    return u;
  }

  // Both charts of one model; rebuilt when the set of pods changes, else only fed new data.
  function ChartPair(errorsEl, trafficEl, options) {
    this.errorsEl = errorsEl;
    this.trafficEl = trafficEl;
    this.options = options || {};
    this.model = null;
    this.errors = null;
    this.traffic = null;
    this.podKey = '';
    var self = this;
    if (window.ResizeObserver) {
      new ResizeObserver(function () { self.resize(); }).observe(errorsEl);
    }
  }
  ChartPair.prototype.width = function () {
    return Math.max(320, this.errorsEl.clientWidth || 800);
  };
  ChartPair.prototype.set = function (model) {
    this.model = model;
    var podKey = model.pods.map(function (p) { return p.name; }).join('|');
    var w = this.width();
    if (!this.errors) {
      this.errors = errorChart(this.errorsEl, this, w, this.options.errorHeight || 220);
    } else {
      this.errors.setData([model.s].concat(ERROR_SERIES.map(function (e) { return model.errors[e.key]; })));
    }
    if (!this.traffic || podKey !== this.podKey) {
      if (this.traffic) this.traffic.destroy();
      this.trafficEl.textContent = '';
      this.traffic = trafficChart(this.trafficEl, this, w, this.options.trafficHeight || 260, !!this.options.trafficLegend);
      this.podKey = podKey;
    } else {
      this.traffic.setData([model.s].concat(stackedData(model)));
    }
  };
  ChartPair.prototype.resize = function () {
    if (!this.errors) return;
    var w = this.width();
    this.errors.setSize({ width: w, height: this.errors.height });
    this.traffic.setSize({ width: w, height: this.traffic.height });
  };

  window.LabCharts = { ChartPair: ChartPair, podColors: podColors };
})();
