"""Event words, fatality counts and actors in a clause, in an ACLED-like taxonomy.

Event types (ACLED's names): ``Battles``, ``Explosions/Remote violence``, ``Violence against
civilians``, ``Strategic developments``. When a clause holds words of several types the most
violent and specific wins (an air strike over a clash, a clash over talks). Words under
"despite" ("despite a ceasefire, clashes killed ...") are background and do not count.

The same words in Urdu, Dari and Pashto (a lexicon the project wrote: "فضائی حملے", "حمله هوایی",
"هوايي برید"; "ہلاک", "کشته", "ووژل") give the same types, counts and actors; numbers are read in
Latin, Eastern Arabic and Persian digits and as words ("پانچ", "پنج", "پنځه").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from geomap.extract.dates import DIGITS
from geomap.extract.lexicon import ARABIC_LETTERS, arabic_words

# (event type, sub-event type, pattern), most specific first.
_TRIGGER_WORDS = [
    ("Explosions/Remote violence", "Suicide bomb", r"\bsuicide\s+(?:bomb\w*|attack\w*|blast\w*)|\bcar\s+bomb\w*"),
    ("Explosions/Remote violence", "Air/drone strike",
     r"\b(?:air\s*strikes?|air\s*raids?|drone\s+(?:strikes?|attacks?)|aerial\s+(?:strikes?|bombardment)|bombing raids?"
     r"|(?:air|drone)\s+attacks?)\b"),
    ("Explosions/Remote violence", "Shelling/artillery/missile attack",
     r"\b(?:shell(?:ing|ed|s)|mortars?|rockets?|artillery|missiles?|bombard\w*)\b"),
    ("Explosions/Remote violence", "Remote explosive/landmine/IED",
     r"\b(?:bomb(?:s|ing|ings|ed|er|ers)?|blasts?|explosions?|explosives?|IEDs?|landmines?|grenades?)\b"),
    ("Explosions/Remote violence", "Air/drone strike", r"\b(?:strikes?|struck)\b"),
    ("Battles", "Armed clash",
     r"\b(?:clash(?:es|ed)?|fighting|fought|fire\s?fights?|gun\s?fights?|gun\s+battles?|battles?|exchanges?\s+of\s+fire"
     r"|exchanged\s+fire|attack(?:s|ed|ing)?|ambush(?:es|ed)?|assaults?|raids?|offensive|infiltrat\w+|skirmish\w*"
     r"|opened\s+fire|fired\s+(?:on|at)|firing|gunfire|operations?|repelled|overran|seized)\b"),
    ("Violence against civilians", "Abduction/forced disappearance", r"\b(?:abduct\w*|kidnap\w*)\b"),
    ("Violence against civilians", "Attack", r"\b(?:execut(?:ed|ion|ions)|massacre\w*|assassinat\w+|lynch\w*"
                                              r"|targeted\s+killings?)\b"),
    ("Strategic developments", "Agreement",
     r"\b(?:talks|negotiat\w+|dialogue|cease-?fire|truce|agreement|agreed|deal|accord|peace\s+process|mediat\w+"
     r"|round\s+of\s+talks|summit)\b"),
    ("Strategic developments", "Other",
     r"\b(?:clos(?:ed|ure|ures|ing)|shut|sealed|reopen\w*|suspend\w*|halted)\b"),
]
# The same, in Urdu | Dari | Pashto (one alternation each, the languages mixed: their words do not collide).
_ARABIC_TRIGGER_WORDS = [
    ("Explosions/Remote violence", "Suicide bomb", "خودکش|خود کش|انتحاری|ځانمرګی|ځان وژونکی"),
    ("Explosions/Remote violence", "Air/drone strike",
     "فضائی حملہ|فضائی حملے|فضائی حملوں|ڈرون حملہ|ڈرون حملے|بمباری|حمله هوایی|حملات هوایی|حمله های هوایی|بمباران"
     "|حمله پهپادی|حملات پهپادی|هوایی برید|هوایي برید|هوایي بریدونه|هوایی بریدونه|بمبارد|بمباري|ډرون برید"),
    ("Explosions/Remote violence", "Shelling/artillery/missile attack",
     "گولہ باری|گولہ باری|مارٹر|راکٹ|توپخانے|گلوله باری|خمپاره|راکت|توپخانه|هاوان|راکټ|توپونه|د توپ ډزې"),
    ("Explosions/Remote violence", "Remote explosive/landmine/IED",
     "دھماکہ|دھماکے|دھماکا|بم|بارودی سرنگ|انفجار|انفجارها|بمب|ماین|چاودنه|چاودنې|چاودنو"),
    ("Battles", "Armed clash",
     "جھڑپ|جھڑپیں|جھڑپوں|فائرنگ|حملہ|حملے|حملوں|لڑائی|آپریشن|درگیری|درگیریها|درگیری ها|نبرد|حمله|حملات"
     "|تیراندازی|عملیات|نښته|نښتې|نښتو|جګړه|جګړې|برید|بریدونه|بریدونو|ډزې|ډزو|عملیاتو"),
    ("Violence against civilians", "Abduction/forced disappearance", "اغوا|اغواء|ربوده|ربودن|اختطاف|وتښتول|تښتول"),
    ("Strategic developments", "Agreement",
     "مذاکرات|بات چیت|جنگ بندی|سیز فائر|معاہدہ|معاہدے|گفتگو|آتش بس|آتش‌بس|توافق|توافقنامه|خبرې اترې|اوربند|تړون"),
    ("Strategic developments", "Other", "بند کر|بندش|بند کردی|کھول|بسته شد|بسته|مسدود|بازگشایی|وتړل|وتړل شوه|پرانیستل"),
]
_TRIGGERS = [(kind, sub, re.compile(pattern, re.IGNORECASE)) for kind, sub, pattern in _TRIGGER_WORDS]
_ARABIC_TRIGGERS = [(kind, sub, re.compile(arabic_words(words))) for kind, sub, words in _ARABIC_TRIGGER_WORDS]
_ANY_ARABIC = re.compile("[" + ARABIC_LETTERS + "]")
_KILLING = re.compile(r"\b(?:kill(?:ed|ing|s)?|dead|died|deaths?|martyred|slain|lost\s+(?:their|his|her)\s+lives"
                      r"|death\s+toll|lives)\b", re.IGNORECASE)
_ARABIC_KILLING = re.compile(arabic_words(
    "ہلاک|جاں بحق|جاں‌بحق|جان بحق|شہید|شہدا|مارے گئے|مارا گیا|کشته|جان باخت|جان باختند|جان باخته|شهید|به قتل"
    "|ووژل|وژل|مړه|شهیدان|شهید شول"))
_ARABIC_WOUNDED = re.compile(arabic_words("زخمی|گرفتار|مجروح|بازداشت|ټپي|ټپیان|ټپيان|ونیول|ژوبل"))
_ARABIC_CIVILIANS = re.compile(arabic_words("شہری|شہریوں|عام شہری|غیرنظامی|غیر نظامی|غیرنظامیان|ملکي|ملکیان|خواتین"
                                            "|بچے|بچوں|زنان|کودکان|ماشومان|ښځې"))
_CIVILIANS = re.compile(r"\b(?:civilians?|women|children|child|journalists?|villagers|residents|worshippers"
                        r"|students|passengers|family|families)\b", re.IGNORECASE)
_DESPITE = re.compile(r"\b(?:despite|in\s+violation\s+of|under\s+cover\s+of|notwithstanding)\b[^,;]*"
                     r"|(?:باوجود|با\s+وجود|سره\s+له\s+دې)[^،,؛;]*|[^،,؛;]*کے\s+باوجود", re.IGNORECASE)
_ORDER = ["Explosions/Remote violence", "Battles", "Violence against civilians", "Strategic developments"]

# --- fatalities -----------------------------------------------------------------------------------
_WORD_NUMBERS = {w: n for n, w in enumerate([
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
    "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty"])}
_WORD_NUMBERS.update({"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
                      "ninety": 90, "hundred": 100, "a dozen": 12, "dozen": 12,
                      # ACLED's convention for vague counts: "dozens" 12, "scores" 20, "hundreds" 100.
                      "dozens": 12, "scores": 20, "hundreds": 100})
_NUMBER = re.compile(r"(?<![\w,.-])(?P<number>\d{1,3}(?:,\d{3})+|\d+|" + "|".join(
    sorted(map(re.escape, _WORD_NUMBERS), key=len, reverse=True)) + r")(?:\s*(?:-|–|to)\s*(?:\d+|\w+))?(?![\w-])",
    re.IGNORECASE)
_VICTIMS = re.compile(r"^(?:\W+\w+){0,3}?\W+(?:soldiers?|troops|militants?|civilians?|people|persons|personnel"
                      r"|fighters?|attackers?|assailants|insurgents?|terrorists?|children|women|men|policemen"
                      r"|police(?:men)?|officers?|members|cadets|students|workers|journalists?|guards|others"
                      r"|Taliban|bombers?|villagers|security\s+forces|family\s+members|more|of\s+them)\b",
                      re.IGNORECASE)
# "killing nine children and a woman": one more.
_ONE_VICTIM = re.compile(r"(?:^\W*|\b(?:and|killing|killed)\s+)an?\s+(?:soldier|civilian|woman|child|girl|boy|man"
                         r"|policeman|officer|journalist|militant|attacker)\b", re.IGNORECASE)
_KILLED_AFTER = re.compile(r"^\W+(?:(?:were|was|have\s+been|had\s+been|are|being)\s+)?(?:killed|dead|died|slain"
                           r"|martyred|lost)\b", re.IGNORECASE)
_WOUNDED_NEAR = re.compile(r"\b(?:wound\w*|injur\w*|hurt|arrest\w*|detain\w*|abduct\w*)\b", re.IGNORECASE)
_NOT_A_COUNT_AFTER = re.compile(r"^\s*(?:-?\s*km|kilomet|miles|hours?|days?|weeks?|months?|years?|percent|%|families"
                                r"|villages|posts|vehicles|containers|round|rounds|points|sites|GMT|am|pm)\b",
                                re.IGNORECASE)

# --- actors ---------------------------------------------------------------------------------------
_ACTORS: list[tuple[str, re.Pattern]] = [(name, re.compile(pattern, re.IGNORECASE)) for name, pattern in [
    ("TTP", r"\b(?:Pakistani\s+Taliban|Tehr[ei]e?k-[ei]-Taliban(?:\s+Pakistan)?|TTP|Fitna\s+al-Khawarij|khawarij)\b"),
    ("Taliban (Afghanistan)", r"\b(?:Afghan\s+(?:Taliban|forces|troops|soldiers|border\s+forces|security\s+forces)"
                              r"|Taliban\s+(?:forces|fighters|government|authorities|administration)"
                              r"|(?<!Pakistani )(?<!-)Taliban"
                              r"|Islamic\s+Emirate)\b"),
    ("Military Forces of Pakistan", r"\b(?:Pakistan(?:i|'s)?\s+(?:\w+\s+)?(?:soldiers|troops|army|military|forces"
                                    r"|security\s+forces|air\s*force|jets|aircraft|personnel|air\s*strikes?|strikes?"
                                    r"|shelling|posts)|ISPR|Frontier\s+Corps|Pakistan\s+Army)\b"),
    ("Police Forces of Pakistan", r"\b(?:Pakistan(?:i)?\s+police|policemen|Federal\s+Constabulary)\b"),
    ("Civilians", r"\b(?:civilians?|women\s+and\s+children|villagers|journalists?)\b"),
]] + [(name, re.compile(arabic_words(words))) for name, words in [
    ("TTP", "تحریک طالبان پاکستان|ٹی ٹی پی|ټي ټي پي|خوارج|فتنہ الخوارج|پاکستانی طالبان|پاکستاني طالبان"),
    ("Taliban (Afghanistan)", "طالبان|امارت اسلامی|اسلامي امارت|افغان فورسز|نیروهای افغان|افغان ځواکونه"),
    ("Military Forces of Pakistan", "پاکستانی فوج|پاک فوج|سیکیورٹی فورسز|سکیورٹی فورسز|نیروهای پاکستانی"
                                    "|نظامیان پاکستانی|پاکستاني ځواکونه|پاکستاني پوځ|ایف سی"
                                    "|سربازان پاکستانی|سرباز پاکستانی"
                                    "|پاکستاني سرتېري|پاکستاني سرتیري|فوجی اہلکار|سیکیورٹی اہلکار"),
    ("Police Forces of Pakistan", "پولیس اہلکار|پولیس"),
    ("Civilians", "عام شہری|شہری|غیرنظامیان|غیر نظامیان|ملکي وګړي|ملکیان"),
]]
#: Who a country stands for in a strategic development (the curated sample's convention).
GOVERNMENTS = {"PK": "Government of Pakistan", "AF": "Taliban (Afghanistan)", "TR": "Government of Turkey",
               "QA": "Government of Qatar", "IR": "Government of Iran", "CN": "Government of China",
               "SA": "Government of Saudi Arabia", "US": "Government of the United States"}


@dataclass(frozen=True)
class Event:
    """What a clause reports: the event type, its ACLED sub-type, and the word that said so."""

    event_type: str
    sub_event_type: str
    trigger: str


def classify(clause: str) -> Event | None:
    """The event a clause reports, or None when it reports none."""
    text = _background_removed(clause)
    found = []
    # A clause in one script is read with that script's words only.
    arabic = bool(_ANY_ARABIC.search(text))
    for kind, sub, pattern in (_TRIGGERS + _ARABIC_TRIGGERS if arabic else _TRIGGERS):
        match = pattern.search(text)
        if match:
            found.append(Event(kind, sub, match.group(0)))
    if not found:
        killing = _KILLING.search(text) or _ARABIC_KILLING.search(text)
        if not killing:
            return None
        if _CIVILIANS.search(text) or _ARABIC_CIVILIANS.search(text):
            return Event("Violence against civilians", "Attack", killing.group(0))
        return Event("Battles", "Armed clash", killing.group(0))
    return min(found, key=lambda e: _ORDER.index(e.event_type))


def _background_removed(clause: str) -> str:
    return _DESPITE.sub(lambda m: " " * len(m.group(0)), clause)


def fatalities(clause: str) -> int | None:
    """People reported killed in a clause ("killed five soldiers and 25 militants" -> 30), None if not said."""
    counts = fatality_counts(clause)
    return sum(n for _, n in counts) if counts else None


def fatality_counts(clause: str) -> list[tuple[int, int]]:
    """Each death count of a clause with its position in it: [(offset, 5), (offset, 25)] (empty if none is told).

    A range counts its lower figure ("25 to 30", "between 45 and 50": 25, 45), as ACLED codes it;
    "a woman" counts one; a number of wounded or of anything but people does not count.
    """
    clause = clause.translate(DIGITS)
    if _ARABIC_KILLING.search(clause):
        return _arabic_counts(clause)
    if not _KILLING.search(clause):
        return []
    counts = []
    for match in _NUMBER.finditer(clause):
        after, before = clause[match.end():match.end() + 60], clause[max(0, match.start() - 30):match.start()]
        if _NOT_A_COUNT_AFTER.match(after) or re.search(r"\b(?:at|on|since|in|of)\s*$", before, re.IGNORECASE) \
                and match.group("number").isdigit():
            continue  # "2,600 km", "on 19", "in 2021"
        if re.search(r"\bbetween\s+\S+\s+and\s*$", before, re.IGNORECASE):
            continue  # the upper figure of "between 45 and 50"
        victims = _VICTIMS.match(after)
        killed = _KILLED_AFTER.match(after) or victims and _killing_follows(clause[match.end() + victims.end():]) \
            or victims and _killing_precedes(clause[max(0, match.start() - 60):match.start()])
        wounded = _WOUNDED_NEAR.search(before[-25:]) or _WOUNDED_NEAR.search(after.split(" and ")[0][:25])
        if killed and not wounded:
            counts.append((match.start(), _value(match.group("number"))))
    for match in _ONE_VICTIM.finditer(clause):
        if not _WOUNDED_NEAR.search(clause[max(0, match.start() - 25):match.start()]):
            counts.append((match.start(), 1))
    return sorted(counts)


# Another verb between a count and the word of killing makes the count that verb's: "killed all five assailants
# and evacuated more than 600 people". Participles that qualify a count are no such verb.
_OTHER_VERB = re.compile(r"\b(?!(?:estimated|reported|suspected|armed|alleged|wounded|injured)\b)\w{3,}ed\b",
                         re.IGNORECASE)


def _killing_follows(rest: str) -> bool:
    """A word of killing closes the victims' phrase ("25 militants were killed", "a major among them, died")."""
    killing = _KILLING.search(rest)
    return bool(killing) and not _OTHER_VERB.search(rest[:killing.start()])


