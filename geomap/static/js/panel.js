/* geomap — the table beside the map: the incidents in view under the filters (sortable; a row
   flies to its incident and opens it), the border pieces ranked by incidents near them, and the
   crossings ranked the same way (a row zooms to it). Every row is a button: the keyboard's way
   to reach incidents drawn on the canvas. */
(function (geomap) {
  "use strict";

  var util = geomap.util;
  var el = util.el;
  var LIMIT = 300;

  function Panel(app) {
    this.app = app;
    this.tab = "incidents";
    this.sort = {id: "date", descending: true};
    this.open = false;
  }

  Panel.prototype.build = function (box) {
    var self = this;
    this.box = box;
    var head = el("div", "geomap-panel-head");
    var tabs = el("div", "geomap-tabs");
    tabs.setAttribute("role", "tablist");
    this.tabs = {};
    [["incidents", "Incidents in view"], ["segments", "Border stretches"], ["crossings", "Crossings"]]
      .forEach(function (t) {
        var b = el("button", "geomap-tab", t[1]);
        b.type = "button";
        b.setAttribute("role", "tab");
        b.addEventListener("click", function () { self.tab = t[0]; self.render(); self.app.saveUrl(); });
        self.tabs[t[0]] = b;
        tabs.appendChild(b);
      });
    head.appendChild(tabs);
    var close = el("button", "geomap-button geomap-close", "×");
    close.type = "button";
    close.setAttribute("aria-label", "Close the table");
    close.addEventListener("click", function () { self.toggle(false); });
    head.appendChild(close);
    box.appendChild(head);
    this.summary = el("div", "geomap-panel-summary");
    this.summary.setAttribute("aria-live", "polite");
    box.appendChild(this.summary);
    this.body = el("div", "geomap-panel-body");
    box.appendChild(this.body);
    box.style.display = "none";
  };

  Panel.prototype.toggle = function (open) {
    this.open = open === undefined ? !this.open : open;
    this.box.style.display = this.open ? "" : "none";
    var button = document.querySelector(".geomap-table-button");
    if (button) {
      button.classList.toggle("geomap-active", this.open);
      button.setAttribute("aria-pressed", String(this.open));
    }
    if (this.open) this.render();
    this.app.saveUrl();
  };

  Panel.prototype.render = function () {
    if (!this.open) return;
    var self = this;
    Object.keys(this.tabs).forEach(function (k) {
      self.tabs[k].classList.toggle("geomap-active", k === self.tab);
      self.tabs[k].setAttribute("aria-selected", String(k === self.tab));
    });
    var inc = this.app.inc;
    var need = this.tab === "incidents" && !inc.aggregated ? ["place", "border_distance_km"] : [];
    inc.fields(need).then(function () {
      if (self.tab === "incidents") self.incidents();
      else if (self.tab === "segments") self.segments();
      else self.crossings();
    });
  };

  Panel.prototype.incidents = function () {
    var app = this.app;
    var inc = app.inc;
    var self = this;
    var view = app.inView;
    this.summary.textContent = util.formatNumber(view.weight) + " in view · " + util.formatNumber(app.selection.weight) +
      " under the filters · " + util.formatNumber(inc.total) + " in all" +
      (view.count > LIMIT ? " · the first " + LIMIT + " listed" : "");
    var rows = geomap.table.sortRows(inc, view.indices, view.count, this.sort.id, this.sort.descending).slice(0, LIMIT);
    var table = el("table", "geomap-table");
    var thead = el("tr");
    geomap.table.COLUMNS.forEach(function (c) {
      var th = el("th");
      var b = el("button", "geomap-sort", c.label);
      b.type = "button";
      var active = self.sort.id === c.id;
      th.setAttribute("aria-sort", active ? (self.sort.descending ? "descending" : "ascending") : "none");
      if (active) b.textContent += self.sort.descending ? " ▼" : " ▲";
      b.addEventListener("click", function () {
        self.sort = {id: c.id, descending: active ? !self.sort.descending : c.id === "date" || c.id === "fatalities"};
        self.incidents();
      });
      th.appendChild(b);
      thead.appendChild(th);
    });
    table.appendChild(thead);
    var sides = app.sideNames;
    rows.forEach(function (i) {
      var tr = el("tr");
      var date = geomap.time.dateText(inc.day0, inc.start[i], inc.end[i], inc.aggregated ? inc.period : null) || "";
      var go = el("button", "geomap-linkbutton", date);
      go.type = "button";
      go.setAttribute("aria-label", "Show the incident of " + date + " on the map");
      go.addEventListener("click", function () { app.layer.open(i); });
      var first = el("td");
      first.appendChild(go);
      tr.appendChild(first);
      var place = inc.aggregated ? util.formatNumber(inc.weight[i]) + " in a " + inc.cellKm + " km cell" :
        inc.loaded("place").get(i);
      var distance = inc.loaded("border_distance_km").get(i);
      [place, inc.cols.event_type.get(i), inc.cols.fatalities.get(i), sides[inc.cols.side.get(i)] ||
       inc.cols.side.get(i), distance === null ? null : distance.toFixed(1)].forEach(function (v) {
        tr.appendChild(el("td", null, v === null || v === undefined ? "" : v));
      });
      table.appendChild(tr);
    });
    this.body.textContent = "";
    this.body.appendChild(table);
  };

  Panel.prototype.ranked = function (rows, label, go) {
    var list = el("ol", "geomap-ranked");
    var max = rows.length ? rows[0].count : 1;
    rows.forEach(function (r) {
      var li = el("li");
      var b = el("button", "geomap-linkbutton", label(r));
      b.type = "button";
      b.addEventListener("click", function () { go(r); });
      var bar = el("span", "geomap-bar");
      bar.style.width = Math.max(2, 60 * r.count / max) + "px";
      li.appendChild(b);
      li.appendChild(bar);
      li.appendChild(el("span", "geomap-ranked-count", util.formatNumber(r.count)));
      list.appendChild(li);
    });
    this.body.textContent = "";
    this.body.appendChild(rows.length ? list : el("div", "geomap-legend-note", "None under the filters."));
  };

  Panel.prototype.segments = function () {
    var app = this.app;
    var data = app.data;
    var rows = geomap.table.rankSegments(app.selection.bySegment, data.border);
    this.summary.textContent = "Incidents within " + data.segmentBandKm + " km of the border, per " + data.segmentKm +
      " km piece (km from the north end), under the filters";
    this.ranked(rows, function (r) { return "km " + r.piece.from_km + "–" + r.piece.to_km; }, function (r) {
      app.map.fitBounds(L.latLngBounds(r.piece.line), {maxZoom: 10});
    });
  };

  Panel.prototype.crossings = function () {
    var app = this.app;
    var rows = geomap.table.rankCrossings(app.selection.byCrossing, app.data.crossings);
    this.summary.textContent = "Incidents whose nearest crossing is within " + app.data.segmentBandKm +
      " km, under the filters";
    this.ranked(rows, function (r) { return r.crossing.name; }, function (r) {
      app.map.setView([r.crossing.lat, r.crossing.lon], 11);
    });
  };

  geomap.Panel = Panel;
})(globalThis.geomap = globalThis.geomap || {});
