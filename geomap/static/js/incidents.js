/* geomap — the incidents on the map: clusters (keyboard-focusable markers), incidents sharing a
   spot, single incidents (canvas circles sized by fatalities), their uncertainty drawn as faint
   outlines that fade as they grow on screen (the whole area shows when an incident is hovered or
   opened), and the heatmap. Redrawn for the view after every filter change and every move. */
(function (geomap) {
  "use strict";

  var util = geomap.util;
  var el = util.el;
  /** Zoom from which incidents are drawn one by one (only those at one spot share a marker). */
  var SINGLE_FROM_ZOOM = 12;
  var CELL_PX = 80;
  /** Uncertainty outlines drawn only while their radius on screen is within these (pixels). */
  var AREA_MIN_PX = 5;
  var AREA_MAX_PX = 160;

  /** Enter or Space on a focused marker does what a click does (Leaflet only makes it focusable). */
  function keyboard(marker) {
    marker.on("add", function () {
      marker.getElement().addEventListener("keydown", function (e) {
        if (e.key !== "Enter" && e.key !== " ") return;
        e.preventDefault();
        marker.fire("click", {latlng: marker.getLatLng()});
      });
    });
    return marker;
  }

  function Incidents(app) {
    this.app = app;
    this.inc = app.inc;
    this.markers = L.layerGroup();          // clusters and spots: DOM markers, focusable
    this.points = L.layerGroup();           // single incidents: canvas
    this.areas = L.layerGroup();            // uncertainty outlines: canvas
    this.focus = L.layerGroup();            // the area of the incident hovered or opened
    this.heat = L.heatLayer([], {radius: 18, blur: 16, maxZoom: 9, minOpacity: 0.25});
    this.drawn = {clusters: 0, spots: 0, leaves: 0};
    this.leafMarkers = {};
  }

  Incidents.prototype.colour = function (i) {
    return this.app.colours[this.inc.cols.event_type.get(i)] || this.app.data.otherColor;
  };

  /**
   * Draw the selection for the current view. Markers that stay the same (same cell, same count,
   * same zoom) are kept rather than made anew, so a pan only adds what came into view.
   */
  Incidents.prototype.redraw = function () {
    var map = this.app.map;
    var sel = this.app.selection;
    var previous = this.live || new Map();
    var live = new Map();
    this.live = live;
    this.leafMarkers = {};
    var self = this;
    function keep(key, group, make) {
      var marker = previous.get(key);
      if (marker) previous.delete(key);
      else group.addLayer(marker = make());
      live.set(key, marker);
      marker.geomapGroup = group;
      return marker;
    }
    if (sel && map.hasLayer(this.markers)) {
      var zoom = map.getZoom();
      var b = map.getPixelBounds();
      var view = {zoom: zoom, x0: b.min.x, y0: b.min.y, x1: b.max.x, y1: b.max.y};
      var result = geomap.cluster.cluster(this.inc, sel.indices, sel.count, view,
                                          zoom >= SINGLE_FROM_ZOOM ? 0 : CELL_PX);
      var showAreas = map.hasLayer(this.areas);
      result.clusters.forEach(function (c) {
        keep(["c", zoom, c.key, c.weight, c.n].join(":"), self.markers, function () { return self.clusterMarker(c, zoom); });
      });
      result.spots.forEach(function (indices) {
        var marker = keep(["s", zoom, indices[0], indices.length].join(":"), self.markers, function () {
          return self.spotMarker(indices);
        });
        indices.forEach(function (i) { self.leafMarkers[i] = marker; });
      });
      result.leaves.forEach(function (i) {
        self.leafMarkers[i] = keep("l:" + i, self.points, function () { return self.leaf(i); });
        if (showAreas) {
          var area = previous.get("a:" + zoom + ":" + i) || self.area(i);
          if (area) keep("a:" + zoom + ":" + i, self.areas, function () { return area; });
        }
      });
      this.drawn = {clusters: result.clusters.length, spots: result.spots.length, leaves: result.leaves.length};
    } else {
      this.drawn = {clusters: 0, spots: 0, leaves: 0};
    }
    previous.forEach(function (marker) { marker.geomapGroup.removeLayer(marker); });
  };

  /** Forget every marker, so the next redraw makes them anew (after the data they show changed). */
  Incidents.prototype.reset = function () {
    if (this.live) this.live.forEach(function (marker) { marker.geomapGroup.removeLayer(marker); });
    this.live = null;
  };

  Incidents.prototype.clusterMarker = function (c, zoom) {
    var app = this.app;
    var count = c.weight;
    var size = count < 100 ? "s" : count < 10000 ? "m" : "l";
    var diameter = {s: 32, m: 40, l: 48}[size];
    var latlng = geomap.cluster.unproject(c.x, c.y, zoom);
    var text = count >= 10000 ? Math.round(count / 1000) + "k" : util.formatNumber(count);
    var label = util.formatNumber(count) + " incidents: press Enter to zoom in";
    var marker = L.marker(latlng, {
      icon: L.divIcon({html: el("span", null, text), className: "geomap-cluster geomap-cluster-" + size,
                       iconSize: [diameter, diameter]}),
      title: label, alt: label, keyboard: true, riseOnHover: true
    });
    marker.on("click", function () {
      var sw = geomap.cluster.unproject(c.x0, c.y1, zoom);
      var ne = geomap.cluster.unproject(c.x1, c.y0, zoom);
      var target = Math.min(SINGLE_FROM_ZOOM, Math.max(Math.floor(zoom) + 1,
                                                       app.map.getBoundsZoom(L.latLngBounds(sw, ne), false, [40, 40])));
      app.map.setView(L.latLngBounds(sw, ne).getCenter(), target);
    });
    return keyboard(marker);
  };

  Incidents.prototype.spotMarker = function (indices) {
    var app = this.app;
    var inc = this.inc;
    var total = 0;
    indices.forEach(function (i) { total += inc.weight[i]; });
    var label = util.formatNumber(total) + " incidents at this spot: press Enter to list them";
    var marker = L.marker([inc.lat[indices[0]], inc.lon[indices[0]]], {
      icon: L.divIcon({html: el("span", null, util.formatNumber(total)), className: "geomap-cluster geomap-spot",
                       iconSize: [30, 30]}),
      title: label, alt: label, keyboard: true
    });
    marker.bindPopup(function () { return geomap.popup.spotList(app, indices); },
                     geomap.popup.options(app, marker.getLatLng()));
    return keyboard(marker);
  };

  Incidents.prototype.leaf = function (i) {
    var app = this.app;
    var inc = this.inc;
    var colour = this.colour(i);
    var marker;
    var self = this;
    if (inc.aggregated) {
      var dLat = inc.cellKm / 2 / 111.32;
      var dLon = dLat / Math.cos(inc.lat[i] * Math.PI / 180);
      marker = L.rectangle([[inc.lat[i] - dLat, inc.lon[i] - dLon], [inc.lat[i] + dLat, inc.lon[i] + dLon]], {
        pane: "geomap-incidents", color: colour, weight: 1, fillColor: colour, fillOpacity: 0.45
      });
      marker.bindTooltip(function () { return el("span", null, util.formatNumber(inc.weight[i]) + " incidents"); });
    } else {
      var fatalities = Number(inc.cols.fatalities.get(i)) || 0;
      var uncertain = inc.cols.side_uncertain.get(i);
      marker = L.circleMarker([inc.lat[i], inc.lon[i]], {
        pane: "geomap-incidents", radius: 6 + Math.min(10, Math.sqrt(fatalities)), color: uncertain ? "#000" : "#222",
        weight: uncertain ? 2.5 : 1, dashArray: uncertain ? "3 3" : null, fillColor: colour, fillOpacity: 0.85
      });
      marker.bindTooltip(function () {
        var place = inc.loaded("place").get(i);
        return el("span", null, [geomap.time.dateText(inc.day0, inc.start[i], inc.end[i]), place,
                                 uncertain ? "(side uncertain)" : ""].filter(Boolean).join(" "));
      });
      marker.on("mouseover", function () { self.showFocus(i); });
      marker.on("mouseout", function () { if (self.opened !== i) self.focus.clearLayers(); });
    }
    marker.on("click", function () { self.openPopup(i); });
    return marker;
  };

  /** The uncertainty of incident i: the province it stands for, or a circle of its precision's radius. */
  Incidents.prototype.shape = function (i, style) {
    var inc = this.inc;
    var kind = inc.loaded("feature_kind").get(i);
    var province = inc.loaded("province").get(i);
    var shapes = this.app.provinceShapes;
    if (kind === "province" && province && shapes[province]) {
      return {layer: L.geoJSON(shapes[province], {style: style, interactive: false, pane: style.pane}), px: Infinity};
    }
    var precision = inc.cols.precision.get(i);
    var radius = precision === null ? null : this.app.data.precisionRadiusKm[precision];
    if (!radius) return null;
    var metresPerPixel = 40075016.686 * Math.cos(inc.lat[i] * Math.PI / 180) / (256 * Math.pow(2, this.app.map.getZoom()));
    return {layer: L.circle([inc.lat[i], inc.lon[i]], Object.assign({radius: radius * 1000}, style)),
            px: radius * 1000 / metresPerPixel};
  };

  /** A faint outline, fading as it grows on screen, and none when it would fill the screen (null). */
  Incidents.prototype.area = function (i) {
    var colour = this.colour(i);
    var probe = this.shape(i, {pane: "geomap-uncertainty", interactive: false});
    if (!probe || probe.px < AREA_MIN_PX || probe.px > AREA_MAX_PX) return null;
    var opacity = Math.max(0.15, 0.7 - probe.px / AREA_MAX_PX * 0.55);
    probe.layer.setStyle({color: colour, weight: 1, opacity: opacity, dashArray: "4 4", fill: false});
    return probe.layer;
  };

  /** The whole area of one incident, filled lightly: on hover and while its popup is open. */
  Incidents.prototype.showFocus = function (i) {
    this.focus.clearLayers();
    if (this.inc.aggregated) return;
    var colour = this.colour(i);
    var probe = this.shape(i, {pane: "geomap-focus", interactive: false, color: colour, weight: 1.5, dashArray: "4 4",
                               fillColor: colour, fillOpacity: 0.12});
    if (probe) this.focus.addLayer(probe.layer);
  };

  Incidents.prototype.openPopup = function (i) {
    var self = this;
    this.opened = i;
    this.showFocus(i);
    var result = geomap.popup.open(this.app, i);
    this.app.map.once("popupclose", function () { self.opened = null; self.focus.clearLayers(); });
    return result;
  };

  /** Fly to incident i (close enough that it is drawn on its own) and open its popup. */
  Incidents.prototype.open = function (i) {
    var map = this.app.map;
    var zoom = Math.max(map.getZoom(), this.inc.aggregated ? 9 : SINGLE_FROM_ZOOM);
    map.setView([this.inc.lat[i], this.inc.lon[i]], zoom, {animate: false});
    this.redraw();
    return this.openPopup(i);
  };

  Incidents.prototype.refreshHeat = function () {
    if (!this.app.map.hasLayer(this.heat)) return;
    var sel = this.app.selection;
    var inc = this.inc;
    var points = new Array(sel.count);
    var max = 0;
    for (var k = 0; k < sel.count; k++) {
      var i = sel.indices[k];
      points[k] = [inc.lat[i], inc.lon[i], inc.weight[i]];
      if (inc.weight[i] > max) max = inc.weight[i];
    }
    this.heat.setOptions({max: Math.max(1, Math.sqrt(sel.weight) / 4, max / 4)});
    this.heat.setLatLngs(points);
  };

  geomap.Incidents = Incidents;
  geomap.incidents = {SINGLE_FROM_ZOOM: SINGLE_FROM_ZOOM, CELL_PX: CELL_PX};
})(globalThis.geomap = globalThis.geomap || {});
