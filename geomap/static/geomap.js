/* geomap's map layers. Data arrives as JSON (never as HTML); every text from the data is
   put on the page with textContent or escaped, so a description holding markup or script
   is shown as text and runs nothing. */
(function () {
  "use strict";

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

  function incidentPopup(inc, i) {
    var box = el("div", "geomap-popup");
    box.appendChild(el("div", "geomap-popup-title", inc.place[i] || "(no place name)"));
    var when = [inc.date[i], inc.event_type[i]].filter(Boolean).join(" · ");
    if (when) box.appendChild(el("div", "geomap-popup-sub", when));
    if (inc.description[i]) box.appendChild(el("p", "geomap-popup-text", inc.description[i]));
    var table = el("table", "geomap-popup-table");
    row(table, "Fatalities", inc.fatalities[i]);
    row(table, "Located as", inc.gazetteer_name[i] ? inc.gazetteer_name[i] + " (" + inc.feature_kind[i] + ")" : null);
    row(table, "Precision", inc.precision_label[i]);
    row(table, "Geocoding", inc.geocode_status[i]);
    row(table, "Side", inc.side[i]);
    row(table, "Province", inc.province[i]);
    row(table, "District (approx.)", inc.district[i]);
    row(table, "To border", km(inc.border_distance_km[i]));
    row(table, "Along border", km(inc.border_position_km[i]) ? km(inc.border_position_km[i]) + " from the north end" : null);
    row(table, "Nearest crossing", inc.nearest_crossing[i] ? inc.nearest_crossing[i] + " (" + km(inc.crossing_distance_km[i]) + ")" : null);
    box.appendChild(table);
    var href = safeUrl(inc.source_url[i]);
    if (href) {
      var link = el("a", "geomap-popup-link", inc.source_name[i] || "Source");
      link.href = href;
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      box.appendChild(link);
    } else if (inc.source_name[i]) {
      box.appendChild(el("div", "geomap-popup-sub", "Source: " + inc.source_name[i]));
    }
    return box;
  }

  function addIncidents(map, data, overlays) {
    var inc = data.incidents;
    var colours = {};
    data.categories.forEach(function (c) { colours[c.name] = c.color; });
    var group = L.markerClusterGroup({chunkedLoading: true, showCoverageOnHover: false, maxClusterRadius: 40});
    var markers = [];
    for (var i = 0; i < inc.lat.length; i++) {
      var colour = colours[inc.event_type[i]] || data.otherColor;
      var radius = 6 + Math.min(10, Math.sqrt(Number(inc.fatalities[i]) || 0));
      var marker = L.circleMarker([inc.lat[i], inc.lon[i]], {
        radius: radius, color: "#222", weight: 1, fillColor: colour, fillOpacity: 0.85,
        className: "geomap-incident"
      });
      (function (k) {
        marker.bindPopup(function () { return incidentPopup(inc, k); }, {maxWidth: 340});
        marker.bindTooltip(function () { return el("span", null, (inc.date[k] || "") + " " + (inc.place[k] || "")); });
      })(i);
      markers.push(marker);
    }
    group.addLayers(markers);
    group.addTo(map);
    overlays[escapeHtml("Incidents (" + markers.length + ")")] = group;
    return group;
  }

  function addBorder(map, data, overlays) {
    var line = L.polyline(data.border, {color: "#b3001b", weight: 3, opacity: 0.9, className: "geomap-border"});
    line.bindTooltip(function () { return el("span", null, data.borderLabel); }, {sticky: true});
    line.addTo(map);
    overlays[escapeHtml("Border: " + data.borderLabel)] = line;
    return line;
  }

  function addCrossings(map, data, overlays) {
    var group = L.layerGroup();
    data.crossings.forEach(function (c) {
      var marker = L.circleMarker([c.lat, c.lon], {
        radius: 5, color: "#111", weight: 2, fillColor: "#ffffff", fillOpacity: 1, className: "geomap-crossing"
      });
      marker.bindTooltip(function () { return el("span", null, c.name + " (" + c.kind + ")"); });
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

  function addAreas(map, data, overlays) {
    var countries = L.geoJSON(data.countries, {
      attribution: "Border &amp; countries &copy; OpenStreetMap contributors (ODbL) · provinces: Natural Earth · " +
                   "places: GeoNames (CC-BY 4.0)",
      style: function (f) {
        return {color: "#666", weight: 1, fillColor: f.properties.fill, fillOpacity: 0.35, interactive: false};
      }
    });
    countries.addTo(map);
    overlays[escapeHtml("Countries")] = countries;
    var provinces = L.geoJSON(data.provinces, {
      style: {color: "#777", weight: 0.8, dashArray: "3 3", fill: true, fillOpacity: 0},
      onEachFeature: function (f, layer) {
        layer.bindTooltip(function () { return el("span", null, f.properties.name + " (" + f.properties.code + ")"); },
                          {sticky: true});
      }
    });
    provinces.addTo(map);
    overlays[escapeHtml("Provinces")] = provinces;
  }

  function addLegend(map, data) {
    var legend = L.control({position: "bottomright"});
    legend.onAdd = function () {
      var box = el("div", "geomap-legend leaflet-control");
      box.appendChild(el("div", "geomap-legend-title", data.title));
      data.categories.forEach(function (c) {
        var line = el("div", "geomap-legend-row");
        var swatch = el("span", "geomap-swatch");
        swatch.style.background = c.color;
        line.appendChild(swatch);
        line.appendChild(el("span", null, c.name + " (" + c.count + ")"));
        box.appendChild(line);
      });
      var border = el("div", "geomap-legend-row");
      border.appendChild(el("span", "geomap-swatch geomap-swatch-line"));
      border.appendChild(el("span", null, "Afghanistan–Pakistan border"));
      box.appendChild(border);
      var crossing = el("div", "geomap-legend-row");
      crossing.appendChild(el("span", "geomap-swatch geomap-swatch-crossing"));
      crossing.appendChild(el("span", null, "Crossing or pass"));
      box.appendChild(crossing);
      box.appendChild(el("div", "geomap-legend-note", data.summary));
      box.appendChild(el("div", "geomap-legend-note", "Marker size grows with reported fatalities."));
      L.DomEvent.disableClickPropagation(box);
      return box;
    };
    legend.addTo(map);
  }

  window.geomapRender = function (map, tiles, data) {
    var base = {};
    if (tiles) base[escapeHtml(data.tilesLabel)] = tiles;
    var overlays = {};
    addAreas(map, data, overlays);
    addBorder(map, data, overlays);
    addCrossings(map, data, overlays);
    var incidents = addIncidents(map, data, overlays);
    L.control.layers(base, overlays, {collapsed: true}).addTo(map);
    L.control.scale({imperial: false}).addTo(map);
    addLegend(map, data);
    map.fitBounds(data.bounds, {padding: [24, 24]});
    window.geomapState = {map: map, incidents: incidents, count: data.incidents.lat.length};
  };
})();
