/* geomap's map. Data arrives as JSON (never as HTML): incidents as compact typed columns,
   clustered in the page with Supercluster, filtered by time window, event type and side.
   Every text from the data is put on the page with textContent or escaped, so a
   description holding markup or script is shown as text and runs nothing. */
(function () {
  "use strict";

  var DAY_MS = 86400000;
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  var SEGMENT_COLOURS = ["#dadaeb", "#bcbddc", "#9e9ac8", "#756bb1", "#54278f"];
  // Clusters are computed for zooms 3 to 11; from zoom 12 every incident is drawn on its own
  // (incidents at one spot share one marker). Fewer levels keep 100,000 incidents quick to index.
  var CLUSTER_MIN_ZOOM = 3;
  var CLUSTER_MAX_ZOOM = 11;

  /* ---------- small helpers ---------- */

  function escapeHtml(text) {
    return String(text).replace(/[&<>"'`]/g, function (c) {
      return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;", "`": "&#96;"}[c];
    });
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function safeUrl(url) {
    if (typeof url !== "string") return null;
    try {
      var parsed = new URL(url);
      return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : null;
    } catch (e) {
      return null;
    }
  }

  function row(table, label, value) {
    if (value === null || value === undefined || value === "") return;
    var tr = el("tr");
    tr.appendChild(el("th", null, label));
    tr.appendChild(el("td", null, value));
    table.appendChild(tr);
  }

  function km(value) {
    return value === null || value === undefined ? null : Number(value).toFixed(1) + " km";
  }

  function formatNumber(n) {
    return Math.round(n).toLocaleString("en-US");
  }

  function swatch(className, colour) {
    var s = el("span", "geomap-swatch " + (className || ""));
    if (colour) s.style.background = colour;
    return s;
  }

  /* ---------- the compact columns (see geomap/render/pack.py) ---------- */

  function bytes(spec) {
    var text = atob(spec.b);
    var raw = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i++) raw[i] = text.charCodeAt(i);
    if (spec.t === "u2") return new Uint16Array(raw.buffer);
    if (spec.t === "u4") return new Uint32Array(raw.buffer);
    return raw;
  }

  function column(spec) {
    if (!spec) return {raw: null, get: function () { return null; }};
    var raw = bytes(spec);
    if (spec.d) {
      return {raw: raw, dict: spec.d, get: function (i) { return raw[i] ? spec.d[raw[i] - 1] : null; }};
    }
    if (spec.s !== undefined) {
      return {raw: raw, get: function (i) { return raw[i] ? (raw[i] - 1 + spec.o) * spec.s : null; }};
    }
    return {raw: raw, get: function (i) { return raw[i] === 0 ? null : raw[i] === 1; }};
  }

  function decode(data) {
    var spec = data.incidents;
    var cols = {};
    Object.keys(spec.columns).forEach(function (name) { cols[name] = column(spec.columns[name]); });
    var n = spec.n;
    var inc = {
      n: n, cols: cols, aggregated: Boolean(spec.cellKm), cellKm: spec.cellKm, omitted: spec.omitted,
      day0: spec.day0 ? Date.parse(spec.day0 + "T00:00:00Z") : null,
      lat: new Float64Array(n), lon: new Float64Array(n), start: new Float64Array(n), end: new Float64Array(n),
      weight: new Float64Array(n), segment: new Int32Array(n), lastDay: 0
    };
    for (var i = 0; i < n; i++) {
      inc.lat[i] = cols.lat.get(i);
      inc.lon[i] = cols.lon.get(i);
      var day = cols.day.get(i);
      var span = cols.span.get(i);
      inc.start[i] = day === null ? NaN : day;
      inc.end[i] = day === null ? NaN : day + (span || 1) - 1;
      if (inc.end[i] > inc.lastDay) inc.lastDay = inc.end[i];
      inc.weight[i] = cols.count ? cols.count.get(i) : 1;
      var seg = cols.segment.get(i);
      inc.segment[i] = seg === null ? -1 : seg;
    }
    return inc;
  }

  function dayLabel(inc, day) {
    var d = new Date(inc.day0 + day * DAY_MS);
    return d.getUTCDate() + " " + MONTHS[d.getUTCMonth()] + " " + d.getUTCFullYear();
  }

  function dateText(inc, i) {
    if (isNaN(inc.start[i])) return null;
    var span = inc.end[i] - inc.start[i] + 1;
    if (span === 1) return dayLabel(inc, inc.start[i]);
    var what = inc.aggregated ? "" : span === 7 ? " (date known to the week)" : " (date known to the month)";
    return dayLabel(inc, inc.start[i]) + " – " + dayLabel(inc, inc.end[i]) + what;
  }

  /* ---------- popups ---------- */

  function sideName(data, code) {
    for (var k = 0; k < data.sides.length; k++) if (data.sides[k].code === code) return data.sides[k].name;
    return code;
  }

  function incidentPopup(data, inc, i) {
    var c = inc.cols;
    var box = el("div", "geomap-popup");
    box.appendChild(el("div", "geomap-popup-title", c.place ? (c.place.get(i) || "(no place name)") : "Incident"));
    var when = [dateText(inc, i), c.event_type.get(i)].filter(Boolean).join(" · ");
    if (when) box.appendChild(el("div", "geomap-popup-sub", when));
    if (c.description && c.description.get(i)) box.appendChild(el("p", "geomap-popup-text", c.description.get(i)));
    var table = el("table", "geomap-popup-table");
    row(table, "Fatalities", c.fatalities.get(i));
    var kind = c.feature_kind ? c.feature_kind.get(i) : null;
    row(table, "Located as", c.gazetteer_name && c.gazetteer_name.get(i) ?
        c.gazetteer_name.get(i) + (kind ? " (" + kind + ")" : "") : null);
    var precision = c.precision.get(i);
    if (precision !== null) {
      row(table, "Precision", data.precisionLabel[precision] + ", within about " +
          data.precisionRadiusKm[precision] + " km");
    }
    row(table, "Geocoding", c.geocode_status ? c.geocode_status.get(i) : null);
    var side = c.side.get(i);
    row(table, "Side", side ? sideName(data, side) + (c.side_uncertain.get(i) ? " — side uncertain: the location's " +
        "precision reaches the border" : "") : null);
    row(table, "Province", c.province ? c.province.get(i) : null);
    row(table, "District (approx.)", c.district ? c.district.get(i) : null);
    row(table, "To border", c.border_distance_km ? km(c.border_distance_km.get(i)) : null);
    var along = c.border_position_km ? km(c.border_position_km.get(i)) : null;
    row(table, "Along border", along ? along + " from the north end" : null);
    var crossing = c.nearest_crossing ? c.nearest_crossing.get(i) : null;
    row(table, "Nearest crossing", crossing ? crossing + (c.crossing_distance_km ?
        " (" + km(c.crossing_distance_km.get(i)) + ")" : "") : null);
    box.appendChild(table);
    var href = c.source_url ? safeUrl(c.source_url.get(i)) : null;
    var sourceName = c.source_name ? c.source_name.get(i) : null;
    if (href) {
      var link = el("a", "geomap-popup-link", sourceName || "Source");
      link.href = href;
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      box.appendChild(link);
    } else if (sourceName) {
      box.appendChild(el("div", "geomap-popup-sub", "Source: " + sourceName));
    }
    if (inc.omitted.length) {
      box.appendChild(el("div", "geomap-popup-note", "Left out of this page to keep it small: " +
                         inc.omitted.join(", ") + " (see the table from `geomap join`)."));
    }
    return box;
  }

  function cellPopup(data, inc, i) {
    var c = inc.cols;
    var box = el("div", "geomap-popup");
    box.appendChild(el("div", "geomap-popup-title", formatNumber(inc.weight[i]) + " incidents in a " +
                       inc.cellKm + " km cell"));
    box.appendChild(el("div", "geomap-popup-sub", [dateText(inc, i), c.event_type.get(i)].filter(Boolean).join(" · ")));
    var table = el("table", "geomap-popup-table");
    row(table, "Side", c.side.get(i) ? sideName(data, c.side.get(i)) : null);
    row(table, "Fatalities", c.fatalities.get(i));
    row(table, "Side uncertain", c.uncertain.get(i) ? formatNumber(c.uncertain.get(i)) + " of them" : null);
    box.appendChild(table);
    return box;
  }

  /* ---------- the incident layer: filter, cluster, draw ---------- */

  function IncidentLayer(map, data, inc, colours) {
    this.map = map;
    this.data = data;
    this.inc = inc;
    this.colours = colours;
    this.markers = L.layerGroup();
    this.areas = L.layerGroup();
    this.filter = {types: {}, sides: {}, from: null, to: null};
    this.features = new Array(inc.n);
    for (var i = 0; i < inc.n; i++) {
      this.features[i] = {type: "Feature", properties: {i: i, w: inc.weight[i]},
                          geometry: {type: "Point", coordinates: [inc.lon[i], inc.lat[i]]}};
    }
    this.leaves = {};
    this.listeners = [];
  }

  IncidentLayer.prototype.visible = function (i) {
    var f = this.filter;
    var c = this.inc.cols;
    if (f.types[c.event_type.raw[i]] || f.sides[c.side.raw[i]]) return false;
    if (f.from === null) return true;
    return !isNaN(this.inc.start[i]) && this.inc.start[i] <= f.to && this.inc.end[i] >= f.from;
  };

  IncidentLayer.prototype.rebuild = function () {
    var inc = this.inc;
    var shown = [];
    var stats = {weight: 0, imprecise: 0, byType: {}, bySegment: {}};
    for (var i = 0; i < inc.n; i++) {
      if (!this.visible(i)) continue;
      shown.push(this.features[i]);
      var w = inc.weight[i];
      stats.weight += w;
      if (inc.end[i] > inc.start[i] && !inc.aggregated) stats.imprecise += w;
      var type = inc.cols.event_type.raw[i];
      stats.byType[type] = (stats.byType[type] || 0) + w;
      if (inc.segment[i] >= 0) stats.bySegment[inc.segment[i]] = (stats.bySegment[inc.segment[i]] || 0) + w;
    }
    var options = {radius: 60, minZoom: CLUSTER_MIN_ZOOM, maxZoom: CLUSTER_MAX_ZOOM, minPoints: 2};
    if (inc.aggregated) {
      options.map = function (p) { return {w: p.w}; };
      options.reduce = function (a, b) { a.w += b.w; };
    }
    this.index = new Supercluster(options).load(shown);
    this.shown = shown;
    this.stats = stats;
    this.redraw();
    var self = this;
    this.listeners.forEach(function (fn) { fn(self); });
  };

  IncidentLayer.prototype.redraw = function () {
    if (!this.index || !this.map.hasLayer(this.markers)) return;
    var b = this.map.getBounds();
    var bbox = [Math.max(-180, b.getWest()), Math.max(-85, b.getSouth()), Math.min(180, b.getEast()),
                Math.min(85, b.getNorth())];
    var zoom = Math.round(this.map.getZoom());
    var items = this.index.getClusters(bbox, zoom);
    this.markers.clearLayers();
    this.areas.clearLayers();
    this.leaves = {};
    var spots = {};
    for (var k = 0; k < items.length; k++) {
      var item = items[k];
      if (item.properties.cluster) {
        this.markers.addLayer(this.clusterMarker(item));
        continue;
      }
      var key = item.geometry.coordinates.join(",");
      (spots[key] = spots[key] || []).push(item.properties.i);
    }
    var self = this;
    Object.keys(spots).forEach(function (key) {
      var at = spots[key];
      if (at.length === 1) self.drawLeaf(at[0]);
      else self.markers.addLayer(self.spotMarker(at));
    });
  };

  IncidentLayer.prototype.clusterMarker = function (item) {
    var self = this;
    var count = this.inc.aggregated ? item.properties.w : item.properties.point_count;
    var size = count < 100 ? "s" : count < 10000 ? "m" : "l";
    var label = el("span", null, count >= 10000 ? Math.round(count / 1000) + "k" : formatNumber(count));
    var diameter = {s: 32, m: 40, l: 48}[size];
    var marker = L.marker([item.geometry.coordinates[1], item.geometry.coordinates[0]], {
      icon: L.divIcon({html: label, className: "geomap-cluster geomap-cluster-" + size,
                       iconSize: [diameter, diameter]}),
      title: formatNumber(count) + " incidents", keyboard: true
    });
    marker.on("click", function () {
      self.map.setView(marker.getLatLng(), self.index.getClusterExpansionZoom(item.properties.cluster_id));
    });
    return marker;
  };

  IncidentLayer.prototype.spotMarker = function (indices) {
    // Incidents at one spot (the same place name) cannot be split by zooming: list them.
    var self = this;
    var inc = this.inc;
    var total = 0;
    indices.forEach(function (i) { total += inc.weight[i]; });
    var marker = L.marker([inc.lat[indices[0]], inc.lon[indices[0]]], {
      icon: L.divIcon({html: el("span", null, formatNumber(total)), className: "geomap-cluster geomap-spot",
                       iconSize: [30, 30]}),
      title: formatNumber(total) + " incidents at this spot", keyboard: true
    });
    marker.bindPopup(function () {
      var box = el("div", "geomap-popup");
      box.appendChild(el("div", "geomap-popup-title", formatNumber(total) + " incidents at this spot"));
      var list = el("ul", "geomap-popup-list");
      indices.slice(0, 200).forEach(function (i) {
        var li = el("li");
        var button = el("button", "geomap-linkbutton", [dateText(inc, i), inc.cols.event_type.get(i)]
                        .filter(Boolean).join(" · "));
        button.type = "button";
        button.addEventListener("click", function () {
          L.popup({maxWidth: 340}).setLatLng([inc.lat[i], inc.lon[i]])
            .setContent(inc.aggregated ? cellPopup(self.data, inc, i) : incidentPopup(self.data, inc, i))
            .openOn(self.map);
        });
        li.appendChild(button);
        list.appendChild(li);
      });
      box.appendChild(list);
      if (indices.length > 200) box.appendChild(el("div", "geomap-popup-note", "First 200 shown."));
      return box;
    }, {maxWidth: 340});
    indices.forEach(function (i) { self.leaves[i] = marker; });
    return marker;
  };

  IncidentLayer.prototype.drawLeaf = function (i) {
    var inc = this.inc;
    var data = this.data;
    var colour = this.colours[inc.cols.event_type.get(i)] || data.otherColor;
    var latlng = [inc.lat[i], inc.lon[i]];
    var marker;
    if (inc.aggregated) {
      var dLat = inc.cellKm / 2 / 111.32;
      var dLon = dLat / Math.cos(latlng[0] * Math.PI / 180);
      marker = L.rectangle([[latlng[0] - dLat, latlng[1] - dLon], [latlng[0] + dLat, latlng[1] + dLon]], {
        color: colour, weight: 1, fillColor: colour, fillOpacity: 0.45
      });
      marker.bindPopup(function () { return cellPopup(data, inc, i); }, {maxWidth: 340});
      marker.bindTooltip(function () { return el("span", null, formatNumber(inc.weight[i]) + " incidents"); });
    } else {
      var fatalities = Number(inc.cols.fatalities.get(i)) || 0;
      var uncertain = inc.cols.side_uncertain.get(i);
      marker = L.circleMarker(latlng, {
        radius: 6 + Math.min(10, Math.sqrt(fatalities)), color: uncertain ? "#000" : "#222",
        weight: uncertain ? 2.5 : 1, dashArray: uncertain ? "3 3" : null, fillColor: colour, fillOpacity: 0.85
      });
      marker.bindPopup(function () { return incidentPopup(data, inc, i); }, {maxWidth: 340});
      marker.bindTooltip(function () {
        var place = inc.cols.place ? inc.cols.place.get(i) : "";
        return el("span", null, [dateText(inc, i), place, uncertain ? "(side uncertain)" : ""].filter(Boolean)
                  .join(" "));
      });
      this.drawUncertainty(i, colour);
    }
    this.leaves[i] = marker;
    this.markers.addLayer(marker);
  };

  IncidentLayer.prototype.drawUncertainty = function (i, colour) {
    // How far off the location may be: the province it stands for, or a radius by precision.
    var inc = this.inc;
    var style = {color: colour, weight: 1, dashArray: "4 4", fillColor: colour, fillOpacity: 0.08,
                 interactive: false};
    var kind = inc.cols.feature_kind ? inc.cols.feature_kind.get(i) : null;
    var province = inc.cols.province ? inc.cols.province.get(i) : null;
    if (kind === "province" && province && this.provinceShapes && this.provinceShapes[province]) {
      this.areas.addLayer(L.geoJSON(this.provinceShapes[province], {style: style, interactive: false}));
      return;
    }
    var precision = inc.cols.precision.get(i);
    var radius = precision === null ? null : this.data.precisionRadiusKm[precision];
    if (radius) this.areas.addLayer(L.circle([inc.lat[i], inc.lon[i]], Object.assign({radius: radius * 1000}, style)));
  };

  IncidentLayer.prototype.open = function (i) {
    // Zoom until the incident is drawn on its own, then open its popup.
    this.map.setView([this.inc.lat[i], this.inc.lon[i]], CLUSTER_MAX_ZOOM + 1, {animate: false});
    this.redraw();
    var inc = this.inc;
    L.popup({maxWidth: 340}).setLatLng([inc.lat[i], inc.lon[i]])
      .setContent(inc.aggregated ? cellPopup(this.data, inc, i) : incidentPopup(this.data, inc, i)).openOn(this.map);
    return Boolean(this.leaves[i]);
  };

  /* ---------- context layers ---------- */

  function addAreas(map, data, overlays) {
    var countries = L.geoJSON(data.countries, {
      attribution: "Border &amp; countries &copy; OpenStreetMap contributors (ODbL) · provinces: Natural Earth · " +
                   "places: GeoNames (CC-BY 4.0)",
      style: function (f) {
        return {color: "#777", weight: 1, fillColor: f.properties.fill, fillOpacity: data.offline ? 0.9 : 0.35};
      },
      interactive: false
    });
    countries.addTo(map);
    overlays[escapeHtml("Countries")] = countries;
    var shapes = {};
    var provinces = L.geoJSON(data.provinces, {
      style: {color: "#888", weight: 0.8, dashArray: "3 3", fill: true, fillOpacity: 0},
      onEachFeature: function (f, layer) {
        shapes[f.properties.name] = f;
        layer.bindTooltip(function () { return el("span", null, f.properties.name + " (" + f.properties.code + ")"); },
                          {sticky: true});
      }
    });
    provinces.addTo(map);
    overlays[escapeHtml("Provinces")] = provinces;
    var districts = L.layerGroup();
    data.districts.forEach(function (d) {
      var dot = L.circleMarker([d.lat, d.lon], {radius: 2.5, color: "#555", weight: 1, fillColor: "#fff",
                                                fillOpacity: 1});
      dot.bindTooltip(function () { return el("span", null, d.name + " (district seat, " + d.province + ")"); });
      districts.addLayer(dot);
    });
    overlays[escapeHtml("District seats (" + data.districts.length + ")")] = districts;
    return {provinces: provinces, shapes: shapes, districts: districts};
  }

  function addBands(map, data, overlays) {
    if (!data.bands.length) return null;
    var group = L.layerGroup();
    data.bands.forEach(function (band, k) {
      L.geoJSON(band.geometry, {
        interactive: false,
        style: {color: "#b3001b", weight: 0.7, opacity: 0.6, dashArray: "2 4", fillColor: "#b3001b",
                fillOpacity: 0.035 + 0.02 * k}
      }).addTo(group);
    });
    group.addTo(map);
    overlays[escapeHtml("Distance bands (" + data.bands.map(function (b) { return b.km; }).reverse().join(", ") +
                        " km)")] = group;
    return group;
  }

  function addSegments(map, data, overlays) {
    var group = L.layerGroup();
    var pieces = {};
    data.border.forEach(function (piece) {
      var line = L.polyline(piece.line, {color: SEGMENT_COLOURS[0], weight: 11, opacity: 0, lineCap: "butt"});
      line.bindTooltip(function () {
        return el("span", null, "Border km " + piece.from_km + "–" + piece.to_km + ": " +
                  formatNumber(piece.count || 0) + " incidents within " + data.segmentBandKm + " km, in view filters");
      }, {sticky: true});
      pieces[piece.index] = {piece: piece, line: line};
      group.addLayer(line);
    });
    group.addTo(map);
    overlays[escapeHtml("Incidents per " + data.segmentKm + " km of border")] = group;
    return function update(counts) {
      var max = 0;
      Object.keys(counts).forEach(function (k) { if (counts[k] > max) max = counts[k]; });
      Object.keys(pieces).forEach(function (k) {
        var n = counts[k] || 0;
        pieces[k].piece.count = n;
        var level = n === 0 ? -1 : Math.min(4, Math.floor(5 * Math.sqrt(n / max) - 1e-9));
        pieces[k].line.setStyle({opacity: level < 0 ? 0 : 0.85,
                                 color: SEGMENT_COLOURS[Math.max(0, level)]});
      });
      return max;
    };
  }

  function addBorder(map, data, overlays) {
    var line = L.polyline(data.border.map(function (p) { return p.line; }), {
      color: "#b3001b", weight: 3, opacity: 0.95, interactive: false
    });
    line.addTo(map);
    overlays[escapeHtml("Border: " + data.borderLabel)] = line;
    return line;
  }

  function addCrossings(map, data, overlays) {
    var group = L.layerGroup();
    data.crossings.forEach(function (c) {
      var marker = L.circleMarker([c.lat, c.lon], {radius: 5, color: "#111", weight: 2, fillColor: "#ffffff",
                                                    fillOpacity: 1});
      marker.bindTooltip(function () { return el("span", null, c.name); },
                         {permanent: true, direction: "right", offset: [6, 0], className: "geomap-label"});
      marker.bindPopup(function () {
        var box = el("div", "geomap-popup");
        box.appendChild(el("div", "geomap-popup-title", c.name));
        box.appendChild(el("div", "geomap-popup-sub", c.kind + (c.precision === "approx" ? ", approximate position" : "")));
        box.appendChild(el("div", "geomap-popup-text", "Coordinate source: " + c.source));
        return box;
      });
      group.addLayer(marker);
    });
    group.addTo(map);
    overlays[escapeHtml("Crossings and passes (" + data.crossings.length + ")")] = group;
    return group;
  }

  /* ---------- controls ---------- */

  function control(position, className, build) {
    var c = L.control({position: position});
    c.onAdd = function () {
      var box = el("div", "leaflet-control geomap-control " + className);
      build(box);
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      return box;
    };
    return c;
  }

  function addTimeControl(map, layer, state) {
    var inc = layer.inc;
    var widths = [["all", "All dates"], ["1", "1 day"], ["7", "7 days"], ["30", "30 days"]];
    var parts = {};
    var c = control("topleft", "geomap-time", function (box) {
      var head = el("div", "geomap-time-head");
      parts.play = el("button", "geomap-button", "▶");
      parts.play.type = "button";
      parts.play.title = "Play through time";
      parts.width = el("select");
      parts.width.title = "Time window";
      widths.forEach(function (w) { var o = el("option", null, w[1]); o.value = w[0]; parts.width.appendChild(o); });
      head.appendChild(parts.play);
      head.appendChild(parts.width);
      parts.label = el("span", "geomap-time-label");
      head.appendChild(parts.label);
      box.appendChild(head);
      parts.slider = el("input");
      parts.slider.type = "range";
      parts.slider.min = "0";
      parts.slider.max = String(inc.lastDay);
      parts.slider.value = String(inc.lastDay);
      parts.slider.title = "Last day of the window";
      parts.slider.disabled = inc.day0 === null;
      box.appendChild(parts.slider);
      parts.count = el("div", "geomap-time-count");
      box.appendChild(parts.count);
    });
    c.addTo(map);

    var pending = false;
    function apply() {
      setWindow();
      if (!pending) {
        pending = true;
        requestAnimationFrame(function () { pending = false; layer.rebuild(); });
      }
    }
    function setWindow() {
      var width = parts.width.value;
      var end = Number(parts.slider.value);
      if (width === "all") {
        layer.filter.from = layer.filter.to = null;
        parts.label.textContent = inc.day0 === null ? "no dates" :
          dayLabel(inc, 0) + " – " + dayLabel(inc, inc.lastDay);
      } else {
        layer.filter.to = end;
        layer.filter.from = end - Number(width) + 1;
        parts.label.textContent = width === "1" ? dayLabel(inc, end) :
          dayLabel(inc, layer.filter.from) + " – " + dayLabel(inc, end);
      }
    }
    function count(l) {
      var text = formatNumber(l.stats.weight) + " of " + formatNumber(state.count) + " incidents shown";
      if (l.stats.imprecise && layer.filter.from !== null) {
        text += "; " + formatNumber(l.stats.imprecise) + " dated only to a week or month overlap this window";
      }
      parts.count.textContent = text;
    }
    layer.listeners.push(count);
    parts.width.addEventListener("change", apply);
    parts.slider.addEventListener("input", function () {
      if (parts.width.value === "all") parts.width.value = "7";
      apply();
    });
    var timer = null;
    function stop() { clearInterval(timer); timer = null; parts.play.textContent = "▶"; }
    parts.play.addEventListener("click", function () {
      if (timer) { stop(); return; }
      if (parts.width.value === "all") parts.width.value = "7";
      if (Number(parts.slider.value) >= inc.lastDay) parts.slider.value = String(Number(parts.width.value) - 1);
      parts.play.textContent = "❚❚";
      apply();
      timer = setInterval(function () {
        var next = Number(parts.slider.value) + Math.max(1, Math.round(Number(parts.width.value) / 7));
        if (next > inc.lastDay) { stop(); return; }
        parts.slider.value = String(next);
        apply();
      }, 700);
    });
    setWindow();
    return {
      set: function (endDay, width) {
        parts.width.value = String(width);
        parts.slider.value = String(endDay);
        setWindow();
        layer.rebuild();
      }
    };
  }

  function addLegend(map, data, layer, segmentsMax) {
    var counts = {};
    var c = control("bottomright", "geomap-legend", function (box) {
      box.appendChild(el("div", "geomap-legend-title", data.title));
      box.appendChild(el("div", "geomap-legend-head", "Event type"));
      data.categories.forEach(function (cat) {
        var code = layer.inc.cols.event_type.dict.indexOf(cat.name) + 1;
        counts[cat.name] = box.appendChild(toggleRow(swatch(null, cat.color), cat.name, function (on) {
          layer.filter.types[code] = !on;
          layer.rebuild();
        }, "type"));
      });
      if (data.sides.length > 1) {
        box.appendChild(el("div", "geomap-legend-head", "Side"));
        data.sides.forEach(function (side) {
          var code = side.code === null ? 0 : layer.inc.cols.side.dict.indexOf(side.code) + 1;
          box.appendChild(toggleRow(null, side.name + " (" + formatNumber(side.count) + ")", function (on) {
            layer.filter.sides[code] = !on;
            layer.rebuild();
          }, "side"));
        });
      }
      box.appendChild(el("div", "geomap-legend-head", "Map"));
      box.appendChild(symbolRow(swatch("geomap-swatch-line"), "Afghanistan–Pakistan border"));
      if (data.bands.length) {
        box.appendChild(symbolRow(swatch("geomap-swatch-band"), "Within " + data.bands.map(function (b) {
          return b.km; }).reverse().join(" / ") + " km of the border"));
      }
      var ramp = el("span", "geomap-ramp");
      SEGMENT_COLOURS.forEach(function (colour) { ramp.appendChild(swatch("geomap-ramp-step", colour)); });
      var segmentRow = symbolRow(ramp, "");
      segmentsMax.label = segmentRow.lastChild;
      box.appendChild(segmentRow);
      box.appendChild(symbolRow(swatch("geomap-swatch-crossing"), "Crossing or pass"));
      if (layer.inc.aggregated) {
        box.appendChild(symbolRow(swatch("geomap-swatch-cell"), "Grid cell of " + layer.inc.cellKm +
                                  " km: incidents counted by " + data.incidents.period));
      } else {
        box.appendChild(symbolRow(swatch("geomap-swatch-area"), "Where it may have been (location precision)"));
        box.appendChild(symbolRow(swatch("geomap-swatch-uncertain"), "Side uncertain: precision reaches the border"));
      }
      box.appendChild(symbolRow(swatch("geomap-swatch-cluster"), "Cluster: click to zoom in"));
      box.appendChild(el("div", "geomap-legend-note", data.summary + "."));
      if (!layer.inc.aggregated) box.appendChild(el("div", "geomap-legend-note", "Marker size grows with fatalities."));
    });
    c.addTo(map);
    layer.listeners.push(function (l) {
      data.categories.forEach(function (cat) {
        var code = l.inc.cols.event_type.dict.indexOf(cat.name) + 1;
        counts[cat.name].querySelector(".geomap-toggle-text").textContent =
          cat.name + " (" + formatNumber(l.stats.byType[code] || 0) + ")";
      });
    });
    return c;
  }

  function toggleRow(symbol, text, onChange, group) {
    var label = el("label", "geomap-legend-row geomap-toggle");
    var box = el("input");
    box.type = "checkbox";
    box.checked = true;
    box.dataset.group = group;
    box.addEventListener("change", function () { onChange(box.checked); });
    label.appendChild(box);
    if (symbol) label.appendChild(symbol);
    label.appendChild(el("span", "geomap-toggle-text", text));
    return label;
  }

  function symbolRow(symbol, text) {
    var line = el("div", "geomap-legend-row");
    line.appendChild(symbol);
    line.appendChild(el("span", null, text));
    return line;
  }

  function addSearch(map, data, layer, areas) {
    var inc = layer.inc;
    var targets = {};
    function add(name, go) { if (name && !targets[name.toLowerCase()]) targets[name.toLowerCase()] = {name: name, go: go}; }
    if (inc.cols.place && inc.cols.place.raw) {
      var first = {};
      for (var i = 0; i < inc.n; i++) { var k = inc.cols.place.raw[i]; if (k && first[k] === undefined) first[k] = i; }
      Object.keys(first).forEach(function (k) {
        var i = first[k];
        add(inc.cols.place.dict[k - 1], function () { layer.open(i); });
      });
    }
    data.crossings.forEach(function (c) { add(c.name, function () { map.setView([c.lat, c.lon], 11); }); });
    areas.provinces.eachLayer(function (p) {
      add(p.feature.properties.name, function () { map.fitBounds(p.getBounds()); });
    });
    data.districts.forEach(function (d) { add(d.name, function () { map.setView([d.lat, d.lon], 10); }); });
    var parts = {};
    var c = control("topleft", "geomap-search", function (box) {
      parts.input = el("input");
      parts.input.type = "search";
      parts.input.placeholder = "Find a place, crossing, province…";
      parts.input.setAttribute("list", "geomap-places");
      parts.input.setAttribute("aria-label", "Find a place");
      var list = el("datalist");
      list.id = "geomap-places";
      Object.keys(targets).sort().forEach(function (k) { var o = el("option"); o.value = targets[k].name; list.appendChild(o); });
      parts.message = el("div", "geomap-search-message");
      box.appendChild(parts.input);
      box.appendChild(list);
      box.appendChild(parts.message);
    });
    c.addTo(map);
    function find(text) {
      var q = text.trim().toLowerCase();
      if (!q) return false;
      var hit = targets[q];
      if (!hit) {
        var keys = Object.keys(targets).sort();
        var key = keys.filter(function (k) { return k.indexOf(q) === 0; })[0] ||
                  keys.filter(function (k) { return k.indexOf(q) >= 0; })[0];
        hit = key ? targets[key] : null;
      }
      parts.message.textContent = hit ? "" : "No place called “" + text + "” on this map";
      if (hit) hit.go();
      return Boolean(hit);
    }
    parts.input.addEventListener("change", function () { find(parts.input.value); });
    parts.input.addEventListener("keydown", function (e) { if (e.key === "Enter") find(parts.input.value); });
    return find;
  }

  function barButton(className, text, title, onClick) {
    var button = el("a", className, text);
    button.href = "#";
    button.title = title;
    button.setAttribute("role", "button");
    L.DomEvent.on(button, "click", function (e) {
      L.DomEvent.preventDefault(e);
      onClick(button);
    });
    return button;
  }

  function addButtons(map) {
    var container = map.getContainer();
    var measure = {active: false, points: [], line: null};
    var c = control("topleft", "geomap-buttons leaflet-bar", function (box) {
      var full = barButton("geomap-fullscreen-button", "⛶", "Full screen", function () {
        if (document.fullscreenElement) document.exitFullscreen();
        else if (container.requestFullscreen) {
          container.requestFullscreen().catch(function () { container.classList.toggle("geomap-fullscreen"); });
        } else container.classList.toggle("geomap-fullscreen");
        setTimeout(function () { map.invalidateSize(); }, 200);
      });
      var ruler = barButton("geomap-measure-button", "↔",
                            "Measure a distance: click points on the map, click here again to stop", function () {
        measure.active = !measure.active;
        ruler.classList.toggle("geomap-active", measure.active);
        container.classList.toggle("geomap-measuring", measure.active);
        if (!measure.active) {
          if (measure.line) map.removeLayer(measure.line.unbindTooltip());  // a permanent label outlives its line
          measure.points = [];
          measure.line = null;
        }
      });
      box.appendChild(full);
      box.appendChild(ruler);
    });
    c.addTo(map);
    document.addEventListener("fullscreenchange", function () { map.invalidateSize(); });
    map.on("click", function (e) {
      if (!measure.active) return;
      measure.points.push(e.latlng);
      if (!measure.line) measure.line = L.polyline([], {color: "#111", weight: 2, dashArray: "6 4"}).addTo(map);
      measure.line.setLatLngs(measure.points);
      var total = 0;
      for (var k = 1; k < measure.points.length; k++) total += map.distance(measure.points[k - 1], measure.points[k]);
      var label = el("span", null, (total / 1000).toFixed(1) + " km (great circle)");
      // One label per line, moved to the latest point: binding anew each click left the old labels behind.
      if (measure.line.getTooltip()) measure.line.setTooltipContent(label);
      else measure.line.bindTooltip(label, {permanent: true, className: "geomap-measure-label"});
      measure.line.openTooltip(e.latlng);
    });
    return measure;
  }

  function addMinimap(map, data) {
    var c = control("topright", "geomap-minimap", function () {});
    c.addTo(map);
    var box = c.getContainer();
    var mini = L.map(box, {attributionControl: false, zoomControl: false, dragging: false, scrollWheelZoom: false,
                           doubleClickZoom: false, boxZoom: false, keyboard: false, touchZoom: false,
                           preferCanvas: true});
    mini.setView(map.getCenter(), Math.max(1, map.getZoom() - 4), {animate: false});
    L.geoJSON(data.countries, {interactive: false, style: function (f) {
      return {color: "#999", weight: 0.5, fillColor: f.properties.fill, fillOpacity: 0.9};
    }}).addTo(mini);
    L.polyline(data.border.map(function (p) { return p.line; }), {color: "#b3001b", weight: 1.5,
                                                                  interactive: false}).addTo(mini);
    var view = L.rectangle(map.getBounds(), {color: "#1f4e79", weight: 1.5, fillOpacity: 0.1, interactive: false})
      .addTo(mini);
    function sync() {
      mini.setView(map.getCenter(), Math.max(1, map.getZoom() - 4), {animate: false});
      view.setBounds(map.getBounds());
    }
    mini.on("click", function (e) { map.panTo(e.latlng); });
    map.on("moveend", sync);
    return sync;
  }

  /* ---------- the page ---------- */

  window.geomapRender = function (map, tiles, data) {
    var started = performance.now();
    var base = {};
    if (tiles) base[escapeHtml(data.tilesLabel)] = tiles;
    if (data.offline) map.getContainer().classList.add("geomap-offline");
    var overlays = {};
    var colours = {};
    data.categories.forEach(function (c) { colours[c.name] = c.color; });
    var inc = decode(data);

    var areas = addAreas(map, data, overlays);
    addBands(map, data, overlays);
    var updateSegments = addSegments(map, data, overlays);
    addBorder(map, data, overlays);
    addCrossings(map, data, overlays);

    var layer = new IncidentLayer(map, data, inc, colours);
    layer.provinceShapes = areas.shapes;
    layer.areas.addTo(map);
    layer.markers.addTo(map);
    overlays[escapeHtml(inc.aggregated ? "Incidents, counted in grid cells" : "Incidents")] = layer.markers;
    overlays[escapeHtml("Location uncertainty")] = layer.areas;
    var heat = L.heatLayer([], {radius: 18, blur: 16, maxZoom: 9, minOpacity: 0.25});
    overlays[escapeHtml("Heatmap")] = heat;

    var state = {map: map, layer: layer, heat: heat, count: 0, visible: 0, ready: false,
                 aggregated: inc.aggregated, cellKm: inc.cellKm, drawn: inc.n};
    for (var i = 0; i < inc.n; i++) state.count += inc.weight[i];

    var segmentsMax = {};
    layer.listeners.push(function (l) {
      state.visible = l.stats.weight;
      var max = updateSegments(l.stats.bySegment);
      if (segmentsMax.label) {
        segmentsMax.label.textContent = "Incidents within " + data.segmentBandKm + " km, per " + data.segmentKm +
          " km of border (up to " + formatNumber(max) + ")";
      }
      if (map.hasLayer(heat)) refreshHeat();
    });
    function refreshHeat() {
      var shown = layer.shown;
      var points = new Array(shown.length);
      var max = 0;
      for (var k = 0; k < shown.length; k++) {
        var j = shown[k].properties.i;
        points[k] = [inc.lat[j], inc.lon[j], inc.weight[j]];
        if (inc.weight[j] > max) max = inc.weight[j];
      }
      heat.setOptions({max: Math.max(1, Math.sqrt(state.visible) / 4, max / 4)});
      heat.setLatLngs(points);
    }
    map.on("overlayadd", function (e) { if (e.layer === heat) refreshHeat(); if (e.layer === layer.markers) layer.redraw(); });
    map.on("moveend", function () { layer.redraw(); });
    map.on("zoomend", function () {
      map.getContainer().classList.toggle("geomap-show-labels", map.getZoom() >= 7);
    });

    L.control.layers(base, overlays, {collapsed: true, position: "topright"}).addTo(map);
    addButtons(map);
    var find = addSearch(map, data, layer, areas);
    var time = addTimeControl(map, layer, state);
    L.control.scale({imperial: false, position: "bottomleft"}).addTo(map);
    addLegend(map, data, layer, segmentsMax);

    // Keep the border clear of the legend on the right and the tools on the left.
    var legendWidth = document.querySelector(".geomap-legend").offsetWidth;
    // Not animated: "ready" must mean the view is set (a search right after it would be dropped mid-animation).
    map.fitBounds(data.bounds, {paddingTopLeft: [60, 20], paddingBottomRight: [legendWidth + 10, 20], animate: false});
    map.getContainer().classList.toggle("geomap-show-labels", map.getZoom() >= 7);
    layer.rebuild();
    setTimeout(function () { addMinimap(map, data)(); }, 0);  // not needed to read the map: after ready

    Object.assign(state, {
      ready: true, readyMs: performance.now(), buildMs: performance.now() - started,
      setWindow: time.set, find: find,
      open: function (i) { return layer.open(i); },
      clusters: function () { return document.querySelectorAll(".geomap-cluster").length; }
    });
    window.geomapState = state;
    document.documentElement.setAttribute("data-geomap-ready", "1");
  };
})();
