"""Word lists the extractor's rules use. General English and regional news vocabulary, not any one text's words.

Each list says what it is for; the rules that use them live in :mod:`geomap.extract.toponyms`
and :mod:`geomap.extract.events`.
"""

from __future__ import annotations

import re


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())

#: Adjectives and nouns of nationality or people: "Pakistani troops" names no place.
DEMONYMS = _words("""
afghan afghans afghani pakistani pakistanis pashtun pashtuns pakhtun pakhtuns pathan pathans baloch balochi baluch
punjabi punjabis sindhi sindhis waziri wazirs mehsud mehsuds turkish turk turks qatari qataris iranian iranians
indian indians chinese american americans british russian russians saudi saudis emirati emiratis tajik tajiks
uzbek uzbeks hazara hazaras kashmiri kashmiris arab arabs persian dari pashto urdu
""")

#: Organisations and news outlets that carry a place name without being one ("Tehrik-e-Taliban
#: Pakistan", "Afghanistan International", "Pakistan Today"). Matched case-sensitively.
ORGANISATIONS = re.compile(r"""\b(?:
    Tehr[ei]e?k-[ei]-Taliban(?:\s+Pakistan)?|Tehreek-e-Taliban(?:\s+Pakistan)?|TTP|ISPR|Inter-Services\s+Public\s+Relations
    |Islamic\s+Emirate(?:\s+of\s+Afghanistan)?|Islamic\s+State(?:\s+Khorasan(?:\s+Province)?)?|ISKP|IS-K|ISIS-K
    |Jamaat-ul-Ahrar|Lashkar-e-\w+|Jaish-e-\w+|Hafiz\s+Gul\s+Bahadur(?:\s+group)?|Haqqani\s+network
    |Reuters|AFP|Agence\s+France-Presse|AP|Associated\s+Press|Al\s+Jazeera|BBC|CNN|Anadolu(?:\s+Agency)?|Xinhua
    |TOLOnews|Tolo\s*News|Pajhwok(?:\s+Afghan\s+News)?|Khaama\s+Press|Ariana\s+News|Afghanistan\s+International
    |Pakistan\s+Today|Dawn|Geo\s+News|ARY\s+News|Express\s+Tribune|The\s+News|Arab\s+News|Gulf\s+News
    |Khaleej\s+Times|Hindustan\s+Times|Times\s+of\s+India|Kabul\s+Times|Pakistan\s+Observer|Radio\s+Pakistan
    |UNAMA|UNHCR|United\s+Nations|UN|NATO|OIC|SCO|IMF|World\s+Bank|Red\s+Cross|ICRC
    |Pakistan\s+Army|Pakistan\s+Air\s+Force|Pakistan\s+Navy|Afghan\s+National\s+Army|Frontier\s+Corps(?:\s+\w+)?
    |Federal\s+Constabulary|Pakistan\s+Tehreek-e-Insaf|Pakistan\s+Muslim\s+League(?:-N)?|Pakistan\s+Peoples\s+Party
    |Afghanistan\s+Cricket\s+Board|Pakistan\s+Cricket\s+Board
)\b""", re.VERBOSE)

#: Words after which a capitalised name is a person: "minister, Attaullah Tarar,", "spokesman Mujahid".
TITLES = re.compile(r"""\b(?:
    minister|ministers|spokesman|spokeswoman|spokesperson|president|premier|governor|general|commander|chief
    |official|officer|envoy|ambassador|adviser|advisor|secretary|director|deputy|leader|mayor|commissioner|DC
    |journalist|reporter|correspondent|colleague|cleric|analyst|founder|head|emir|amir|PM|FM
    |Mr|Mrs|Ms|Dr|Gen|Lt|Col|Maj|Capt|Brig|Sgt|Maulana|Mawlawi|Mullah|Mufti|Qari|Sheikh|Sardar|Haji|Hafiz
)\.?,?\s+$""", re.VERBOSE | re.IGNORECASE)
#: Verbs of saying: "Tarar said" names a person when "Tarar" was seen as one.
SPEECH_AFTER = re.compile(r"^\s+(?:said|says|told|added|stated|noted|announced|claimed|wrote|tweeted)\b")

#: Words that may stand in a capitalised run beside a place without making it a person or an
#: organisation: "North Waziristan", "Khost Province", "Lower Dir", "Kabul Airport".
PLACE_COMPANIONS = _words("""
north south east west upper lower central northern southern eastern western greater old new
district province agency tehsil valley pass crossing border city town village region area post camp gate sector
airport hospital market bazaar road highway cantonment cantt jail prison bridge dam river checkpoint terminal
""")

#: Gazetteer names that are also everyday English words. They count as places only when a
#: kind word follows ("Tank district") or a locative preposition comes before ("in Tank").
COMMON_WORDS = _words("""
the and for was part march may model road worth federal male soul garden bridge valley jersey tank chamber hang
settlement friendship mill cape sole dual angels indoor dining bust bare northern shining lame reunion nike marsh lime
tunes vine gala pest yarn mare windy logos liga lash washer pristine limo mach nook revel makin bay lal jam hub
victoria george charlotte douglas lewis adams hamilton stanley sidney sophia dora saul leon abbas salazar
""")
#: Months and weekdays are dates, never places ("March", "Sunday").
CALENDAR_WORDS = _words("""
january february march april may june july august september october november december
monday tuesday wednesday thursday friday saturday sunday
""")
LOCATIVE_BEFORE = re.compile(r"\b(?:in|at|near|from|to|into|across|towards?|outside|inside|of)\s+$", re.IGNORECASE)

#: Lower-case particles allowed inside a multi-word place name ("Bagh-e Bala", "Dera Ismail Khan").
CONNECTORS = frozenset({"e", "i", "ul", "ud", "al", "el", "of", "the", "de", "da", "wa", "and", "ye", "ka"})

#: Kind words that may follow a name and belong to it: "Gurbuz district", "the Ghulam Khan
#: zero-point border crossing". A bare "border" does not ("the Pakistan border" is Pakistan).
TRAILING_KIND = re.compile(r"""^(?:[\s-]+(?:zero[\s-]point|border\s+(?:crossing|post|posts|point)
    |crossing|crossing\s+point|district|districts|province|agency|tehsil|valley|pass|town|village|city|area|areas|region|sector|camp
    |checkpoint|gate|terminal)\b)+""", re.VERBOSE | re.IGNORECASE)
LEADING_KIND = re.compile(r"(?P<named>[A-Z][\w-]*\s+)?\b(?P<kind>province|district|city|town|village|valley|region)"
                          r"\s+(?P<preposition>of|in)\s+$")

#: Upper-case codes in the gazetteer (airport and ISO codes) count only for these kinds, and
#: only when written in capitals: "KP", "UAE", not "Bin" for Bamyan's airport code.
CODE_KINDS = frozenset({"country", "province"})

#: Everyday English names of countries that the gazetteer (GeoNames, ISO) spells otherwise, to ISO2 codes.
EXONYMS = {"Turkey": "TR", "Russia": "RU", "Britain": "GB", "Great Britain": "GB", "UK": "GB", "UAE": "AE",
           "US": "US", "America": "US", "Iran": "IR", "Syria": "SY", "the Netherlands": "NL", "Vietnam": "VN"}
