/* geomap — the time bar: a histogram of incidents over time (under every filter but time) with a
   brush to pick any window, preset widths, a slider for the window's last day, and playback at
   three speeds. Incidents dated only to a weekend, week, month or year count in every window
   they overlap. */
(function (geomap) {
  "use strict";

  var util = geomap.util;
  var time = geomap.time;
  var el = util.el;
  var HEIGHT = 44;

  function TimeBar(app) {
    this.app = app;
    this.inc = app.inc;
    this.bin = time.binDays(this.inc.lastDay);
    this.bins = null;
    this.timer = null;
    this.speed = "normal";
  }

  TimeBar.prototype.build = function (box) {
    var self = this;
    var inc = this.inc;
    var head = el("div", "geomap-time-head");
    this.play = el("button", "geomap-button geomap-play", "▶");
    this.play.type = "button";
    this.play.setAttribute("aria-label", "Play through time");
    this.speedSelect = el("select", "geomap-speed");
    this.speedSelect.setAttribute("aria-label", "Playback speed");
    time.SPEEDS.forEach(function (s) { var o = el("option", null, s.label); o.value = s.id; self.speedSelect.appendChild(o); });
    this.speedSelect.value = this.speed;
    this.width = el("select", "geomap-width");
    this.width.setAttribute("aria-label", "Time window");
    time.WIDTHS.forEach(function (w) { var o = el("option", null, w[1]); o.value = w[0]; self.width.appendChild(o); });
    this.label = el("span", "geomap-time-label");
    this.label.setAttribute("aria-live", "polite");
    [this.play, this.speedSelect, this.width, this.label].forEach(function (n) { head.appendChild(n); });
    box.appendChild(head);
    var chart = el("div", "geomap-histogram");
    this.canvas = el("canvas");
    this.canvas.height = HEIGHT;
    this.canvas.setAttribute("role", "img");
    this.canvas.setAttribute("aria-label", "Incidents over time; drag to choose a time window");
    this.brush = el("div", "geomap-brush");
    chart.appendChild(this.canvas);
    chart.appendChild(this.brush);
    this.axis = el("div", "geomap-axis");
    box.appendChild(chart);
    box.appendChild(this.axis);
    this.slider = el("input");
    this.slider.type = "range";
    this.slider.min = "0";
    this.slider.max = String(inc.lastDay);
    this.slider.value = String(inc.lastDay);
    this.slider.setAttribute("aria-label", "Last day of the time window");
    this.slider.disabled = inc.day0 === null;
    box.appendChild(this.slider);
    this.count = el("div", "geomap-time-count");
    this.count.setAttribute("aria-live", "polite");
    box.appendChild(this.count);
    this.chart = chart;

    this.width.addEventListener("change", function () {
      if (self.width.value === "custom") return;
      self.set(time.presetWindow(Number(self.slider.value), self.width.value, inc.lastDay));
    });
    this.slider.addEventListener("input", function () {
      var width = self.width.value === "all" ? "7" : self.width.value === "custom" ? null : self.width.value;
      var f = self.app.filter;
      if (width) self.set(time.presetWindow(Number(self.slider.value), width, inc.lastDay));
      else self.set({from: Number(self.slider.value) - (f.to - f.from), to: Number(self.slider.value)});
    });
    this.speedSelect.addEventListener("change", function () {
      self.speed = self.speedSelect.value;
      if (self.timer) { self.stop(); self.start(); }
      self.app.saveUrl();
    });
    this.play.addEventListener("click", function () { if (self.timer) self.stop(); else self.start(); });
    this.brushEvents();
  };

  /** Set the window ({from, to} in days, or from null for all dates), then filter. */
  TimeBar.prototype.set = function (w) {
    var f = this.app.filter;
    f.from = w.from;
    f.to = w.from === null ? null : w.to;
    this.show();
    this.app.request();
  };

  TimeBar.prototype.show = function () {
    var inc = this.inc;
    var f = this.app.filter;
    this.width.value = time.widthOf(f.from, f.to);
    if (f.from === null) {
      this.slider.value = String(inc.lastDay);
      this.label.textContent = inc.day0 === null ? "no dates" :
        time.dayLabel(inc.day0, 0) + " – " + time.dayLabel(inc.day0, inc.lastDay);
    } else {
      this.slider.value = String(f.to);
      this.label.textContent = f.from === f.to ? time.dayLabel(inc.day0, f.to) :
        time.dayLabel(inc.day0, f.from) + " – " + time.dayLabel(inc.day0, f.to);
    }
    this.drawBrush();
  };

  TimeBar.prototype.start = function () {
    var self = this;
    var f = this.app.filter;
    var inc = this.inc;
    if (f.from === null) this.set(time.presetWindow(6, "7", inc.lastDay));
    else if (f.to >= inc.lastDay) this.set({from: 0, to: f.to - f.from});
    this.play.textContent = "❚❚";
    this.play.setAttribute("aria-label", "Pause");
    var ms = time.SPEEDS.filter(function (s) { return s.id === self.speed; })[0].ms;
    this.timer = setInterval(function () {
      var next = time.nextWindow(self.app.filter.from, self.app.filter.to, inc.lastDay);
      if (!next) { self.stop(); return; }
      self.set(next);
    }, ms);
  };

  TimeBar.prototype.stop = function () {
    clearInterval(this.timer);
    this.timer = null;
    this.play.textContent = "▶";
    this.play.setAttribute("aria-label", "Play through time");
  };

  /** The histogram under every filter but time: recomputed only when those filters change. */
  TimeBar.prototype.update = function (allTimes) {
    if (allTimes) this.bins = time.histogram(this.inc, allTimes.indices, allTimes.count, this.bin);
    this.drawChart();
  };

  TimeBar.prototype.drawChart = function () {
    var canvas = this.canvas;
    var width = this.chart.clientWidth || 300;
    var ratio = window.devicePixelRatio || 1;
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(HEIGHT * ratio);
    canvas.style.width = width + "px";
    canvas.style.height = HEIGHT + "px";
    var ctx = canvas.getContext("2d");
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, width, HEIGHT);
    if (!this.bins || this.inc.day0 === null) return;
    var max = 0;
    for (var k = 0; k < this.bins.length; k++) if (this.bins[k] > max) max = this.bins[k];
    var f = this.app.filter;
    var barWidth = width / this.bins.length;
    for (var b = 0; b < this.bins.length; b++) {
      if (!this.bins[b]) continue;
      var first = b * this.bin;
      var inWindow = f.from === null || (first <= f.to && first + this.bin - 1 >= f.from);
      ctx.fillStyle = inWindow ? "#1f4e79" : "#b8c4d0";
      var h = Math.max(1, Math.sqrt(this.bins[b] / max) * (HEIGHT - 2));
      ctx.fillRect(b * barWidth, HEIGHT - h, Math.max(1, barWidth - (barWidth > 3 ? 1 : 0)), h);
    }
    var inc = this.inc;
    this.axis.textContent = "";
    this.axis.appendChild(el("span", null, time.dayLabel(inc.day0, 0)));
    this.axis.appendChild(el("span", null, (this.bin === 1 ? "per day" : "per " + this.bin + " days") +
                             " (height: square root of the count)"));
    this.axis.appendChild(el("span", null, time.dayLabel(inc.day0, inc.lastDay)));
  };

  TimeBar.prototype.dayAt = function (clientX) {
    var r = this.chart.getBoundingClientRect();
    var x = Math.max(0, Math.min(r.width, clientX - r.left));
    return Math.min(this.inc.lastDay, Math.floor(x / r.width * (this.inc.lastDay + 1)));
  };

  TimeBar.prototype.drawBrush = function () {
    var f = this.app.filter;
    if (f.from === null) { this.brush.style.display = "none"; return; }
    var total = this.inc.lastDay + 1;
    this.brush.style.display = "block";
    this.brush.style.left = (Math.max(0, f.from) / total * 100) + "%";
    this.brush.style.width = ((Math.min(f.to, this.inc.lastDay) - Math.max(0, f.from) + 1) / total * 100) + "%";
    this.drawChart();
  };

  /** Drag across the histogram for a new window; drag the window to move it, its edges to resize it. */
  TimeBar.prototype.brushEvents = function () {
    var self = this;
    var drag = null;
    this.chart.addEventListener("pointerdown", function (e) {
      if (self.inc.day0 === null) return;
      e.preventDefault();
      self.stop();
      var day = self.dayAt(e.clientX);
      var f = self.app.filter;
      var r = self.brush.getBoundingClientRect();
      var edge = 6;
      if (f.from !== null && Math.abs(e.clientX - r.left) <= edge) drag = {mode: "from"};
      else if (f.from !== null && Math.abs(e.clientX - r.right) <= edge) drag = {mode: "to"};
      else if (f.from !== null && day >= f.from && day <= f.to) drag = {mode: "move", grab: day, from: f.from, to: f.to};
      else drag = {mode: "new", anchor: day};
      self.chart.setPointerCapture(e.pointerId);
      move(e);
    });
    function move(e) {
      if (!drag) return;
      var day = self.dayAt(e.clientX);
      var f = self.app.filter;
      var last = self.inc.lastDay;
      if (drag.mode === "new") self.set({from: Math.min(drag.anchor, day), to: Math.max(drag.anchor, day)});
      else if (drag.mode === "from") self.set({from: Math.min(day, f.to), to: f.to});
      else if (drag.mode === "to") self.set({from: f.from, to: Math.max(day, f.from)});
      else {
        var shift = Math.max(-drag.from, Math.min(last - drag.to, day - drag.grab));
        self.set({from: drag.from + shift, to: drag.to + shift});
      }
    }
    this.chart.addEventListener("pointermove", move);
    this.chart.addEventListener("pointerup", function () { drag = null; });
    this.chart.addEventListener("pointercancel", function () { drag = null; });
  };

  TimeBar.prototype.showCount = function (sel, inView) {
    var app = this.app;
    var text = util.formatNumber(sel.weight) + " of " + util.formatNumber(app.inc.total) + " incidents shown";
    if (inView !== null) text += " · " + util.formatNumber(inView) + " in view";
    if (sel.imprecise && app.filter.from !== null) {
      text += "; " + util.formatNumber(sel.imprecise) + " dated only to a weekend, week, month or year overlap this window";
    }
    this.count.textContent = text;
  };

  geomap.TimeBar = TimeBar;
})(globalThis.geomap = globalThis.geomap || {});
