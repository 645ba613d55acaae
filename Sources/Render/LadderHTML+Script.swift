/// The HTML report's script: the connection table over all the embedded rows (sorted, filtered
/// and searched as index arrays, one page of rows in the document at a time), the detail panel
/// that clones a connection's `<template>` when it is opened (`#flow-N` in the address works
/// too), the ladder / time-sequence switch, and anomaly runs that open on click. Plain
/// ECMAScript 5, no library. It must never contain the end of a CDATA section or a closing script tag.
extension LadderHTML {
    static let script = """
    (function () {
      'use strict';
      var data = JSON.parse(document.getElementById('tw-data').textContent);
      var count = data.count;
      // The columns are strings of base-64 digits (ReportJSON.swift): numbers as base-32
      // numerals whose digits of 32 or more say another follows; endpoints in nine characters.
      var digit = {};
      'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'.split('').forEach(function (ch, k) { digit[ch] = k; });
      function numbers(text, signed) {
        var list = [], v = 0;
        for (var k = 0; k < text.length; k++) {
          var x = digit[text.charAt(k)];
          v = v * 32 + (x & 31);
          if (x < 32) { list.push(signed ? (v % 2 ? -(v + 1) / 2 : v / 2) : v); v = 0; }
        }
        return list;
      }
      function endpoints(text, extras) {
        var list = [];
        for (var k = 0; k + 9 <= text.length; k += 9) {
          var v = 0, j;
          if (text.charAt(k) === '~') {
            for (j = 1; j < 9; j++) { v = v * 64 + digit[text.charAt(k + j)]; }
            list.push(extras[v]);
            continue;
          }
          for (j = 0; j < 6; j++) { v = v * 64 + digit[text.charAt(k + j)]; }
          var port = 0;
          for (j = 6; j < 9; j++) { port = port * 64 + digit[text.charAt(k + j)]; }
          list.push(Math.floor(v / 16777216) % 256 + '.' + Math.floor(v / 65536) % 256 + '.' +
            Math.floor(v / 256) % 256 + '.' + v % 256 + ':' + port);
        }
        return list;
      }
      if (data.n) { data.n = numbers(data.n, false); }
      data.c = endpoints(data.c, data.cx);
      data.sv = endpoints(data.sv, data.svx);
      ['s', 'p', 'b', 'v', 'a'].forEach(function (k) { data[k] = numbers(data[k], false); });
      data.t = numbers(data.t, true);
      data.d = numbers(data.d, true);
      // Starts are stored as deltas from the previous row's.
      for (var d = 1; d < count; d++) { data.t[d] += data.t[d - 1]; }
      var table = document.getElementById('tw-connections');
      var body = table.tBodies[0];
      var heads = table.tHead.rows[0].cells;
      var drawn = {};
      data.l.forEach(function (n) { drawn[n] = true; });
      function number(i) { return data.n ? data.n[i] : i + 1; }
      var indexOf = {};
      if (data.n) { data.n.forEach(function (n, i) { indexOf[n] = i; }); }
      function rowOf(n) { return data.n ? indexOf[n] : (n >= 1 && n <= count ? n - 1 : undefined); }
      function server(i) { return data.sv[data.s[i]]; }
      function verdict(i) { return data.vv[data.v[i]]; }
      var columns = [
        function (i) { return number(i); }, function (i) { return data.c[i]; }, server,
        function (i) { return data.t[i]; }, function (i) { return data.d[i]; },
        function (i) { return data.p[i]; }, function (i) { return data.b[i]; }, verdict,
        function (i) { return data.a[i]; }, function (i) { return drawn[number(i)] ? 1 : 0; }
      ];
      var state = { order: null, rows: null, page: 0, size: 100, sort: -1, direction: 1, open: null };

      function escape(text) {
        return String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
      }
      function grouped(n) { return String(n).replace(/\\B(?=(\\d{3})+(?!\\d))/g, ','); }
      function pad(n, width) { var s = String(n); while (s.length < width) { s = '0' + s; } return s; }
      function utc(micros) {
        var d = new Date(Math.floor(micros / 1000));
        return d.getUTCFullYear() + '-' + pad(d.getUTCMonth() + 1, 2) + '-' + pad(d.getUTCDate(), 2) + ' ' +
          pad(d.getUTCHours(), 2) + ':' + pad(d.getUTCMinutes(), 2) + ':' + pad(d.getUTCSeconds(), 2) + '.' +
          pad(((micros % 1000000) + 1000000) % 1000000, 6);
      }
      function seconds(micros) { return Math.floor(micros / 1000000) + '.' + pad(micros % 1000000, 6); }

      // The rows that pass the search and the two check boxes, in the chosen order.
      var haystack = null;
      function matches() {
        var terms = document.getElementById('tw-search').value.toLowerCase().split(/\\s+/).filter(Boolean);
        var anomalous = document.getElementById('tw-anomalous').checked;
        var onlyDrawn = document.getElementById('tw-drawn').checked;
        if (terms.length && !haystack) {
          haystack = new Array(count);
          for (var h = 0; h < count; h++) {
            haystack[h] = '#' + number(h) + ' ' + data.c[h] + ' ' + server(h) + ' ' + verdict(h).toLowerCase() + ' ';
          }
        }
        var list = [];
        for (var i = 0; i < count; i++) {
          if (anomalous && !data.a[i]) { continue; }
          if (onlyDrawn && !drawn[number(i)]) { continue; }
          var ok = true;
          for (var t = 0; t < terms.length && ok; t++) {
            var term = terms[t];
            // ':443' is a port: the end of an address; '#12' is a connection number.
            if (term.charAt(0) === ':') { ok = haystack[i].indexOf(term + ' ') >= 0; }
            else if (term.charAt(0) === '#') { ok = haystack[i].indexOf(term + ' ') === 0; }
            else { ok = haystack[i].indexOf(term) >= 0; }
          }
          if (ok) { list.push(i); }
        }
        return list;
      }
      function sortRows() {
        if (state.sort < 0) { return; }
        var key = columns[state.sort], direction = state.direction;
        var keys = state.rows.map(key);
        var positions = state.rows.map(function (_, k) { return k; });
        positions.sort(function (x, y) {
          var a = keys[x], b = keys[y];
          var d = a < b ? -1 : (a > b ? 1 : 0);
          return d * direction || state.rows[x] - state.rows[y];
        });
        state.rows = positions.map(function (k) { return state.rows[k]; });
      }
      function refresh(keepPage) {
        state.rows = matches();
        sortRows();
        if (!keepPage) { state.page = 0; }
        render();
      }
      function render() {
        var total = state.rows.length;
        var pages = Math.max(1, Math.ceil(total / state.size));
        state.page = Math.min(state.page, pages - 1);
        var from = state.page * state.size, to = Math.min(total, from + state.size);
        var html = [];
        for (var k = from; k < to; k++) {
          var i = state.rows[k], n = number(i), v = verdict(i);
          var bad = v.indexOf('reset') >= 0 || v.indexOf('refused') >= 0;
          html.push('<tr data-n="' + n + '"' + (state.open === n ? ' class="tw-open"' : '') + '>' +
            '<td><a href="#flow-' + n + '">#' + n + '</a></td>' +
            '<td>' + escape(data.c[i]) + '</td><td>' + escape(server(i)) + '</td>' +
            '<td>' + utc(data.base + data.t[i]) + '</td><td>' + seconds(data.d[i]) + '</td>' +
            '<td>' + grouped(data.p[i]) + '</td><td>' + grouped(data.b[i]) + ' B</td>' +
            '<td class="tw-verdict' + (bad ? ' tw-bad' : '') + '">' + escape(v) + '</td>' +
            '<td' + (data.a[i] ? ' class="tw-bad"' : '') + '>' + data.a[i] + '</td>' +
            '<td>' + (drawn[n] ? '\\u2713' : '') + '</td></tr>');
        }
        body.innerHTML = html.join('');
        document.getElementById('tw-range').textContent = total === 0 ? 'no connection matches' :
          grouped(from + 1) + '\\u2013' + grouped(to) + ' of ' + grouped(total) + (total === count ? '' : ' (of ' + grouped(count) + ')');
        document.getElementById('tw-prev').disabled = state.page === 0;
        document.getElementById('tw-next').disabled = state.page >= pages - 1;
      }

      // The detail panel: the connection's drawings from its template, or how to draw it.
      var mode = 'ladder';
      function setMode(m) {
        mode = m;
        document.getElementById('tw-detail-body').className = 'tw-mode-' + m;
        var buttons = document.querySelectorAll('.tw-switch button');
        for (var b = 0; b < buttons.length; b++) {
          buttons[b].setAttribute('aria-selected', buttons[b].getAttribute('data-mode') === m ? 'true' : 'false');
        }
      }
      function open(n, scroll) {
        var i = rowOf(n);
        if (i === undefined) { return; }
        state.open = n;
        var panel = document.getElementById('tw-detail');
        var target = document.getElementById('tw-detail-body');
        panel.hidden = false;
        document.getElementById('tw-detail-title').textContent = 'Connection #' + n + ': ' + data.c[i] + ' \\u2192 ' + server(i);
        target.innerHTML = '';
        var template = document.getElementById('flow-' + n);
        if (template) {
          target.appendChild(document.importNode(template.content, true));
        } else {
          var note = document.createElement('div');
          note.className = 'tw-missing';
          note.innerHTML = escape(verdict(i)) + '; ' + grouped(data.p[i]) + ' packets, ' + seconds(data.d[i]) + ' s, ' +
            data.a[i] + ' anomalous.<br/>This page carries the drawings of ' + data.l.length + ' connections (at most ' +
            data.ladderLimit + ': those with anomalies or resets first, among the first ' + grouped(data.recorded) +
            '). Draw this one with <code>tcpwave -r ' + escape(data.source) + ' --flow ' + n + ' --diagram flow-' + n + '.html</code>';
          target.appendChild(note);
        }
        setMode(mode);
        var rows = body.rows;
        for (var r = 0; r < rows.length; r++) { rows[r].className = Number(rows[r].getAttribute('data-n')) === n ? 'tw-open' : ''; }
        if (scroll) { panel.scrollIntoView(); }
      }
      function fromHash(scroll) {
        // #flow-12 opens connection 12; #flow-12/seq or #flow-12/both also picks the view.
        var m = /^#flow-(\\d+)(?:\\/(ladder|seq|both))?$/.exec(location.hash);
        if (m) {
          if (m[2]) { mode = m[2]; }
          open(Number(m[1]), scroll);
        }
      }

      body.addEventListener('click', function (event) {
        var tr = event.target.closest('tr');
        if (!tr || !tr.getAttribute('data-n')) { return; }
        if (event.target.tagName !== 'A') { location.hash = '#flow-' + tr.getAttribute('data-n'); }
      });
      document.getElementById('tw-detail-body').addEventListener('click', function (event) {
        var band = event.target.closest('.tw-run-band');
        if (!band) { return; }
        var rows = band.parentNode.querySelector('.tw-run-rows');
        rows.hidden = !rows.hidden;
        var label = band.querySelector('text');
        label.textContent = (rows.hidden ? '\\u25B8' : '\\u25BE') + label.textContent.slice(1);
      });
      var switches = document.querySelectorAll('.tw-switch button');
      for (var w = 0; w < switches.length; w++) {
        switches[w].addEventListener('click', function () { setMode(this.getAttribute('data-mode')); });
      }
      for (var c = 0; c < heads.length; c++) {
        heads[c].addEventListener('click', (function (column) {
          return function () {
            state.direction = state.sort === column ? -state.direction : 1;
            state.sort = column;
            for (var j = 0; j < heads.length; j++) { heads[j].removeAttribute('aria-sort'); }
            heads[column].setAttribute('aria-sort', state.direction === 1 ? 'ascending' : 'descending');
            refresh(false);
          };
        })(c));
      }
      var typing = null;
      document.getElementById('tw-search').addEventListener('input', function () {
        clearTimeout(typing);
        typing = setTimeout(function () { refresh(false); }, count > 20000 ? 250 : 50);
      });
      document.getElementById('tw-anomalous').addEventListener('change', function () { refresh(false); });
      document.getElementById('tw-drawn').addEventListener('change', function () { refresh(false); });
      document.getElementById('tw-prev').addEventListener('click', function () { state.page--; render(); });
      document.getElementById('tw-next').addEventListener('click', function () { state.page++; render(); });
      window.addEventListener('hashchange', function () { fromHash(true); });

      refresh(false);
      fromHash(true);
      // A page of one connection (or --flow N) shows it at once.
      if (state.open === null && count === 1) { open(number(0), false); }
      window.tcpwave = { data: data, state: state, refresh: refresh, open: open, setMode: setMode };
    })();

    """
}
