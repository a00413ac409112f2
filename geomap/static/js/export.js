/* geomap — the filtered incidents as files: CSV and GeoJSON, every field the page carries, one
   row per incident shown (for a grid-cell map, one row per cell). Values are written as they are:
   nothing is rounded beyond what the page holds (coordinates to ~50 m, distances to 0.1 km). One
   exception, in the CSV only: a text that a spreadsheet would run as a formula (it starts with
   = + - @, a tab or a carriage return) gets a leading apostrophe, as OWASP advises against CSV
   injection; the GeoJSON keeps every value untouched. */
(function (geomap) {
  "use strict";

  var time = geomap.time;
  var POPUP = ["place", "border_distance_km", "province", "nearest_crossing", "crossing_distance_km",
               "border_position_km", "district", "gazetteer_name", "feature_kind", "geocode_status", "source_name",
               "description", "source_url"];

  /** The fields an export holds, each {name, value(i)}; needs every lazy field decoded first. */
  function fields(inc, sides) {
    var c = inc.cols;
    var day = function (d) { return isNaN(d) || inc.day0 === null ? null : time.isoDay(inc.day0, d); };
    var list = [];
    if (!inc.aggregated) list.push({name: "input_row", value: function (i) { return c.row.raw ? c.row.get(i) + 1 : null; }});
    list.push({name: "event_date", value: function (i) { return day(inc.start[i]); }},
              {name: "event_date_end", value: function (i) { return day(inc.end[i]); }},
              {name: "event_type", value: function (i) { return c.event_type.get(i); }});
    if (inc.aggregated) {
      list.push({name: "period", value: function () { return inc.period; }},
                {name: "cell_km", value: function () { return inc.cellKm; }},
                {name: "count", value: function (i) { return inc.weight[i]; }},
                {name: "side_uncertain_count", value: function (i) { return c.uncertain.get(i); }});
    } else {
      ["sub_event_type", "actors"].forEach(function (name) {
        if (inc.has(name)) list.push({name: name, value: function (i) { return inc.loaded(name).get(i); }});
      });
    }
    list.push({name: "fatalities", value: function (i) { return c.fatalities.get(i); }},
              {name: "side", value: function (i) { return c.side.get(i); }},
              {name: "side_name", value: function (i) { return sides[c.side.get(i)] || null; }});
    if (!inc.aggregated) {
      list.push({name: "side_uncertain", value: function (i) { return c.side_uncertain.get(i); }},
                {name: "geo_precision", value: function (i) { return c.precision.get(i); }});
    }
    list.push({name: "latitude", value: function (i) { return +inc.lat[i].toFixed(5); }},
              {name: "longitude", value: function (i) { return +inc.lon[i].toFixed(5); }});
    if (inc.has("source") && !inc.aggregated) {
      list.push({name: "source_dataset", value: function (i) { return inc.loaded("source").get(i); }});
    }
    POPUP.forEach(function (name) {
      if (inc.has(name)) list.push({name: name, value: function (i) { return inc.loaded(name).get(i); }});
    });
    return list;
  }

  /** Every field an export needs decoded. */
  function needs(inc) {
    return ["sub_event_type", "actors", "source"].concat(POPUP).filter(inc.has);
  }

  function csvCell(value) {
    if (value === null || value === undefined) return "";
    var text = String(value);
    if (typeof value === "string" && /^[=+\-@\t\r]/.test(text)) text = "'" + text;  // never a formula
    return /[",\r\n]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
  }

  /** RFC 4180 CSV, header first, CRLF line ends. */
  function csv(inc, indices, count, list) {
    var lines = [list.map(function (f) { return csvCell(f.name); }).join(",")];
    for (var k = 0; k < count; k++) {
      var i = indices[k];
      lines.push(list.map(function (f) { return csvCell(f.value(i)); }).join(","));
    }
    return lines.join("\r\n") + "\r\n";
  }

  /** A GeoJSON FeatureCollection of points (WGS84), one feature per row with every field. */
  function geojson(inc, indices, count, list) {
    var features = new Array(count);
    for (var k = 0; k < count; k++) {
      var i = indices[k];
      var properties = {};
      list.forEach(function (f) { if (f.name !== "latitude" && f.name !== "longitude") properties[f.name] = f.value(i); });
      features[k] = {type: "Feature", properties: properties,
                     geometry: {type: "Point", coordinates: [+inc.lon[i].toFixed(5), +inc.lat[i].toFixed(5)]}};
    }
    return JSON.stringify({type: "FeatureCollection", features: features});
  }

  geomap.exporter = {fields: fields, needs: needs, csv: csv, geojson: geojson, POPUP: POPUP};
})(globalThis.geomap = globalThis.geomap || {});
