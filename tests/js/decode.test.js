"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const {load, packed, deflateBase64, plain} = require("./load.js");

const geomap = load();

test("numbers, strings and flags decode, compressed or not", async () => {
  const numbers = await geomap.decode.column(await packed([0, 1, 5], {offset: 10, step: 0.1, compress: true}));
  assert.deepEqual([0, 1, 2].map(numbers.get), [null, 1.0, 1.4]);
  const words = await geomap.decode.column(await packed([2, 0, 1], {kind: "u1", dict: ["a", "b"], step: null}));
  assert.deepEqual([0, 1, 2].map(words.get), ["b", null, "a"]);
  const flags = await geomap.decode.column(await packed([1, 2, 0], {kind: "u1", step: null}));
  assert.deepEqual([0, 1, 2].map(flags.get), [true, false, null]);
});

test("a compressed dictionary (dz) and a packed JSON block inflate", async () => {
  const dict = ["{{ 7*7 }}", "تورخم", "</script>"];
  const spec = await packed([3, 2, 1], {kind: "u1", step: null});
  spec.dz = await deflateBase64(new TextEncoder().encode(JSON.stringify(dict)));
  const col = await geomap.decode.column(spec);
  assert.deepEqual([0, 1, 2].map(col.get), ["</script>", "تورخم", "{{ 7*7 }}"]);
  const block = await deflateBase64(new TextEncoder().encode(JSON.stringify({a: [1, 2]})));
  assert.deepEqual(plain(await geomap.decode.unpackJson(block)), {a: [1, 2]});
});

test("incidents: core decoded at once, popup fields only when asked", async () => {
  const spec = {
    n: 2, day0: "2025-10-01", lazy: ["place"], omitted: [],
    columns: {
      lat: await packed([1, 2], {offset: 34000, step: 0.001}), lon: await packed([1, 2], {offset: 71000, step: 0.001}),
      day: await packed([1, 3], {offset: 0}), span: await packed([1, 7], {offset: 1}),
      event_type: await packed([1, 1], {kind: "u1", dict: ["Battles"], step: null}),
      side: await packed([1, 0], {kind: "u1", dict: ["PK"], step: null}),
      fatalities: await packed([0, 3], {offset: 0}), segment: await packed([0, 1], {offset: 5}),
      crossing: await packed([0, 0], {offset: 0}),
      place: await packed([1, 2], {kind: "u1", dict: ["Torkham", "Wana"], step: null, compress: true}),
    },
  };
  const inc = await geomap.decode.incidents(spec);
  assert.equal(inc.n, 2);
  assert.deepEqual(Array.from(inc.lat), [34, 34.001]);
  assert.deepEqual([inc.start[1], inc.end[1]], [2, 8]);  // a week from day 2
  assert.equal(inc.lastDay, 8);
  assert.deepEqual(Array.from(inc.segment), [-1, 5]);
  assert.equal(inc.loaded("place").get(0), null);  // not decoded yet
  const place = await inc.field("place");
  assert.equal(place.get(1), "Wana");
  assert.equal(inc.loaded("place").get(0), "Torkham");
  assert.equal((await inc.field("description")).get(0), null);  // a field the page does not carry
});
