// modellint's HTML audit report: draws the charts and the lineage graph as SVG from the audit's
// figures embedded in the page (#audit-data), and makes the targets table sortable and filterable.
// No network, no library: the page must open anywhere, offline.
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('audit-data').textContent);
  var NS = 'http://www.w3.org/2000/svg';
  var COLORS = {error: '#b00020', warning: '#e08a00', info: '#4a78b0', bar: '#4a78b0',
                conflict: '#b00020', compatible: '#7aa36b'};

  function el(name, attrs, text) {
    var node = document.createElementNS(NS, name);
    Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function svg(width, height) {
    return el('svg', {width: width, height: height, viewBox: '0 0 ' + width + ' ' + height,
                      role: 'img'});
  }

  function cut(text, n) { return text.length > n ? text.slice(0, n - 1) + '\u2026' : text; }

  // Horizontal stacked bars: rows = [{label, parts: [{value, color, name}]}].
  function bars(holderId, rows, title) {
    var holder = document.getElementById(holderId);
    if (!holder || !rows.length) { return; }
    var max = 1;
    rows.forEach(function (r) {
      var total = r.parts.reduce(function (t, p) { return t + p.value; }, 0);
      if (total > max) { max = total; }
    });
    var lw = 260, bw = 560, rh = 20;
    var s = svg(lw + bw + 80, rows.length * rh + 28);
    s.appendChild(el('text', {x: 0, y: 14}, title));
    rows.forEach(function (r, i) {
      var y = 24 + i * rh, x = lw, total = 0;
      s.appendChild(el('text', {x: lw - 6, y: y + 13, 'text-anchor': 'end'}, cut(r.label, 40)));
      r.parts.forEach(function (p) {
        var w = bw * p.value / max;
        if (w <= 0) { return; }
        var rect = el('rect', {x: x, y: y + 2, width: w, height: rh - 5, fill: p.color});
        rect.appendChild(el('title', {}, r.label + ': ' + p.value + ' ' + (p.name || '')));
        s.appendChild(rect);
        x += w;
        total += p.value;
      });
      s.appendChild(el('text', {x: x + 4, y: y + 13, 'class': 'bar-value'}, String(total)));
    });
    holder.appendChild(s);
  }

  Object.keys(data.components).forEach(function (component) {
    var rows = data.components[component].slice(0, 15).map(function (e) {
      return {label: e.license, parts: [{value: e.targets, color: COLORS.bar, name: 'targets'}]};
    });
    bars('chart-components', rows, 'targets per license: ' + component);
  });

  bars('chart-rules', data.rules.map(function (r) {
    return {label: r.code + ' ' + r.name, parts: ['error', 'warning', 'info'].map(function (sev) {
      return {value: r[sev], color: COLORS[sev], name: sev};
    })};
  }), 'active findings per rule (error / warning / info)');

  bars('chart-relations', data.relations.map(function (r) {
    return {label: r.relation, parts: [
      {value: r.conflicts, color: COLORS.conflict, name: 'conflicting'},
      {value: r.derivatives - r.conflicts, color: COLORS.compatible, name: 'no conflict found'}]};
  }), 'derivatives per relation (red: license conflicts with a base)');

  // Lineage: base models on the left, audited models on the right, an edge per declared base.
  (function () {
    var holder = document.getElementById('lineage-graph');
    if (!holder || !data.edges.length) { return; }
    var bases = [], models = [], bi = {}, mi = {};
    data.edges.forEach(function (e) {
      if (!(e.base in bi)) { bi[e.base] = bases.length; bases.push(e.base); }
      if (!(e.model in mi)) { mi[e.model] = models.length; models.push(e.model); }
    });
    var rh = 18, s = svg(1100, Math.max(bases.length, models.length) * rh + 30);
    function y(i) { return 28 + i * rh; }
    s.appendChild(el('text', {x: 0, y: 12}, 'base models'));
    s.appendChild(el('text', {x: 640, y: 12}, 'audited models'));
    data.edges.forEach(function (e) {
      var line = el('line', {x1: 420, y1: y(bi[e.base]) - 4, x2: 640, y2: y(mi[e.model]) - 4,
                             stroke: e.conflict ? COLORS.conflict : '#999',
                             'stroke-width': e.conflict ? 1.6 : 1, 'class': 'edge'});
      line.appendChild(el('title', {}, e.base + ' \u2192 ' + e.model + ' (' + e.relation + ')'));
      s.appendChild(line);
    });
    bases.forEach(function (b, i) {
      s.appendChild(el('text', {x: 415, y: y(i), 'text-anchor': 'end'}, cut(b, 60)));
    });
    models.forEach(function (m, i) { s.appendChild(el('text', {x: 645, y: y(i)}, cut(m, 60))); });
    holder.appendChild(s);
  })();

  // The targets table: click a header to sort (again to reverse), type to filter.
  (function () {
    var table = document.getElementById('targets-table');
    if (!table) { return; }
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var direction = {};
    var input = document.getElementById('filter');
    var only = document.getElementById('only-findings');
    var shown = document.getElementById('shown');
    function hasFindings(r) {
      return [4, 5, 6].some(function (c) { return r.cells[c].textContent !== '0'; });
    }
    function apply() {
      var q = input.value.toLowerCase(), n = 0;
      rows.forEach(function (r) {
        var hit = (!q || r.textContent.toLowerCase().indexOf(q) >= 0) &&
                  (!only.checked || hasFindings(r));
        r.style.display = hit ? '' : 'none';
        if (hit) { n++; }
      });
      shown.textContent = n + ' of ' + rows.length + ' shown';
    }
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, col) {
      th.addEventListener('click', function () {
        var numeric = th.getAttribute('data-type') === 'num';
        var d = direction[col] = -(direction[col] || -1);
        rows.sort(function (a, b) {
          var x = a.cells[col].textContent, z = b.cells[col].textContent;
          return d * (numeric ? Number(x) - Number(z) : x.localeCompare(z));
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
    input.addEventListener('input', apply);
    only.addEventListener('change', apply);
    apply();
  })();

  document.body.setAttribute('data-drawn', 'yes');
})();
