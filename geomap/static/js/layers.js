/* geomap — the context layers: countries and provinces (the basemap offline), district seats,
   distance bands, the border coloured by incidents per piece, the border line, crossings. Each
   has its own pane, so the order on screen is fixed: turning a layer off and on again never
   buries the border line under the pieces drawn beside it. */
(function (geomap) {
  "use strict";

  var util = geomap.util;
  var el = util.el;
  var SEGMENT_COLOURS = ["#dadaeb", "#bcbddc", "#9e9ac8", "#756bb1", "#54278f"];
  /** Panes from bottom to top (Leaflet's overlays sit at 400, markers at 600, popups at 700). */
  var PANES = [["geomap-countries", 210], ["geomap-provinces", 380], ["geomap-bands", 390], ["geomap-segments", 410],
               ["geomap-border", 420], ["geomap-uncertainty", 430], ["geomap-incidents", 440],
               ["geomap-crossings", 450], ["geomap-focus", 460]];

  function addPanes(map) {
    PANES.forEach(function (p) {
      var pane = map.createPane(p[0]);
      pane.style.zIndex = String(p[1]);
      pane.classList.add("geomap-pane");
    });
  }

  function countries(app) {
    var data = app.data;
    return L.geoJSON(data.countries, {
      pane: "geomap-countries", interactive: false,
      attribution: "Border &amp; countries &copy; OpenStreetMap contributors (ODbL) · provinces: Natural Earth · " +
                   "places: GeoNames (CC-BY 4.0)",
      style: function (f) {
        return {color: "#777", weight: 1, fillColor: f.properties.fill, fillOpacity: data.offline ? 0.9 : 0.35};
      }
    });
  }

  function provinces(app, shapes) {
    return L.geoJSON(app.data.provinces, {
      pane: "geomap-provinces",
      style: {color: "#888", weight: 0.8, dashArray: "3 3", fill: true, fillOpacity: 0},
      onEachFeature: function (f, layer) {
        shapes[f.properties.name] = f;
        layer.bindTooltip(function () { return el("span", null, f.properties.name + " (" + f.properties.code + ")"); },
                          {sticky: true});
      }
    });
  }

  function districts(app) {
    var group = L.layerGroup();
    app.data.districts.forEach(function (d) {
      var dot = L.circleMarker([d.lat, d.lon], {pane: "geomap-crossings", radius: 2.5, color: "#555", weight: 1,
                                                fillColor: "#fff", fillOpacity: 1});
      dot.bindTooltip(function () { return el("span", null, d.name + " (district seat, " + d.province + ")"); });
      group.addLayer(dot);
    });
    return group;
  }

  function bands(app) {
    var group = L.layerGroup();
    app.data.bands.forEach(function (band, k) {
      L.geoJSON(band.geometry, {
        pane: "geomap-bands", interactive: false,
        style: {color: "#b3001b", weight: 0.7, opacity: 0.6, dashArray: "2 4", fillColor: "#b3001b",
                fillOpacity: 0.035 + 0.02 * k}
      }).addTo(group);
    });
    return group;
  }

  /** The border in pieces, each coloured by the incidents near it; update(counts) recolours them. */
  function segments(app) {
    var data = app.data;
    var group = L.layerGroup();
    var pieces = {};
    data.border.forEach(function (piece) {
      var line = L.polyline(piece.line, {pane: "geomap-segments", color: SEGMENT_COLOURS[0], weight: 11, opacity: 0,
                                         lineCap: "butt"});
      line.bindTooltip(function () {
        return el("span", null, "Border km " + piece.from_km + "–" + piece.to_km + ": " +
                  util.formatNumber(piece.count || 0) + " incidents within " + data.segmentBandKm +
                  " km, with the filters set");
      }, {sticky: true});
      pieces[piece.index] = {piece: piece, line: line, level: null};
      group.addLayer(line);
    });
    group.update = function (counts) {
      var max = 0;
      Object.keys(counts).forEach(function (k) { if (counts[k] > max) max = counts[k]; });
      Object.keys(pieces).forEach(function (k) {
        var n = counts[k] || 0;
        var p = pieces[k];
        p.piece.count = n;
        var level = n === 0 ? -1 : Math.min(4, Math.floor(5 * Math.sqrt(n / max) - 1e-9));
        if (level === p.level) return;  // restyling redraws the canvas: only what changed
        p.level = level;
        p.line.setStyle({opacity: level < 0 ? 0 : 0.85, color: SEGMENT_COLOURS[Math.max(0, level)]});
      });
      return max;
    };
    return group;
  }

  function border(app) {
    return L.polyline(app.data.border.map(function (p) { return p.line; }), {
      pane: "geomap-border", color: "#b3001b", weight: 3, opacity: 0.95, interactive: false
    });
  }

  function crossings(app) {
    var group = L.layerGroup();
    var markers = app.data.crossings.map(function (c) {
      var marker = L.circleMarker([c.lat, c.lon], {pane: "geomap-crossings", radius: 5, color: "#111", weight: 2,
                                                   fillColor: "#ffffff", fillOpacity: 1});
      marker.bindTooltip(function () { return el("span", null, c.name); },
                         {permanent: true, direction: "right", offset: [6, 0], className: "geomap-label"});
      marker.bindPopup(function () {
        var box = el("div", "geomap-popup");
        box.appendChild(el("div", "geomap-popup-title", c.name));
        box.appendChild(el("div", "geomap-popup-sub", c.kind + (c.precision === "approx" ? ", approximate position" :
                                                                 "")));
        if (c.alt && c.alt.length) box.appendChild(el("div", "geomap-popup-text", "Also: " + c.alt.join(", ")));
        box.appendChild(el("div", "geomap-popup-text", "Coordinate source: " + c.source));
        return box;
      });
      group.addLayer(marker);
      return marker;
    });
    // Names that would print over each other (Torkham and the Khyber Pass at the first zoom) are not
    // shown until the map is zoomed in far enough to part them: official crossings before passes.
    var ranked = app.data.crossings.map(function (c, k) { return k; }).sort(function (a, b) {
      var kinds = (app.data.crossings[a].kind !== "crossing") - (app.data.crossings[b].kind !== "crossing");
      return kinds || a - b;
    });
    function declutter() {
      if (!app.map.hasLayer(group)) return;
      var nodes = ranked.map(function (k) { return markers[k].getTooltip() && markers[k].getTooltip().getElement(); });
      nodes.forEach(function (n) { if (n) n.classList.remove("geomap-label-hidden"); });
      var shown = util.uncluttered(nodes.map(function (n) { return n ? n.getBoundingClientRect() : null; }));
      nodes.forEach(function (n, k) { if (n && !shown[k]) n.classList.add("geomap-label-hidden"); });
    }
    group.on("add", declutter);
    group.declutter = declutter;
    return group;
  }

  /**
   * Every context layer, by the id the URL uses: {layers: {id: {label, layer, on}} in the order of
   * the layer control, shapes: province features by name, declutter: hides crossing names that would
   * overlap, after every change of zoom}; `segments.layer.update` recolours the pieces.
   */
  function build(app) {
    var data = app.data;
    var shapes = {};
    var out = {};
    out.countries = {label: "Countries", layer: countries(app), on: true};
    out.provinces = {label: "Provinces", layer: provinces(app, shapes), on: true};
    out.districts = {label: "District seats (" + data.districts.length + ")", layer: districts(app), on: false};
    if (data.bands.length) {
      out.bands = {label: "Distance bands (" + data.bands.map(function (b) { return b.km; }).reverse().join(", ") +
                   " km)", layer: bands(app), on: true};
    }
    out.segments = {label: "Incidents per " + data.segmentKm + " km of border", layer: segments(app), on: true};
    out.border = {label: "Border: " + data.borderLabel, layer: border(app), on: true};
    out.crossings = {label: "Crossings and passes (" + data.crossings.length + ")", layer: crossings(app), on: true};
    return {layers: out, shapes: shapes, declutter: out.crossings.layer.declutter};
  }

  geomap.layers = {SEGMENT_COLOURS: SEGMENT_COLOURS, addPanes: addPanes, build: build};
})(globalThis.geomap = globalThis.geomap || {});