def _killing_precedes(before: str) -> bool:
    """A word of killing governs the count ("killed five soldiers and 25 militants")."""
    found = list(_KILLING.finditer(before))
    return bool(found) and not _OTHER_VERB.search(before[found[-1].end():])


# Number words of Urdu, Dari and Pashto. "نو" (nine, also "new") and "نه" (nine, also "no") count only
# before a word of killing, as every number here does.
_ARABIC_NUMBERS = {w: n for n, words in {
    1: "ایک یک یو", 2: "دو دوه", 3: "تین سه درې دری", 4: "چار چهار څلور", 5: "پانچ پنج پنځه", 6: "چھ شش شپږ",
    7: "سات هفت اووه", 8: "آٹھ هشت اته", 9: "نو نه نهه", 10: "دس ده لس", 11: "گیارہ یازده یوولس",
    12: "بارہ دوازده دولس درجنوں دهها لسګونه", 13: "تیرہ سیزده دیارلس", 14: "چودہ چهارده څوارلس",
    15: "پندرہ پانزده پنځلس", 16: "سولہ شانزده شپاړس", 17: "سترہ هفده اوولس", 18: "اٹھارہ هجده اتلس",
    19: "انیس نوزده نولس", 20: "بیس بیست شل", 25: "پچیس", 30: "تیس سی دېرش", 40: "چالیس چهل څلوېښت",
    50: "پچاس پنجاه پنځوس", 100: "سو صد سل سیکڑوں صدها سلګونه"}.items() for w in words.split()}
