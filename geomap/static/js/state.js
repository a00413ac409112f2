/* geomap — the page's state in the URL hash (view, filters, time window, layers, open panel), so
   a copied link or a reloaded page shows the same thing. Names, not codes, go in the URL: a link
   stays right when the data behind the page is rebuilt. */
(function (geomap) {
  "use strict";

  /**
   * state: {view: [lat, lon, zoom] | null, from: "YYYY-MM-DD" | null, to, hiddenTypes: [names],
   * hiddenSides: [codes, "none" for no side], subTypes: [names] | null, sources: [names] | null,
   * actor, text, fatalMin, fatalMax, layers: [ids] | null, panel, speed}
   */
  function serialize(state) {
    var p = new URLSearchParams();
    if (state.view) p.set("v", [state.view[0].toFixed(4), state.view[1].toFixed(4), +state.view[2].toFixed(2)].join(","));
    if (state.from && state.to) p.set("t", state.from + "," + state.to);
    (state.hiddenTypes || []).forEach(function (name) { p.append("ht", name); });
    (state.hiddenSides || []).forEach(function (code) { p.append("hs", code); });
    // "st"/"ss" mark a chosen list, so that choosing none (show nothing) differs from no choice.
    if (state.subTypes) {
      p.set("st", "1");
      state.subTypes.forEach(function (name) { p.append("sub", name); });
    }
    if (state.sources) {
      p.set("ss", "1");
      state.sources.forEach(function (name) { p.append("src", name); });
    }
    if (state.actor) p.set("actor", state.actor);
    if (state.text) p.set("q", state.text);
    if (state.fatalMin !== null && state.fatalMin !== undefined) p.set("fmin", String(state.fatalMin));
    if (state.fatalMax !== null && state.fatalMax !== undefined) p.set("fmax", String(state.fatalMax));
    if (state.layers) p.set("l", state.layers.join(","));
    if (state.panel) p.set("panel", state.panel);
    if (state.speed) p.set("speed", state.speed);
    var text = p.toString();
    return text ? "#" + text : "";
  }

  function number(text) {
    if (text === null || text === "") return null;
    var value = Number(text);
    return isFinite(value) ? value : null;
  }

  /** The state a hash describes; anything missing or malformed takes its default. */
  function parse(hash) {
    var p = new URLSearchParams(String(hash || "").replace(/^#/, ""));
    var state = {view: null, from: null, to: null, hiddenTypes: p.getAll("ht"), hiddenSides: p.getAll("hs"),
                 subTypes: p.get("st") ? p.getAll("sub") : null, sources: p.get("ss") ? p.getAll("src") : null,
                 actor: p.get("actor") || "", text: p.get("q") || "", fatalMin: number(p.get("fmin")),
                 fatalMax: number(p.get("fmax")), layers: p.has("l") ? p.get("l").split(",").filter(Boolean) : null,
                 panel: p.get("panel") || null, speed: p.get("speed") || null};
    var v = (p.get("v") || "").split(",").map(Number);
    if (v.length === 3 && v.every(isFinite) && Math.abs(v[0]) <= 90 && Math.abs(v[1]) <= 360 && v[2] >= 0 &&
        v[2] <= 22) {
      state.view = v;
    }
    var t = (p.get("t") || "").split(",");
    if (t.length === 2 && /^\d{4}-\d\d-\d\d$/.test(t[0]) && /^\d{4}-\d\d-\d\d$/.test(t[1]) && t[0] <= t[1]) {
      state.from = t[0];
      state.to = t[1];
    }
    return state;
  }

  geomap.state = {serialize: serialize, parse: parse};
})(globalThis.geomap = globalThis.geomap || {});
