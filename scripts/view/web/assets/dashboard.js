// The live page: state arrives over server-sent events ("init" replays the run so far, then one
// message per change); everything on the page is drawn from that state.
(function () {
  'use strict';

  var MAX_EVENTS_SHOWN = 60;
  var state = { info: null, zeroMs: 0, points: [], events: [], waiting: null, result: null, earlier: [] };
  // read by the browser tests: when each snapshot was handed to the server and when it was drawn
  var probe = { renders: [], lastS: null };
  // apps whose pods served calls: their pods get bars; the callers' pods one line below
  var servingApps = {};
  window.__labDashboard = probe;

  function $(id) { return document.getElementById(id); }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }
  function pct(x, digits) { return (x * 100).toFixed(digits == null ? 1 : digits) + '%'; }
  function latest() { var p = state.points[state.points.length - 1]; return p ? p.snapshot : null; }
  function errorRate(r) {
    var total = r.ok + r.unavailable + r.cancelled + r.other;
    return total === 0 ? 0 : (total - r.ok) / total;
  }

  // events carry the platform's clock; every snapshot carries the run's t0 (s = 0)
  function placedEvents() {
    return state.events.map(function (e) {
      return Object.assign({}, e, { s: Math.round((e.t - state.zeroMs) / 100) / 10 });
    });
  }

  function chartModel() {
    var s = [];
    var errors = { UNAVAILABLE: [], CANCELLED: [], other: [] };
    var byName = {};
    var pods = [];
    state.points.forEach(function (p, i) {
      var snap = p.snapshot;
      var r = snap.rates;
      var total = r.ok + r.unavailable + r.cancelled + r.other;
      s.push(snap.s);
      errors.UNAVAILABLE.push(total ? (100 * r.unavailable) / total : 0);
      errors.CANCELLED.push(total ? (100 * r.cancelled) / total : 0);
      errors.other.push(total ? (100 * r.other) / total : 0);
      snap.pods.forEach(function (pod) {
        var series = byName[pod.name];
        if (!series) {
          series = byName[pod.name] = { name: pod.name, isNew: pod.isNew, values: new Array(i).fill(0) };
          pods.push(series);
        }
        series.values[i] = pod.okPerSec;
      });
      pods.forEach(function (series) { if (series.values.length <= i) series.values[i] = 0; });
    });
    return { s: s, errors: errors, pods: pods, markers: placedEvents() };
  }

  function renderHeader() {
    var info = state.info;
    if (!info) return;
    $('title').textContent = 'Round ' + info.round + ' · ' + info.roundName + (info.title ? ': ' + info.title : '');
    $('symptom').textContent = info.symptom || '';
    $('variant').textContent = 'variant ' + info.variant;
    $('platform').textContent = info.platform + ' platform';
    document.title = 'Round ' + info.round + ' ' + info.variant + ': gRPC lab';
  }

  function renderStep() {
    var snap = latest();
    var step = snap && snap.step;
    $('step-head').textContent = step
      ? 'Step ' + step.index + ' of ' + step.total + ' · ' + step.title
      : state.info ? 'Round ' + state.info.round + ', variant ' + state.info.variant : 'Waiting for the run to start';
    $('narration').textContent = step ? step.narration : '';
    var button = $('next');
    button.disabled = state.waiting === null;
    button.classList.toggle('waiting', state.waiting !== null);
    button.textContent = state.waiting !== null ? 'Next: ' + state.waiting + ' ▶' : 'Next ▶';
  }

  function setRate(id, n, bad) {
    var node = $(id);
    node.textContent = String(n);
    node.parentNode.classList.toggle('bad', !!bad && n > 0);
  }

  function renderRates() {
    var snap = latest();
    if (!snap) return;
    var r = snap.rates;
    $('clock').textContent = 't = ' + Math.round(snap.s) + ' s';
    setRate('rate-ok', r.ok, false);
    setRate('rate-unavailable', r.unavailable, true);
    setRate('rate-cancelled', r.cancelled, true);
    setRate('rate-other', r.other, true);
    var err = errorRate(r);
    $('rate-errors').textContent = pct(err, 2);
    $('rate-errors').parentNode.classList.toggle('bad', err > 0);
  }

  // One row per pod, kept across updates so the bars glide instead of jumping.
  function splitPods(pods) {
    state.points.forEach(function (p) {
      p.snapshot.pods.forEach(function (pod) { if (pod.okPerSec > 0) servingApps[pod.app] = true; });
    });
    var known = Object.keys(servingApps).length > 0;
    return {
      rows: pods.filter(function (p) { return !known || servingApps[p.app]; }),
      callers: pods.filter(function (p) { return known && !servingApps[p.app]; }),
    };
  }

  function renderCallers(callers) {
    var line = $('callers');
    line.hidden = callers.length === 0;
    line.textContent = callers.length
      ? 'Callers: ' + callers.map(function (p) { return p.name + ' (' + p.state + (p.isNew ? ', new' : '') + ')'; }).join(', ')
      : '';
  }

  function renderPods() {
    var snap = latest();
    var box = $('pods');
    if (!snap || snap.pods.length === 0) return;
    var split = splitPods(snap.pods);
    renderCallers(split.callers);
    var pods = split.rows;
    var empty = box.querySelector('.empty');
    if (empty) empty.remove();
    var maxRate = Math.max.apply(null, [1].concat(pods.map(function (p) { return p.okPerSec; })));
    var seen = {};
    box.classList.toggle('many', pods.length > 12);
    pods.forEach(function (pod, i) {
      seen[pod.name] = true;
      var row = box.querySelector('[data-pod="' + CSS.escape(pod.name) + '"]');
      if (!row) {
        row = el('div', 'pod');
        row.dataset.pod = pod.name;
        row.appendChild(el('span', 'name', pod.name));
        row.appendChild(el('span', 'state'));
        var track = el('span', 'track');
        track.appendChild(el('span', 'fill'));
        row.appendChild(track);
        row.appendChild(el('span', 'num'));
      }
      if (box.children[i] !== row) box.insertBefore(row, box.children[i] || null);
      row.className = 'pod state-' + pod.state.toLowerCase() + (pod.isNew ? ' new' : '') + (pod.okPerSec === 0 ? ' idle' : '');
      row.querySelector('.state').textContent = pod.state + (pod.isNew ? ' · new' : '');
      row.querySelector('.fill').style.width = (100 * pod.okPerSec) / maxRate + '%';
      row.querySelector('.num').textContent = pod.okPerSec + '/s · ' + pct(pod.share);
    });
    Array.prototype.slice.call(box.querySelectorAll('.pod')).forEach(function (row) {
      if (!seen[row.dataset.pod]) row.remove();
    });
  }

  function renderVerdicts() {
    var snap = latest();
    var verdicts = state.result ? state.result.verdicts : snap ? snap.verdicts : [];
    var table = $('verdicts');
    table.textContent = '';
    if (!verdicts.length) {
      var row = table.insertRow();
      var cell = row.insertCell();
      cell.className = 'empty';
      cell.textContent = 'Decided at the end of the run.';
    } else {
      var head = table.createTHead().insertRow();
      ['', 'verdict', 'expected', 'measured', 'what it proves'].forEach(function (h) { head.appendChild(el('th', null, h)); });
      var body = table.createTBody();
      verdicts.forEach(function (v) {
        var row = body.insertRow();
        row.className = v.pass ? 'pass' : 'fail';
        row.insertCell().textContent = v.pass ? '✔' : '✘';
        row.insertCell().textContent = v.name;
        row.insertCell().textContent = v.expected;
        row.insertCell().textContent = v.measuredText; // written in its unit by the server
        row.insertCell().textContent = v.explanation;
      });
    }
    $('accounting').textContent = state.result ? state.result.accounting : '';
  }

  function renderFinished() {
    var box = $('finished');
    var r = state.result;
    box.hidden = !r;
    if (!r) return;
    var held = r.verdicts.filter(function (v) { return v.pass; }).length;
    box.className = 'card finished ' + (r.pass ? 'pass' : 'fail');
    box.textContent = '';
    box.appendChild(el('strong', null, 'Variant ' + r.variant + ' finished: ' + held + ' of ' + r.verdicts.length + ' verdicts hold. '));
    box.appendChild(el('span', null, r.calls + ' calls, ' + pct(r.unavailableRate, 2) + ' UNAVAILABLE, traffic on ' + r.podsWithTraffic + ' of ' + r.podsTotal + ' pods.'));
    r.narration.forEach(function (line) { box.appendChild(el('p', 'narration', line)); });
  }

  function renderEvents() {
    var list = $('events');
    list.textContent = '';
    placedEvents().slice(-MAX_EVENTS_SHOWN).reverse().forEach(function (e) {
      var item = el('li', e.marker ? 'ev ' + e.marker : 'ev');
      item.dataset.type = e.type;
      item.appendChild(el('time', null, e.s.toFixed(1) + ' s'));
      item.appendChild(el('span', null, e.text));
      list.appendChild(item);
    });
  }

  function renderEarlier() {
    $('earlier-card').hidden = state.earlier.length === 0;
    var table = $('earlier');
    table.textContent = '';
    if (!state.earlier.length) return;
    var head = table.createTHead().insertRow();
    ['variant', 'verdicts', 'calls', 'UNAVAILABLE', 'pods with traffic', 'max/mean share', 'p99'].forEach(function (h) { head.appendChild(el('th', null, h)); });
    var body = table.createTBody();
    state.earlier.forEach(function (r) {
      var row = body.insertRow();
      row.className = r.pass ? 'pass' : 'fail';
      [r.variant, r.pass ? '✔ hold' : '✘ failed', r.calls, pct(r.unavailableRate, 2), r.podsWithTraffic + ' / ' + r.podsTotal,
        r.maxMeanShare == null ? '–' : r.maxMeanShare.toFixed(2), r.p99Ms == null ? '–' : r.p99Ms + ' ms'].forEach(function (v) {
        row.insertCell().textContent = String(v);
      });
    });
  }

  var charts = null;
  function renderCharts() {
    if (!charts) charts = new window.LabCharts.ChartPair($('chart-errors'), $('chart-traffic'), { errorHeight: 200, trafficHeight: 240 });
    charts.set(chartModel());
  }

  function renderAll() {
    renderHeader();
    renderStep();
    renderRates();
    renderPods();
    renderVerdicts();
    renderFinished();
    renderEvents();
    renderEarlier();
    renderCharts();
  }

  // a replayed point (init) is old by design: only live points count for the latency
  function noteRendered(point, replayed) {
    requestAnimationFrame(function () {
      if (!replayed) probe.renders.push({ s: point.snapshot.s, at: point.at, renderedAt: performance.timeOrigin + performance.now() });
      if (probe.renders.length > 300) probe.renders.shift();
      probe.lastS = point.snapshot.s;
    });
  }

  var handlers = {
    init: function (m) {
      state = m.state;
      renderAll();
      var last = state.points[state.points.length - 1];
      if (last) noteRendered(last, true);
    },
    start: function (m) {
      if (state.result) state.earlier.push(state.result);
      state.info = m.info;
      state.zeroMs = m.zeroMs;
      state.points = [];
      state.events = [];
      state.result = null;
      servingApps = {};
      renderCallers([]);
      if (charts) { charts = null; $('chart-errors').textContent = ''; $('chart-traffic').textContent = ''; }
      $('pods').textContent = '';
      renderAll();
    },
    snapshot: function (m) {
      var moved = m.zeroMs !== state.zeroMs;
      state.zeroMs = m.zeroMs;
      if (moved) renderEvents();
      state.points.push(m.point);
      if (state.points.length > 900) state.points.shift();
      renderStep();
      renderRates();
      renderPods();
      renderVerdicts();
      renderCharts();
      noteRendered(m.point, false);
    },
    event: function (m) {
      state.events.push(m.event);
      renderEvents();
    },
    gate: function (m) {
      state.waiting = m.waiting;
      renderStep();
    },
    finish: function (m) {
      state.result = m.result;
      renderVerdicts();
      renderFinished();
    },
  };

  function connect() {
    var source = new EventSource('/events');
    Object.keys(handlers).forEach(function (type) {
      source.addEventListener(type, function (e) { handlers[type](JSON.parse(e.data)); });
    });
    source.onopen = function () { $('conn').textContent = 'live'; $('conn').className = 'conn live'; };
    source.onerror = function () { $('conn').textContent = 'reconnecting…'; $('conn').className = 'conn lost'; };
  }

  $('next').addEventListener('click', function () {
    var button = $('next');
    button.disabled = true;
    fetch('/next', { method: 'POST' }).catch(function () { button.disabled = false; });
  });

  connect();
})();
