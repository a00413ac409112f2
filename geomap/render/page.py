"""The page around the map: inlined scripts, the data block, and folium layers a user adds.

Nothing here passes user text through a template engine. folium and branca elements are
Jinja templates, so every part of the page geomap writes is a :class:`Raw` element that
returns its text as it is; the data travels as JSON escaped for ``</script>``.
"""

from __future__ import annotations

import hashlib
import json
import re
from functools import lru_cache
from importlib.resources import files

import folium
from branca.element import CssLink, Element, Figure, JavascriptLink, MacroElement
from jinja2 import Template

from geomap import datasets

#: Third-party scripts every map inlines, in order (data/static/, checked against the manifest).
VENDOR_JS = ("leaflet.js", "leaflet-heat.js")
VENDOR_CSS = ("leaflet.css",)
#: Bundled copies that stand in for the CDN links of folium and its plugins, by file name in the URL.
FOLIUM_BUNDLED = {
    "jquery-3.7.1.min.js": "jquery.js",
    "leaflet.awesome-markers.js": "leaflet.awesome-markers.js",
    "leaflet.awesome-markers.css": "leaflet.awesome-markers.css",
    "leaflet.markercluster.js": "leaflet.markercluster.js",
    "MarkerCluster.css": "MarkerCluster.css",
    "MarkerCluster.Default.css": "MarkerCluster.Default.css",
}
_VIEWPORT = re.compile(r'<meta name="viewport"[^>]*>', re.S)
#: Pinch-zoom stays possible (folium's own tag forbids it).
VIEWPORT = '<meta name="viewport" content="width=device-width, initial-scale=1.0" />'


class Raw(Element):
    """A piece of the page given as finished text: rendered as it is, never as a Jinja template.

    branca's ``Element(text)`` compiles ``text`` as a template, so ``{{ ... }}`` in a title or a
    description would run as code; every part of the page that can hold user text is a ``Raw``.
    """

    def __init__(self, text: str) -> None:
        super().__init__()
        self._text = text

    def render(self, **kwargs) -> str:
        return self._text


class _Page(Figure):
    """folium's page, in English (``lang``), so screen readers and translators know the language."""

    def render(self, **kwargs) -> str:
        return super().render(**kwargs).replace("<html>", '<html lang="en">', 1)


class _Start(MacroElement):
    """Calls geomapRender once folium has created the map (the template holds only the map's name)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        geomapRender({{ this._parent.get_name() }},
                     JSON.parse(document.getElementById("geomap-data").textContent));
        {% endmacro %}
    """)

    def __init__(self) -> None:
        super().__init__()
        self._name = "GeomapStart"


class Map(folium.Map):
    """A folium map whose page needs no network, even with folium layers a user adds to it.

    geomap draws its own layers from the JSON block, so folium's default scripts (jQuery,
    Bootstrap, Font Awesome, from CDNs) are left out. When a user adds folium elements — a
    ``folium.Marker`` with a popup, a ``MarkerCluster`` — the bundled copies of what they need
    are inlined instead, so the page still works offline.
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.default_js, self.default_css = [], []  # inlined from bundled copies instead
        _Page().add_child(self, name=self.get_name())

    def render(self, **kwargs) -> None:
        figure = self.get_root()
        added = [e for e in _descendants(self) if not isinstance(e, _Start)]
        if added:
            names = ["jquery.js", "leaflet-icons.js"]
            if any(isinstance(e, folium.Icon) for e in added):
                names += ["leaflet.awesome-markers.js", "leaflet.awesome-markers.css"]
            figure.header.add_child(Raw(inline(names)), name="geomap_folium_assets")
        super().render(**kwargs)
        for name, child in list(figure.header._children.items()):
            if isinstance(child, (JavascriptLink, CssLink)):
                bundled = FOLIUM_BUNDLED.get(child.url.rsplit("/", 1)[-1])
                if bundled:  # a plugin's CDN link, swapped for the bundled copy
                    figure.header._children[name] = Raw(inline([bundled]))
            elif name == self.get_name():
                figure.header._children[name] = Raw(_VIEWPORT.sub(VIEWPORT, child.render()))


def _descendants(element: Element):
    for child in element._children.values():
        yield child
        yield from _descendants(child)


def start() -> MacroElement:
    """The element that starts geomap's script on the map it is added to."""
    return _Start()


def inline(names: list[str]) -> str:
    """``<style>``/``<script>`` elements holding bundled files (``.css`` or ``.js``)."""
    css = "\n".join(datasets.static_text(n) for n in names if n.endswith(".css"))
    js = "\n".join(datasets.static_text(n) for n in names if n.endswith(".js"))
    return (f"<style>\n{css}\n</style>\n" if css else "") + (f"<script>\n{_script_safe(js)}\n</script>" if js else "")


@lru_cache(maxsize=1)
def assets() -> str:
    """Everything the map's own script needs: vendored Leaflet and plugins, geomap's CSS and JS."""
    own = files("geomap").joinpath("static")
    css = "\n".join(datasets.static_text(n) for n in VENDOR_CSS) + "\n" + own.joinpath("geomap.css").read_text(
        encoding="utf-8")
    js = "\n".join(datasets.static_text(n) for n in VENDOR_JS) + "\n" + script()
    return f"<style>\n{css}\n</style>\n<script>\n{_script_safe(js)}\n</script>"


def script() -> str:
    """geomap's own page script: the modules of ``static/js`` in the order ``modules.json`` gives.

    The same list is what the JavaScript unit tests load (``tests/js/load.js``), so the page and
    the tests assemble the modules alike.
    """
    folder = files("geomap").joinpath("static").joinpath("js")
    order = json.loads(folder.joinpath("modules.json").read_text(encoding="utf-8"))
    return "\n".join(folder.joinpath(name).read_text(encoding="utf-8") for name in order)


def _script_safe(js: str) -> str:
    # A literal "</script" inside inlined code would end the element early.
    return js.replace("</script", "<\\/script")


def name_after(fmap: folium.Map, block: Raw) -> None:
    """Name the map after its data, not a random id, so the same input gives the same page byte for byte."""
    fmap._id = hashlib.sha256(block.render().encode("utf-8")).hexdigest()[:32]


def data_block(payload: dict) -> Raw:
    """The page's data as JSON inside ``<script type="application/json">``, safe for any text."""
    text = json.dumps(payload, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Raw(f'<script type="application/json" id="geomap-data">{text}</script>')
