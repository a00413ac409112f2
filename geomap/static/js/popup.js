/* geomap — popups: every field of an incident (decoded when the popup opens), a grid cell's
   totals, or the incidents sharing one spot. Popups stay inside the part of the screen no control
   covers, and scroll when taller than it. */
(function (geomap) {
  "use strict";

  var util = geomap.util;
  var el = util.el;
  var FIELDS = ["place", "description", "sub_event_type", "actors", "source", "gazetteer_name", "feature_kind",
                "geocode_status", "province", "district", "border_distance_km", "border_position_km",
                "nearest_crossing", "crossing_distance_km", "source_name", "source_url"];

  function row(table, label, value) {
    if (value === null || value === undefined || value === "") return;
    var tr = el("tr");
    tr.appendChild(el("th", null, label));
    tr.appendChild(el("td", null, value));
    table.appendChild(tr);
  }

  /**
   * Room for a popup at `latlng`: clear of the controls above it (search, tools, the table), the
   * time bar below and the legend on the right, and scrolling when taller than what is left.
   */
  function options(app, latlng) {
    var map = app.map;
    var box = map.getContainer().getBoundingClientRect();
    var phone = box.width < 640;
    var top = 10;
    var bottom = phone ? 40 : 10;
    var right = 10;
    var width = Math.max(180, Math.min(340, box.width - 80));  // the content; the frame adds ~50 px
    if (!phone) {
      var x = latlng ? box.left + map.latLngToContainerPoint(latlng).x : box.left + box.width / 2;
      var left = x - width / 2 - 30;
      var end = x + width / 2 + 30;
      document.querySelectorAll(".leaflet-top .leaflet-control").forEach(function (c) {
        var r = c.getBoundingClientRect();
        if (r.height && r.right > left && r.left < end) top = Math.max(top, r.bottom - box.top + 10);
      });
      var bar = document.querySelector(".geomap-time");
      if (bar && bar.offsetHeight) bottom = Math.max(bottom, box.bottom - bar.getBoundingClientRect().top + 10);
      var legend = document.querySelector(".geomap-legend");
      if (legend && legend.offsetHeight) right = Math.max(right, legend.getBoundingClientRect().width + 20);
      width = Math.max(180, Math.min(width, box.width - right - 80));
    }
    return {maxWidth: width, minWidth: Math.min(220, width),
            maxHeight: Math.max(120, Math.min(box.height * (phone ? 0.55 : 0.9), box.height - top - bottom - 90)),
            autoPanPaddingTopLeft: [10, top], autoPanPaddingBottomRight: [right, bottom], className: "geomap-popup-box"};
  }

  function sideText(app, code) {
    return app.sideNames[code] || code;
  }

  function incident(app, i) {
    var inc = app.inc;
    var data = app.data;
    var c = inc.cols;
    var get = function (name) { return inc.loaded(name).get(i); };
    var box = el("div", "geomap-popup");
    box.appendChild(el("div", "geomap-popup-title", get("place") || (inc.has("place") ? "(no place name)" : "Incident")));
    var when = [geomap.time.dateText(inc.day0, inc.start[i], inc.end[i]), c.event_type.get(i), get("sub_event_type")]
      .filter(Boolean).join(" · ");
    if (when) box.appendChild(el("div", "geomap-popup-sub", when));
    if (get("description")) box.appendChild(el("p", "geomap-popup-text", get("description")));
    var table = el("table", "geomap-popup-table");
    row(table, "Fatalities", c.fatalities.get(i));
    row(table, "Actors", get("actors") ? get("actors").split("|").join("; ") : null);
    var kind = get("feature_kind");
    row(table, "Located as", get("gazetteer_name") ? get("gazetteer_name") + (kind ? " (" + kind + ")" : "") : null);
    var precision = c.precision.get(i);
    if (precision !== null && data.precisionLabel[precision]) {
      row(table, "Precision", data.precisionLabel[precision] + ", within about " + data.precisionRadiusKm[precision] +
          " km");
    }
    row(table, "Geocoding", get("geocode_status"));
    var side = c.side.get(i);
    row(table, "Side", side ? sideText(app, side) + (c.side_uncertain.get(i) ? " — side uncertain: the location's " +
        "precision reaches the border" : "") : null);
    row(table, "Province", get("province"));
    row(table, "District (approx.)", get("district"));
    row(table, "To border", util.km(get("border_distance_km")));
    var along = util.km(get("border_position_km"));
    row(table, "Along border", along ? along + " from the north end" : null);
    var crossing = get("nearest_crossing");
    var crossingKm = util.km(get("crossing_distance_km"));
    row(table, "Nearest crossing", crossing ? crossing + (crossingKm ? " (" + crossingKm + ")" : "") : null);
    row(table, "Dataset", get("source") !== get("source_name") ? get("source") : null);
    box.appendChild(table);
    var href = util.safeUrl(get("source_url"));
    var sourceName = get("source_name");
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
      box.appendChild(el("div", "geomap-popup-note", "Left out of this page by its popup budget: " +
                         inc.omitted.join(", ") + " (see the table from `geomap join`, or raise --popup-budget)."));
    }
    return box;
  }

  function cell(app, i) {
    var inc = app.inc;
    var c = inc.cols;
    var box = el("div", "geomap-popup");
    box.appendChild(el("div", "geomap-popup-title", util.formatNumber(inc.weight[i]) + " incidents in a " +
                       inc.cellKm + " km cell"));
    box.appendChild(el("div", "geomap-popup-sub", [geomap.time.dateText(inc.day0, inc.start[i], inc.end[i], inc.period),
                                                   c.event_type.get(i)].filter(Boolean).join(" · ")));
    var table = el("table", "geomap-popup-table");
    row(table, "Side", c.side.get(i) ? sideText(app, c.side.get(i)) : null);
    row(table, "Fatalities", c.fatalities.get(i));
    row(table, "Side uncertain", c.uncertain.get(i) ? util.formatNumber(c.uncertain.get(i)) + " of them" : null);
    box.appendChild(table);
    return box;
  }

  /**
   * Open incident (or cell) i's popup at its position, once its fields are decoded: laid out and
   * panned into view once, with all its content (a Promise of the popup).
   */
  function open(app, i) {
    var inc = app.inc;
    var latlng = L.latLng(inc.lat[i], inc.lon[i]);
    var ready = inc.aggregated ? Promise.resolve() : inc.fields(FIELDS);
    return ready.then(function () {
      var popup = L.popup(options(app, latlng)).setLatLng(latlng);
      popup.geomapIndex = i;
      return popup.setContent(inc.aggregated ? cell(app, i) : incident(app, i)).openOn(app.map);
    });
  }

  /** The list of incidents at one spot, each a button that opens its popup. */
  function spotList(app, indices) {
    var inc = app.inc;
    var box = el("div", "geomap-popup");
    var total = 0;
    indices.forEach(function (i) { total += inc.weight[i]; });
    box.appendChild(el("div", "geomap-popup-title", util.formatNumber(total) + " incidents at this spot"));
    var list = el("ul", "geomap-popup-list");
    indices.slice(0, 200).forEach(function (i) {
      var li = el("li");
      var button = el("button", "geomap-linkbutton", [geomap.time.dateText(inc.day0, inc.start[i], inc.end[i],
                                                                          inc.aggregated ? inc.period : null),
                                                      inc.cols.event_type.get(i)].filter(Boolean).join(" · "));
      button.type = "button";
      button.addEventListener("click", function () { open(app, i); });
      li.appendChild(button);
      list.appendChild(li);
    });
    box.appendChild(list);
    if (indices.length > 200) box.appendChild(el("div", "geomap-popup-note", "First 200 shown."));
    return box;
  }

  geomap.popup = {FIELDS: FIELDS, options: options, incident: incident, cell: cell, open: open, spotList: spotList};
})(globalThis.geomap = globalThis.geomap || {});
