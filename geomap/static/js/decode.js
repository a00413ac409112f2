/* geomap — the page's data: packed columns (geomap/render/pack.py) into typed arrays.
   Compressed parts are inflated by the browser's own DecompressionStream, and a popup or
   filter field only when something first needs it, so a page of 100,000 incidents opens fast. */
(function (geomap) {
  "use strict";

  /** Columns read when the page opens; the rest (filter and popup fields) on demand. */
  var CORE = ["lat", "lon", "day", "span", "event_type", "side", "fatalities", "segment", "crossing", "count",
              "uncertain", "side_uncertain", "precision", "row"];

  function base64Bytes(text) {
    var binary = atob(text);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  }

  function inflate(bytes) {
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate"));
    return new Response(stream).arrayBuffer().then(function (buffer) { return new Uint8Array(buffer); });
  }

  function utf8(bytes) {
    return new TextDecoder("utf-8").decode(bytes);
  }

  /** A block written by pack.pack_json: base64 of zlib-compressed JSON. */
  function unpackJson(text) {
    return inflate(base64Bytes(text)).then(function (bytes) { return JSON.parse(utf8(bytes)); });
  }

  function typed(kind, bytes) {
    var buffer = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes.buffer :
      bytes.slice().buffer;
    if (kind === "u2") return new Uint16Array(buffer);
    if (kind === "u4") return new Uint32Array(buffer);
    return new Uint8Array(buffer);
  }

  /**
   * One column as {raw, dict, get(i)}: raw holds the stored codes (0 = no value); get gives
   * the value: a string (dictionary), a number (offset and step) or a boolean (flags).
   */
  function column(spec) {
    var bytes = base64Bytes(spec.b);
    return Promise.all([spec.z ? inflate(bytes) : bytes, spec.dz ? unpackJson(spec.dz) : spec.d || null])
      .then(function (parts) {
        var raw = spec.delta ? undelta(typed(spec.t, parts[0])) : typed(spec.t, parts[0]);
        var dict = parts[1];
        if (dict) {
          return {raw: raw, dict: dict, kind: "text", get: function (i) { return raw[i] ? dict[raw[i] - 1] : null; }};
        }
        if (spec.s !== undefined) {
          var offset = spec.o;
          var step = spec.s;
          return {raw: raw, kind: "number", get: function (i) {
            return raw[i] ? Math.round((raw[i] - 1 + offset) * step * 1e6) / 1e6 : null;
          }};
        }
        return {raw: raw, kind: "flag", get: function (i) { return raw[i] === 0 ? null : raw[i] === 1; }};
      });
  }

  /** Differences from row to row (zig-zag coded) back into the values. */
  function undelta(changes) {
    var out = new Uint32Array(changes.length);
    var value = 0;
    for (var i = 0; i < changes.length; i++) {
      var z = changes[i];
      value += z & 1 ? -(z + 1) / 2 : z / 2;
      out[i] = value;
    }
    return out;
  }

  var EMPTY = {raw: null, dict: null, kind: "none", get: function () { return null; }};

  function mercatorX(lon) { return (lon + 180) / 360; }

  function mercatorY(lat) {
    var s = Math.sin(Math.max(-85.05, Math.min(85.05, lat)) * Math.PI / 180);
    return 0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI);
  }

  /**
   * The incidents: core columns decoded now, into typed arrays (position, Web-Mercator position for
   * clustering, first and last day, weight); other fields through inc.field(name) when needed.
   */
  function incidents(spec) {
    var specs = spec.columns;
    var names = Object.keys(specs).filter(function (name) { return CORE.indexOf(name) >= 0; });
    return Promise.all(names.map(function (name) { return column(specs[name]); })).then(function (decoded) {
      var cols = {};
      names.forEach(function (name, k) { cols[name] = decoded[k]; });
      CORE.forEach(function (name) { if (!cols[name]) cols[name] = EMPTY; });
      var n = spec.n;
      var inc = {
        n: n, cols: cols, aggregated: Boolean(spec.cellKm), cellKm: spec.cellKm, period: spec.period,
        omitted: spec.omitted || [], lazyNames: spec.lazy || [], popupBudget: spec.popupBudget,
        day0: spec.day0 ? Date.parse(spec.day0 + "T00:00:00Z") : null,
        lat: new Float64Array(n), lon: new Float64Array(n), mx: new Float64Array(n), my: new Float64Array(n),
        start: new Float64Array(n), end: new Float64Array(n), weight: new Float64Array(n),
        segment: new Int32Array(n), crossing: new Int32Array(n), lastDay: 0, total: 0, pending: {}
      };
      for (var i = 0; i < n; i++) {
        inc.lat[i] = cols.lat.get(i);
        inc.lon[i] = cols.lon.get(i);
        inc.mx[i] = mercatorX(inc.lon[i]);
        inc.my[i] = mercatorY(inc.lat[i]);
        var day = cols.day.get(i);
        inc.start[i] = day === null ? NaN : day;
        inc.end[i] = day === null ? NaN : day + (cols.span.get(i) || 1) - 1;
        if (inc.end[i] > inc.lastDay) inc.lastDay = inc.end[i];
        inc.weight[i] = cols.count.raw ? cols.count.get(i) : 1;
        inc.total += inc.weight[i];
        var seg = cols.segment.get(i);
        inc.segment[i] = seg === null ? -1 : seg;
        var crossing = cols.crossing.get(i);
        inc.crossing[i] = crossing === null ? -1 : crossing;
      }
      /** Whether the page carries this field at all. */
      inc.has = function (name) { return Boolean(specs[name]); };
      /** The field's column, decoding it the first time (a Promise); an empty column if not carried. */
      inc.field = function (name) {
        if (cols[name]) return Promise.resolve(cols[name]);
        if (!specs[name]) return Promise.resolve(EMPTY);
        if (!inc.pending[name]) {
          inc.pending[name] = column(specs[name]).then(function (c) { cols[name] = c; return c; });
        }
        return inc.pending[name];
      };
      inc.fields = function (list) { return Promise.all(list.map(inc.field)); };
      /** The field's column if already decoded, else an empty one (never waits). */
      inc.loaded = function (name) { return cols[name] || EMPTY; };
      return inc;
    });
  }

  geomap.decode = {CORE: CORE, base64Bytes: base64Bytes, inflate: inflate, unpackJson: unpackJson, column: column,
                   incidents: incidents, mercatorX: mercatorX, mercatorY: mercatorY, EMPTY: EMPTY};
})(globalThis.geomap = globalThis.geomap || {});
