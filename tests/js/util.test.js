"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const {load} = require("./load.js");

const geomap = load();
const u = geomap.util;

test("names fold like geomap/normalize.py: case, accents, Arabic letter variants, punctuation", () => {
  assert.equal(u.fold("Tūrkham"), "turkham");
  assert.equal(u.fold("Spin Boldak–Chaman"), "spin boldak chaman");
  assert.equal(u.fold("كابل"), u.fold("کابل"));  // Arabic kaf and yeh against the Persian letters
  assert.equal(u.fold("  Bab-e-Dosti "), "bab e dosti");
  assert.equal(u.fold(null), "");
});

test("the consonant skeleton joins transliterations", () => {
  assert.equal(u.skeleton(u.fold("Torkam")), u.skeleton(u.fold("Torkham")));
  assert.equal(u.skeleton(u.fold("Peshawar")), u.skeleton(u.fold("Peshawer")));
  assert.notEqual(u.skeleton(u.fold("Khost")), u.skeleton(u.fold("Kabul")));
});

test("only http(s) links are links", () => {
  assert.equal(u.safeUrl("https://example.org/a"), "https://example.org/a");
  assert.equal(u.safeUrl("javascript:alert(1)"), null);
  assert.equal(u.safeUrl("data:text/html,x"), null);
  assert.equal(u.safeUrl(42), null);
  assert.equal(u.escapeHtml("<b>&\"'`"), "&lt;b&gt;&amp;&quot;&#39;&#96;");
});

test("overlapping labels: the first (most important) is kept, what it covers is left out", () => {
  const box = (left, top, width, height) => ({left, top, right: left + width, bottom: top + height});
  const torkham = box(100, 100, 60, 14), khyber = box(130, 105, 70, 14), arandu = box(100, 130, 50, 14);
  assert.deepEqual(u.uncluttered([torkham, khyber, arandu]), [true, false, true]);
  assert.deepEqual(u.uncluttered([khyber, torkham, arandu]), [true, false, true]);
  assert.deepEqual(u.uncluttered([torkham, box(160, 100, 10, 14)]), [true, true]);  // touching edges is not overlap
  assert.deepEqual(u.uncluttered([null, torkham]), [false, true]);
  // Hidden (display: none) labels measure as empty boxes at one point: they never hide each other.
  assert.deepEqual(u.uncluttered([box(0, 0, 0, 0), box(0, 0, 0, 0)]), [true, true]);
});
