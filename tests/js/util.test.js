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
