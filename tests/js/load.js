// Loads the page's modules (geomap/static/js, in the order of modules.json, as the page does)
// into a fresh context, with the few browser globals they use from Node's own implementations.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const vm = require("node:vm");

const ROOT = path.resolve(__dirname, "..", "..", "geomap", "static", "js");

function load() {
  const context = {atob, btoa, Blob, Response, DecompressionStream, CompressionStream, TextDecoder, TextEncoder,
                   URLSearchParams, URL, console, performance, setTimeout, clearTimeout};
  context.window = context;
  vm.createContext(context);
  const order = JSON.parse(fs.readFileSync(path.join(ROOT, "modules.json"), "utf8"));
  for (const name of order) {
    vm.runInContext(fs.readFileSync(path.join(ROOT, name), "utf8"), context, {filename: name});
  }
  return context.geomap;
}

/** Bytes compressed the way geomap/render/pack.py does (zlib), in base64. */
async function deflateBase64(bytes) {
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream("deflate"));
  return Buffer.from(await new Response(stream).arrayBuffer()).toString("base64");
}

/** A packed column like pack.py writes: {t, b[, z], d | o, s}. */
async function packed(values, {kind = "u2", dict = null, offset = 0, step = 1, compress = false} = {}) {
  const Typed = {u1: Uint8Array, u2: Uint16Array, u4: Uint32Array}[kind];
  const bytes = new Uint8Array(new Typed(values).buffer);
  const spec = {t: kind, b: compress ? await deflateBase64(bytes) : Buffer.from(bytes).toString("base64")};
  if (compress) spec.z = 1;
  if (dict) spec.d = dict;
  else if (step !== null) Object.assign(spec, {o: offset, s: step});
  return spec;
}

/** Dictionary codes of text values (0 = none) and the dictionary. */
function codes(values) {
  const dict = [];
  const raw = values.map((v) => {
    if (v === null || v === undefined) return 0;
    if (!dict.includes(v)) dict.push(v);
    return dict.indexOf(v) + 1;
  });
  return {raw, dict};
}

/**
 * Incidents as the page decodes them, from plain rows: {lat, lon, day, span, type, side, fatalities,
 * segment, crossing, and any text field (place, description, actors, sub_event_type, source)}.
 */
async function incidents(geomap, rows, day0 = "2025-10-01") {
  const columns = {};
  const num = async (name, pick, step = 1) => {
    const values = rows.map(pick);
    const steps = values.map((v) => (v === null || v === undefined ? null : Math.round(v / step)));
    const present = steps.filter((v) => v !== null);
    const offset = present.length ? Math.min(...present) : 0;
    columns[name] = await packed(steps.map((v) => (v === null ? 0 : v - offset + 1)), {kind: "u4", offset, step});
  };
  const text = async (name, pick) => {
    const {raw, dict} = codes(rows.map(pick));
    columns[name] = await packed(raw, {kind: "u2", dict, step: null, compress: true});
  };
  await num("lat", (r) => r.lat, 0.0001);
  await num("lon", (r) => r.lon, 0.0001);
  await num("day", (r) => r.day);
  await num("span", (r) => r.span || 1);
  await num("fatalities", (r) => r.fatalities);
  await num("segment", (r) => r.segment);
  await num("crossing", (r) => r.crossing);
  await text("event_type", (r) => r.type || "Battles");
  await text("side", (r) => r.side);
  const lazy = [];
  for (const name of ["place", "description", "actors", "sub_event_type", "source", "border_distance_km"]) {
    if (rows.some((r) => r[name] !== undefined)) {
      if (name === "border_distance_km") await num(name, (r) => r[name], 0.1);
      else await text(name, (r) => r[name]);
      lazy.push(name);
    }
  }
  return geomap.decode.incidents({n: rows.length, day0, columns, lazy, omitted: []});
}

/** A value from the modules' context as plain data of this one (objects from another realm never deep-equal). */
function plain(value) {
  return JSON.parse(JSON.stringify(value));
}

module.exports = {load, packed, deflateBase64, plain, incidents};
