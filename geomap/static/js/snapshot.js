/* geomap — "Save PNG": the map as it is on screen, with its legend beside it, drawn on a canvas
   by the page itself (no service, no library): the basemap tiles when the browser may read them,
   every canvas layer, the cluster markers, the crossing labels, then a legend drawn from the data
   (title, time window, counts, event types with their colours, the symbols). */
(function (geomap) {
  "use strict";

  var util = geomap.util;
  var LEGEND_WIDTH = 300;
  var FONT = "system-ui, sans-serif";

  function offset(node, origin) {
    var r = node.getBoundingClientRect();
    return {x: r.left - origin.left, y: r.top - origin.top, w: r.width, h: r.height};
  }

  function circle(ctx, x, y, r, fill, stroke, width) {
    ctx.beginPath();
    ctx.arc(x, y, r, 0, 2 * Math.PI);
    if (fill) { ctx.fillStyle = fill; ctx.fill(); }
    if (stroke) { ctx.strokeStyle = stroke; ctx.lineWidth = width || 1; ctx.stroke(); }
  }

  /** Lines of at most `width` pixels. */
  function wrap(ctx, text, width) {
    var words = String(text).split(/\s+/);
    var lines = [];
    var line = "";
    words.forEach(function (w) {
      var next = line ? line + " " + w : w;
      if (ctx.measureText(next).width > width && line) { lines.push(line); line = w; } else line = next;
    });
    if (line) lines.push(line);
    return lines;
  }

  function drawMap(ctx, app, origin) {
    var container = app.map.getContainer();
    ctx.fillStyle = app.data.offline ? "#dfe7ee" : "#f2efe9";
    ctx.fillRect(0, 0, origin.width, origin.height);
    var skipped = 0;
    // Tiles, canvases (layers, heatmap) and marker icons, in the order they are stacked.
    var nodes = [].slice.call(container.querySelectorAll(".leaflet-tile-loaded, .leaflet-pane canvas, " +
                                                         ".leaflet-marker-icon, .geomap-label"));
    nodes.sort(function (a, b) { return zIndex(a) - zIndex(b); });
    nodes.forEach(function (node) {
      var at = offset(node, origin);
      if (at.x > origin.width || at.y > origin.height || at.x + at.w < 0 || at.y + at.h < 0) return;
      if (node.tagName === "IMG" || node.tagName === "CANVAS") {
        if (readable(node)) ctx.drawImage(node, at.x, at.y, at.w, at.h);
        else skipped += 1;
      } else if (node.classList.contains("geomap-cluster")) {
        var style = getComputedStyle(node);
        var inner = node.firstChild ? getComputedStyle(node.firstChild) : style;
        var r = at.w / 2;
        circle(ctx, at.x + r, at.y + r, r, style.backgroundColor);
        circle(ctx, at.x + r, at.y + r, r - 4, inner.backgroundColor);
        ctx.fillStyle = "#fff";
        ctx.font = "600 11px " + FONT;
        ctx.textAlign = "center";
        ctx.textBaseline = "middle";
        ctx.fillText(node.textContent, at.x + r, at.y + r);
      } else if (node.classList.contains("geomap-label") && getComputedStyle(node).display !== "none") {
        ctx.font = "11px " + FONT;
        ctx.textAlign = "left";
        ctx.textBaseline = "middle";
        ctx.fillStyle = "rgba(255,255,255,0.85)";
        ctx.fillRect(at.x, at.y, at.w, at.h);
        ctx.fillStyle = "#111";
        ctx.fillText(node.textContent, at.x + 3, at.y + at.h / 2);
      }
    });
    return skipped;
  }

  /** Whether an image may be copied: one from a server that does not allow it would spoil the whole PNG. */
  function readable(node) {
    if (node.tagName === "CANVAS") return true;
    var probe = document.createElement("canvas");
    probe.width = probe.height = 1;
    try {
      var ctx = probe.getContext("2d");
      ctx.drawImage(node, 0, 0, 1, 1);
      ctx.getImageData(0, 0, 1, 1);
      return true;
    } catch (e) {
      return false;
    }
  }

  function zIndex(node) {
    var z = 0;
    for (var n = node; n && !n.classList.contains("leaflet-container"); n = n.parentElement) {
      var v = parseInt(getComputedStyle(n).zIndex, 10);
      if (!isNaN(v) && n.classList.contains("leaflet-pane")) { z = v; break; }
    }
    return z + (node.tagName === "IMG" && node.classList.contains("leaflet-tile") ? 0 : 0.5);
  }

  function drawLegend(ctx, app, x, height, skipped) {
    var data = app.data;
    var sel = app.selection;
    ctx.fillStyle = "#fff";
    ctx.fillRect(x, 0, LEGEND_WIDTH, height);
    ctx.strokeStyle = "#ccc";
    ctx.beginPath();
    ctx.moveTo(x + 0.5, 0);
    ctx.lineTo(x + 0.5, height);
    ctx.stroke();
    var y = 18;
    var left = x + 14;
    var width = LEGEND_WIDTH - 28;
    ctx.textAlign = "left";
    ctx.textBaseline = "middle";
    function text(t, font, colour, indent) {
      ctx.font = font;
      ctx.fillStyle = colour || "#222";
      wrap(ctx, t, width - (indent || 0)).forEach(function (line) {
        ctx.fillText(line, left + (indent || 0), y);
        y += parseInt(font.match(/(\d+)px/)[1], 10) + 5;
      });
    }
    text(data.title, "600 14px " + FONT);
    text(app.timebar.label.textContent, "12px " + FONT, "#444");
    text(util.formatNumber(sel.weight) + " of " + util.formatNumber(app.inc.total) + " incidents shown · " +
         util.formatNumber(app.inView.weight) + " in view", "12px " + FONT, "#444");
    var f = app.filter;
    var more = [f.subTypes ? "sub-event types: " + f.subTypes.join(", ") : null,
                f.sources ? "sources: " + f.sources.join(", ") : null, f.actor ? "actor: " + f.actor : null,
                f.text ? "text: " + f.text : null,
                f.fatalMin !== null || f.fatalMax !== null ? "fatalities " + (f.fatalMin === null ? 0 : f.fatalMin) +
                  "–" + (f.fatalMax === null ? "any" : f.fatalMax) : null].filter(Boolean);
    if (more.length) text("Filtered by " + more.join("; "), "12px " + FONT, "#444");
    y += 6;
    text("EVENT TYPE", "600 11px " + FONT, "#444");
    data.categories.forEach(function (cat) {
      var code = app.inc.cols.event_type.dict.indexOf(cat.name) + 1;
      var hidden = f.types[code];
      circle(ctx, left + 6, y, 6, hidden ? "#fff" : cat.color, "#222", 1);
      text(cat.name + " (" + util.formatNumber(sel.byType[code] || 0) + ")" + (hidden ? " — hidden" : ""),
           "12px " + FONT, hidden ? "#999" : "#222", 18);
    });
    y += 6;
    text("MAP", "600 11px " + FONT, "#444");
    ctx.strokeStyle = "#b3001b";
    ctx.lineWidth = 3;
    ctx.beginPath();
    ctx.moveTo(left, y);
    ctx.lineTo(left + 14, y);
    ctx.stroke();
    text("Afghanistan–Pakistan border (" + data.borderLabel + ")", "12px " + FONT, "#222", 18);
    geomap.layers.SEGMENT_COLOURS.forEach(function (colour, k) { ctx.fillStyle = colour; ctx.fillRect(left + k * 3, y - 5, 3, 10); });
    text("Incidents within " + data.segmentBandKm + " km, per " + data.segmentKm + " km of border", "12px " + FONT,
         "#222", 18);
    circle(ctx, left + 6, y, 5, "#fff", "#111", 2);
    text("Crossing or pass", "12px " + FONT, "#222", 18);
    circle(ctx, left + 6, y, 7, "#1f4e79");
    text("Cluster of incidents (count inside)", "12px " + FONT, "#222", 18);
    y += 6;
    text(data.summary + ".", "11px " + FONT, "#555");
    if (skipped) text(skipped + " basemap tiles could not be copied (their server does not allow it).", "11px " + FONT, "#a00");
    text("Map data: OpenStreetMap contributors (ODbL), Natural Earth, GeoNames (CC-BY 4.0). Made with geomap.",
         "11px " + FONT, "#555");
  }

  /** The map and its legend as a PNG (a Promise of a Blob). */
  function png(app) {
    var container = app.map.getContainer();
    var origin = container.getBoundingClientRect();
    var ratio = window.devicePixelRatio || 1;
    var canvas = document.createElement("canvas");
    var width = Math.round(origin.width) + LEGEND_WIDTH;
    var height = Math.max(Math.round(origin.height), 480);
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
    var ctx = canvas.getContext("2d");
    ctx.scale(ratio, ratio);
    ctx.save();
    ctx.beginPath();
    ctx.rect(0, 0, origin.width, origin.height);
    ctx.clip();
    var skipped = drawMap(ctx, app, {left: origin.left, top: origin.top, width: origin.width, height: origin.height});
    ctx.restore();
    drawLegend(ctx, app, Math.round(origin.width), height, skipped);
    return new Promise(function (resolve) { canvas.toBlob(resolve, "image/png"); });
  }

  geomap.snapshot = {png: png};
})(globalThis.geomap = globalThis.geomap || {});
