"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const {load, incidents} = require("./load.js");

const geomap = load();
const ROWS = [
  {lat: 34.1147, lon: 71.0847, day: 0, type: "Battles", side: "PK", fatalities: 2, place: "Torkham",
   description: 'He said "stop", then, left\nthe gate'},
  {lat: 33.3, lon: 69.9, day: 9, span: 7, type: "Protests", side: "AF", fatalities: null, place: "=cmd()",
   description: "{{ 7*7 }}"},
];

async function setup() {
  const inc = await incidents(geomap, ROWS);
  await inc.fields(geomap.exporter.needs(inc));
  const sel = geomap.filters.select(inc, geomap.filters.empty());
  return {inc, sel, list: geomap.exporter.fields(inc, {PK: "Pakistan", AF: "Afghanistan"})};
}

function parseCsv(text) {
  const rows = [];
  let row = [];
  let cell = "";
  let quoted = false;
  for (let k = 0; k < text.length; k++) {
    const c = text[k];
    if (quoted) {
      if (c === '"' && text[k + 1] === '"') { cell += '"'; k++; } else if (c === '"') quoted = false; else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") { row.push(cell); cell = ""; } else if (c === "\r" && text[k + 1] === "\n") {
      row.push(cell); rows.push(row); row = []; cell = ""; k++;
    } else cell += c;
  }
  return rows;
}

test("the CSV holds one row per selected incident with every field, quoted where needed", async () => {
  const {inc, sel, list} = await setup();
  const rows = parseCsv(geomap.exporter.csv(inc, sel.indices, sel.count, list));
  const header = rows[0];
  assert.equal(rows.length, 3);
  const at = (r, name) => rows[r][header.indexOf(name)];
  assert.equal(at(1, "description"), 'He said "stop", then, left\nthe gate');
  assert.equal(at(2, "description"), "{{ 7*7 }}");
  assert.equal(at(2, "place"), "'=cmd()");  // a spreadsheet shows it as text, never runs it as a formula
  assert.equal(at(2, "event_date"), "2025-10-10");
  assert.equal(at(2, "event_date_end"), "2025-10-16");
  assert.equal(at(1, "side_name"), "Pakistan");
  assert.equal(at(2, "fatalities"), "");
  assert.equal(at(1, "latitude"), "34.1147");
});

test("only the selected rows, in the selection's order", async () => {
  const {inc, list} = await setup();
  const filter = Object.assign(geomap.filters.empty(), {types: {1: true}});
  const sel = geomap.filters.select(inc, filter);
  const rows = parseCsv(geomap.exporter.csv(inc, sel.indices, sel.count, list));
  assert.equal(rows.length, 2);
  assert.equal(rows[1][rows[0].indexOf("place")], "'=cmd()");
});

test("GeoJSON: points in longitude, latitude order with the same fields", async () => {
  const {inc, sel, list} = await setup();
  const fc = JSON.parse(geomap.exporter.geojson(inc, sel.indices, sel.count, list));
  assert.equal(fc.type, "FeatureCollection");
  assert.equal(fc.features.length, 2);
  assert.deepEqual(fc.features[0].geometry.coordinates, [71.0847, 34.1147]);
  assert.equal(fc.features[1].properties.description, "{{ 7*7 }}");
  assert.equal(fc.features[1].properties.place, "=cmd()");  // GeoJSON is no spreadsheet: every value untouched
  assert.equal(fc.features[0].properties.latitude, undefined);
});