_ARABIC_NUMBER = re.compile(r"(?<![\d" + ARABIC_LETTERS + r"])(?P<number>\d{1,4}|" + "|".join(
    sorted(map(re.escape, _ARABIC_NUMBERS), key=len, reverse=True)) + r")(?![\d" + ARABIC_LETTERS + "])")
_ARABIC_TOKEN = re.compile("[" + ARABIC_LETTERS + "\u200c]+|\\d+")
# A number is a death count when a word of killing follows it within this many words, before any word of wounding.
_ARABIC_COUNT_WINDOW = 6


def _arabic_counts(clause: str) -> list[tuple[int, int]]:
    """Deaths told in Urdu, Dari or Pashto: a number followed, within a few words, by a word of killing."""
    counts = []
    for match in _ARABIC_NUMBER.finditer(clause):
        after = " ".join(_ARABIC_TOKEN.findall(clause[match.end():match.end() + 80])[:_ARABIC_COUNT_WINDOW])
        killing, wounded = _ARABIC_KILLING.search(after), _ARABIC_WOUNDED.search(after)
        if killing and not (wounded and wounded.start() < killing.start()):
            number = match.group("number")
            counts.append((match.start(), int(number) if number.isdigit() else _ARABIC_NUMBERS[number]))
    return counts


def _value(number: str) -> int:
    number = number.lower().replace(",", "")
    return int(number) if number.isdigit() else _WORD_NUMBERS[number]


def actors(clause: str, countries: list[str], event_type: str) -> list[str]:
    """Actors named in a clause, ACLED-style; for a strategic development, the governments of the countries named."""
    found = []
    clause = _background_removed(clause)
    for name, pattern in _ACTORS:
        # A matched name is blanked out, so "تحریک طالبان پاکستان" is the TTP and not the Taliban as well.
        clause, hits = pattern.subn(lambda m: " " * len(m.group(0)), clause)
        if hits and name not in found:
            found.append(name)
    if event_type == "Strategic developments":
        found += [GOVERNMENTS[c] for c in countries if c in GOVERNMENTS and GOVERNMENTS[c] not in found]
    return found
