"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const {load, incidents, plain} = require("./load.js");

const geomap = load();

function view(zoom) {
  const s = 256 * 2 ** zoom;
  return {zoom, x0: 0, y0: 0, x1: s, y1: s};  // the whole world
}

async function clustered(rows, zoom, cell) {
  const inc = await incidents(geomap, rows);
  const sel = geomap.filters.select(inc, geomap.filters.empty());
  return geomap.cluster.cluster(inc, sel.indices, sel.count, view(zoom), cell);
}

test("nearby incidents become one cluster at their weighted centre; far ones stay single", async () => {
  const rows = [{lat: 34.0, lon: 71.0}, {lat: 34.01, lon: 71.01}, {lat: 34.02, lon: 71.02}, {lat: 25, lon: 51.5}];
  const out = await clustered(rows, 6, 60);
  assert.equal(out.clusters.length, 1);
  assert.equal(out.clusters[0].n, 3);
  assert.equal(out.clusters[0].weight, 3);
  assert.deepEqual(Array.from(out.leaves), [3]);
  const [lat, lon] = geomap.cluster.unproject(out.clusters[0].x, out.clusters[0].y, 6);
  assert.ok(Math.abs(lat - 34.01) < 0.001 && Math.abs(lon - 71.01) < 0.001);
});

test("incidents at the very same spot are a spot (a list), never split by zooming", async () => {
  const rows = [{lat: 34.0, lon: 71.0}, {lat: 34.0, lon: 71.0}, {lat: 34.5, lon: 71.5}];
  const low = await clustered(rows, 14, 60);
  assert.deepEqual(plain(low.spots), [[0, 1]]);
  assert.deepEqual(Array.from(low.leaves), [2]);
  const single = await clustered(rows, 14, 0);  // past clustering: only exact spots merge
  assert.deepEqual(plain(single.spots), [[0, 1]]);
  assert.equal(single.clusters.length, 0);
});

test("only incidents in the view (plus a cell's margin) are clustered", async () => {
  const rows = [{lat: 34.0, lon: 71.0}, {lat: 25, lon: 51.5}];
  const inc = await incidents(geomap, rows);
  const sel = geomap.filters.select(inc, geomap.filters.empty());
  const s = 256 * 2 ** 8;
  const x = inc.mx[0] * s;
  const y = inc.my[0] * s;
  const out = geomap.cluster.cluster(inc, sel.indices, sel.count, {zoom: 8, x0: x - 100, y0: y - 100, x1: x + 100,
                                                                    y1: y + 100}, 60);
  assert.deepEqual(Array.from(out.leaves), [0]);
});
