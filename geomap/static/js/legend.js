/* geomap — the legend, which is also where filters are set: event types and sides (checkboxes
   with live counts), then sub-event type, source, actor, fatalities and free text, and the key to
   every symbol. Sections fold (details/summary), so the legend stays short on small screens. */
(function (geomap) {
  "use strict";

  var util = geomap.util;
  var el = util.el;

  function section(box, title, open) {
    var details = el("details", "geomap-legend-section");
    details.open = open;
    details.appendChild(el("summary", "geomap-legend-head", title));
    box.appendChild(details);
    return details;
  }

  function toggleRow(symbol, text, onChange, group, value) {
    var label = el("label", "geomap-legend-row geomap-toggle");
    var box = el("input");
    box.type = "checkbox";
    box.checked = true;
    box.dataset.group = group;
    box.dataset.value = value;
    box.addEventListener("change", function () { onChange(box.checked); });
    label.appendChild(box);
    if (symbol) label.appendChild(symbol);
    label.appendChild(el("span", "geomap-toggle-text", text));
    return label;
  }

  function symbolRow(symbol, text) {
    var line = el("div", "geomap-legend-row");
    line.appendChild(symbol);
    line.appendChild(el("span", null, text));
    return line;
  }

  function swatch(className, colour) {
    var s = el("span", "geomap-swatch " + (className || ""));
    if (colour) s.style.background = colour;
    return s;
  }

  function labelled(text, input) {
    var label = el("label", "geomap-field");
    label.appendChild(el("span", null, text));
    label.appendChild(input);
    return label;
  }

  /** A list of checkboxes choosing some values of a field (none ticked off = no filter). */
  function choice(app, details, field, title, key) {
    var inc = app.inc;
    var wrap = el("fieldset", "geomap-choice");
    wrap.appendChild(el("legend", null, title));
    details.appendChild(wrap);
    inc.field(field).then(function (col) {
      var values = (col.dict || []).slice().sort();
      values.forEach(function (value) {
        wrap.appendChild(toggleRow(null, value, function () {
          var ticked = [].slice.call(wrap.querySelectorAll("input:checked")).map(function (b) { return b.dataset.value; });
          app.filter[key] = ticked.length === values.length ? null : ticked;
          app.request();
        }, key, value));
      });
      app.legend.sync();
    });
  }

  function build(app, box) {
    var data = app.data;
    var inc = app.inc;
    var legend = {counts: {}, box: box};
    box.appendChild(el("div", "geomap-legend-title", data.title));
    legend.total = box.appendChild(el("div", "geomap-legend-count"));
    legend.total.setAttribute("aria-live", "polite");

    var types = section(box, "Event type", true);
    data.categories.forEach(function (cat) {
      var code = inc.cols.event_type.dict.indexOf(cat.name) + 1;
      legend.counts[cat.name] = types.appendChild(toggleRow(swatch(null, cat.color), cat.name, function (on) {
        app.filter.types[code] = !on;
        app.request();
      }, "type", cat.name));
    });
    if (data.sides.length > 1) {
      var sides = section(box, "Side", true);
      data.sides.forEach(function (side) {
        var code = side.code === null ? 0 : inc.cols.side.dict.indexOf(side.code) + 1;
        sides.appendChild(toggleRow(null, side.name + " (" + util.formatNumber(side.count) + ")", function (on) {
          app.filter.sides[code] = !on;
          app.request();
        }, "side", side.code === null ? "none" : side.code));
      });
    }

    var more = section(box, "More filters", false);
    more.classList.add("geomap-filters");
    if (inc.aggregated) {
      more.appendChild(el("div", "geomap-legend-note", "Grid cells are counted by type, side and time only; " +
                          "fatalities filter the cells' totals."));
    }
    if (inc.has("sub_event_type")) choice(app, more, "sub_event_type", "Sub-event type", "subTypes");
    if (inc.has("source")) choice(app, more, "source", "Source", "sources");
    if (inc.has("actors")) {
      legend.actor = el("input", "geomap-actor");
      legend.actor.type = "search";
      legend.actor.setAttribute("list", "geomap-actors");
      var actors = el("datalist");
      actors.id = "geomap-actors";
      inc.field("actors").then(function (col) {
        var names = new Set();
        (col.dict || []).forEach(function (v) { v.split("|").forEach(function (a) { names.add(a); }); });
        Array.from(names).sort().slice(0, 2000).forEach(function (a) { var o = el("option"); o.value = a; actors.appendChild(o); });
      });
      legend.actor.addEventListener("change", function () { app.filter.actor = legend.actor.value.trim(); app.request(); });
      more.appendChild(labelled("Actor", legend.actor));
      more.appendChild(actors);
    }
    var fat = el("div", "geomap-range");
    legend.fatalMin = el("input");
    legend.fatalMax = el("input");
    [legend.fatalMin, legend.fatalMax].forEach(function (input, k) {
      input.type = "number";
      input.min = "0";
      input.step = "1";
      input.placeholder = k ? "any" : "0";
      input.addEventListener("change", function () {
        var value = input.value === "" ? null : Number(input.value);
        app.filter[k ? "fatalMax" : "fatalMin"] = value === null || !isFinite(value) ? null : value;
        app.request();
      });
    });
    fat.appendChild(labelled("Fatalities from", legend.fatalMin));
    fat.appendChild(labelled("to", legend.fatalMax));
    more.appendChild(fat);
    if (inc.has("description") || inc.has("place")) {
      legend.text = el("input", "geomap-text");
      legend.text.type = "search";
      legend.text.placeholder = "words in the description or place";
      legend.text.addEventListener("change", function () { app.filter.text = legend.text.value.trim(); app.request(); });
      more.appendChild(labelled("Text", legend.text));
    }
    var clear = el("button", "geomap-button geomap-clear", "Clear all filters");
    clear.type = "button";
    clear.addEventListener("click", function () { app.clearFilters(); });
    more.appendChild(clear);

    var key = section(box, "Map key", false);
    key.appendChild(symbolRow(swatch("geomap-swatch-line"), "Afghanistan–Pakistan border"));
    if (data.bands.length) {
      key.appendChild(symbolRow(swatch("geomap-swatch-band"), "Within " + data.bands.map(function (b) {
        return b.km; }).reverse().join(" / ") + " km of the border"));
    }
    var ramp = el("span", "geomap-ramp");
    geomap.layers.SEGMENT_COLOURS.forEach(function (colour) { ramp.appendChild(swatch("geomap-ramp-step", colour)); });
    legend.segmentLabel = key.appendChild(symbolRow(ramp, "")).lastChild;
    key.appendChild(symbolRow(swatch("geomap-swatch-crossing"), "Crossing or pass"));
    if (inc.aggregated) {
      key.appendChild(symbolRow(swatch("geomap-swatch-cell"), "Grid cell of " + inc.cellKm +
                                " km: incidents counted by " + inc.period));
    } else {
      key.appendChild(symbolRow(swatch("geomap-swatch-area"), "Where it may have been (location precision): " +
                                "outlined while small on screen, whole on hover"));
      key.appendChild(symbolRow(swatch("geomap-swatch-uncertain"), "Side uncertain: precision reaches the border"));
      key.appendChild(el("div", "geomap-legend-note", "Marker size grows with fatalities."));
    }
    key.appendChild(symbolRow(swatch("geomap-swatch-cluster"), "Cluster: click or press Enter to zoom in"));
    box.appendChild(el("div", "geomap-legend-note", data.summary + "."));
    if (inc.omitted.length) {
      box.appendChild(el("div", "geomap-legend-note geomap-cut", "Popups leave out " + inc.omitted.join(", ") +
                         ": they did not fit the page's popup budget of " + util.formatNumber(inc.popupBudget / 1e6) +
                         " MB (raise it with --popup-budget)."));
    }

    legend.update = function (sel) {
      data.categories.forEach(function (cat) {
        var code = inc.cols.event_type.dict.indexOf(cat.name) + 1;
        legend.counts[cat.name].querySelector(".geomap-toggle-text").textContent =
          cat.name + " (" + util.formatNumber(sel.byType[code] || 0) + ")";
      });
      legend.total.textContent = util.formatNumber(sel.weight) + " of " + util.formatNumber(inc.total) + " shown";
    };
    /** Make the inputs show app.filter (after a link is opened, or filters are cleared). */
    legend.sync = function () {
      var f = app.filter;
      box.querySelectorAll("input[data-group=type]").forEach(function (b) {
        b.checked = !f.types[inc.cols.event_type.dict.indexOf(b.dataset.value) + 1];
      });
      box.querySelectorAll("input[data-group=side]").forEach(function (b) {
        b.checked = !f.sides[b.dataset.value === "none" ? 0 : inc.cols.side.dict.indexOf(b.dataset.value) + 1];
      });
      box.querySelectorAll("input[data-group=subTypes]").forEach(function (b) {
        b.checked = !f.subTypes || f.subTypes.indexOf(b.dataset.value) >= 0;
      });
      box.querySelectorAll("input[data-group=sources]").forEach(function (b) {
        b.checked = !f.sources || f.sources.indexOf(b.dataset.value) >= 0;
      });
      if (legend.actor) legend.actor.value = f.actor;
      if (legend.text) legend.text.value = f.text;
      legend.fatalMin.value = f.fatalMin === null ? "" : String(f.fatalMin);
      legend.fatalMax.value = f.fatalMax === null ? "" : String(f.fatalMax);
      if (f.subTypes || f.sources || f.actor || f.text || f.fatalMin !== null || f.fatalMax !== null) more.open = true;
    };
    return legend;
  }

  geomap.legend = {build: build};
})(globalThis.geomap = globalThis.geomap || {});
