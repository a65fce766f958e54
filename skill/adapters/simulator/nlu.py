"""Offline Dutch understanding, built only from the interaction model and the built-in phrasings.

Alexa's cloud is not reachable here, and Amazon deprecated its NLU evaluation and conflict
detection APIs. This module gives the skill an offline stand-in that reads the same
`interaction_model/nl-NL.json` Amazon would build from:

1. Normalise: lower case, accents and punctuation folded, filler words ("eh", "nou", "alexa",
   "even") dropped, recognition slips corrected to the model's vocabulary (rapidfuzz).
2. Invocation: "open hamstring hulp" is a launch; "vraag hamstring hulp of ..." a one-shot intent.
3. Exact: every sample becomes a pattern; slots must hold a value of their type
   (custom values and synonyms, AMAZON.NUMBER through text2num's Dutch number words).
4. Similar: otherwise the nearest samples by TF-IDF over words, word pairs and character
   4-grams decide, when the best intent is clearly ahead; anything else is AMAZON.FallbackIntent.
"""
from __future__ import annotations

import json
import math
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import yaml
from rapidfuzz import fuzz, process
from text_to_num import text2num

from skill import paths

BUILTINS_FILE = Path(__file__).with_name("builtin_intents.nl-NL.yaml")

FILLERS = frozenset({"eh", "ehm", "uh", "uhm", "hm", "hmm", "nou", "even", "effe", "eventjes", "alexa", "ff",
                     "eigenlijk", "hallo", "hoi", "goedemorgen", "goedemiddag", "goedenavond"})
# Politeness at the end of a request: "verwijder mijn gegevens alsjeblieft" asks the same as without.
POLITE = frozenset({"graag", "alsjeblieft", "alstublieft", "asjeblieft", "hoor"})
# Spoken contractions written out, so "m'n kuit" and "mijn kuit" are the same words.
CONTRACTIONS = {"m'n": "mijn", "z'n": "zijn", "d'r": "haar", "'t": "het"}
LAUNCH_VERBS = ("open", "start", "begin", "activeer", "speel")
ASK_VERBS = ("vraag aan", "vraag", "zeg tegen", "zeg", "laat", "open", "start", "gebruik", "met")
ARTICLES = frozenset({"de", "het", "een", "'t", "mijn", "m'n", "je", "jouw"})
# Words that qualify an answer without changing it: "een beetje mank", "echt heel plotseling".
MODIFIERS = frozenset({"een", "beetje", "wel", "heel", "erg", "echt", "best", "nogal", "wat", "vooral", "zeker",
                       "toch", "denk", "ik", "het", "is", "was", "de", "en", "maar", "ook", "vrij", "redelijk"})
MAX_UNKNOWN_IN_VALUE = 1
MAX_WORDS_FOR_VALUE_ALONE = 7
MAX_WORDS_FOR_NUMBER_ALONE = 4
STRONG = 0.4              # similarity from which a near sample beats a carrier phrase with an unknown value
# Dutch question words. Whether an utterance asks something is a feature of its own, so that
# "pijn achter in mijn bovenbeen, hoe lang duurt dat" leans towards the questions, not the complaint.
QUESTION_WORDS = frozenset({"hoe", "hoelang", "hoeveel", "wat", "wanneer", "waarom", "welke", "welk", "waar",
                            "waardoor", "waarvan", "wie"})
QUESTION_WEIGHT = 1.0
CONNECTORS = frozenset({"om", "of", "naar", "over", "voor", "en", "me", "mij", "dat"})
FALLBACK = "AMAZON.FallbackIntent"
EMERGENCY_INTENT = "EmergencyIntent"
NEGATIONS = frozenset({"niet", "geen", "nooit", "nee", "niks", "niets", "nergens"})
NEGATION_WINDOW = 3      # words either side of a sign that can deny it: "benauwd ben ik niet"
CLAUSE_BREAKS = frozenset({"maar", "en", "want", "of", "wel"})
PLACE_WORDS = frozenset({"in", "aan", "op", "bij", "met", "achter", "boven", "onder"})
SUBJECTS = frozenset({"ik", "hij", "ze", "zij", "je", "we", "wij", "het"})
# Signs whose negation is part of the sign ("ik kan niet meer goed ademen"), read as patterns.
NEGATED_SIGNS = (
    ("breathing", re.compile(r"\b(niet|nauwelijks|amper|haast niet|bijna niet) (meer )?(goed )?(ademen|ademhalen|adem halen)\b")),
    ("breathing", re.compile(r"\b(krijg|krijgt|kreeg) (bijna |haast )?geen (lucht|adem)\b")),
    ("fall_cannot_stand", re.compile(r"\b(lig|ligt|lag) op de (grond|vloer)\b.*\b(niet|geen)\b.*\b(overeind|opstaan|staan)\b")),
)
SIGN_FILLERS = frozenset({"ineens", "opeens", "echt", "heel", "zo", "erg", "nu", "plots", "toch", "gewoon", "helemaal",
                          "enorm"})
SIGN_WORDS = frozenset({"koorts", "verhoging", "rood", "warm", "dik", "gezwollen", "ziek", "benauwd", "kortademig",
                        "tintelt", "tintelingen", "doof"})   # what "nee, maar wel ..." can half-confirm
WANTING = frozenset({"wil", "willen", "wilt", "graag", "wilde", "vraag", "vraagje", "vragen"})   # a wish, not a description
DOING = frozenset({"doe", "doen", "start", "begin", "starten", "beginnen", "laat", "opwarmen"})   # "nee, doe maar de warming-up"
ANSWER_INTENTS = frozenset({"AMAZON.YesIntent", "AMAZON.NoIntent"})
OUT_OF_SCOPE_INTENT = "OutOfScopeIntent"
_BREATH_TROUBLE = frozenset({"moeilijk", "slecht", "nauwelijks", "amper", "zwaar", "moeite", "stokt", "happen", "hap",
                             "hapt", "happend", "snakken", "snak", "snakt", "tekort"})
# Signs by the words they are made of: (sign id, groups of words that must all occur, whether a
# negation near the first word denies it). Negations that are part of a sign ("ik kan niet plassen")
# are listed as its words and not checked as a denial.
EMERGENCY_CONCEPTS = (
    ("breathing", (frozenset({"stik", "stikken", "stikt", "benauwd", "kortademig", "ademnood", "hijg", "hijgen",
                              "hijgt", "snakken", "snak"}),), True),
    ("breathing", (frozenset({"adem", "ademen", "ademhalen", "ademhaling", "lucht"}), _BREATH_TROUBLE), True),
    ("chest_pain", (frozenset({"borst", "borstkas"}), frozenset({"pijn", "druk", "drukkend", "beklemmend", "knellend",
                                                               "steek", "steken", "zwaar", "benauwd", "band", "knelt",
                                                               "klem", "beklemd", "drukt"})), True),
    ("coughing_blood", (frozenset({"bloed"}), frozenset({"hoest", "hoesten", "ophoesten", "opgehoest", "spuug", "spugen",
                                                        "opgeven", "hoestte", "ophoest", "ophoestte", "hoestend",
                                                        "opgeef", "slijm", "fluim", "fluimen"})), True),
    ("saddle", (frozenset({"gevoelloos", "doof", "verdoofd"}), frozenset({"kruis", "schaamstreek", "zitvlak", "anus",
                                                                        "schaamlippen", "balzak", "billen", "bil"})), True),
    ("saddle", (frozenset({"voel", "voelt", "gevoel", "voelen"}), frozenset({"niks", "niets", "geen", "weg", "kwijt"}),
                frozenset({"kruis", "schaamstreek", "zitvlak", "anus", "billen", "bil", "balzak",
                           "schaamlippen"})), False),
    ("bladder", (frozenset({"urine", "plas"}), frozenset({"lopen", "gelekt", "lekt", "lekken", "geplast"})), False),
    ("bladder", (frozenset({"plassen", "plas", "urine", "ontlasting", "poepen", "blaas"}),
                 frozenset({"niet", "geen", "ophouden", "verlies", "kwijt", "nauwelijks"})), False),
    ("fall_cannot_stand", (frozenset({"gevallen", "gestruikeld", "uitgegleden"}),
                           frozenset({"opstaan", "staan", "overeind", "lopen"}), frozenset({"niet", "geen"})), False),
    ("cold_pale_leg", (frozenset({"koud", "ijskoud", "kil"}), frozenset({"bleek", "wit", "blauw", "grauw", "lijkbleek"})),
     True),
    ("unconscious", (frozenset({"flauwgevallen", "bewusteloos", "flauwvallen", "flauw"}),), True),
    ("unconscious", (frozenset({"wakker", "reageert", "aanspreekbaar"}), frozenset({"niet", "niks", "geen"})), False),
    ("unconscious", (frozenset({"bewustzijn"}), frozenset({"buiten", "verloren", "kwijt", "verliest", "verloor",
                                                            "niet"})), False),
    ("unconscious", (frozenset({"gezakt", "zakte", "zakt"}), frozenset({"elkaar"})), True),
    ("unconscious", (frozenset({"neergegaan", "ingestort", "neergevallen"}),), True),
)
NEAR_WORDS = frozenset({"achter", "achterin", "boven", "onder", "tot", "bij", "naar", "rond", "langs", "richting"})
CLOSING_WORDS = frozenset({"doei", "dooei", "tot ziens", "stop", "stop maar", "houdoe", "later", "de mazzel",
                           "stoppen", "stopt u maar", "stop u maar", "ik ga stoppen", "ik stop", "ik stop ermee",
                           "hou maar op", "houd maar op", "hou op", "stoppen maar", "we stoppen", "laten we stoppen",
                           "ik hou ermee op", "ik hou op", "klaar ermee", "stop ermee", "we stoppen ermee",
                           "je mag stoppen", "u mag stoppen", "mag je stoppen", "ik wil stoppen", "ik ga ophangen",
                           "stopt u ermee", "daar stoppen we mee", "doeg", "tot later", "tot de volgende keer",
                           "stop ik", "dan stop ik", "stop ik ermee", "dan stop ik ermee"})
# Saying one stops, anywhere in a sentence that asks nothing.
STOPPING_NOW = ("ik stop ermee", "ik stop er mee", "ik hou ermee op", "ik hou er mee op", "we stoppen ermee",
                "we stoppen er mee", "ik stop er maar mee", "ik ga ophangen", "ik moet weg", "ik moet ophangen")
# Words before "stoppen" that make it no goodbye: "je hoeft nog niet te stoppen", "ik wil er niet mee stoppen".
NOT_STOPPING_NOW = frozenset({"niet", "geen", "nog", "hoef", "hoeft", "hoeven", "zin", "wanneer", "moet", "moeten",
                              "mag", "mogen", "wil", "om", "te", "mee", "als", "of"})
# Thanks and "that was it" at the end close too ("nee dank u wel, dat was het", "stop, dankjewel"),
# unless the sentence began with a yes ("ja graag, dank je" accepts what was offered).
THANKS_ENDINGS = ("dank je", "dank je wel", "dank u", "dank u wel", "dankjewel", "dankuwel", "bedankt", "dank",
                  "dat was het", "dat is het", "dat was alles", "dat is alles", "dat is genoeg", "genoeg zo",
                  "dat is wel genoeg", "dat was het wel", "ik weet genoeg", "dan weet ik genoeg", "dat is het wel")
THANKS = frozenset({"dank", "bedankt", "dankjewel", "dankuwel"})
TRAILING_GOODBYE = frozenset({"hoor", "dag", "doei", "groetjes"})
NOTHING_MORE = ("verder niets", "verder niks", "niets meer", "niks meer", "verder niet", "meer wil ik niet weten",
                "meer hoef ik niet te weten", "ik wil niks meer weten", "ik wil niets meer weten")   # closes with thanks said
YES_FIRST = frozenset({"ja", "jawel", "jazeker", "zeker", "graag", "natuurlijk", "absoluut", "klopt"})
HAMSTRING_WORDS = frozenset({"hamstring", "hamstrings", "bovenbeen", "dij", "dijbeen", "zitbot",
                             "hammie", "hammies", "achterkant"})
# Body parts that are never the hamstring (the foot and the calf are part of its questions).
OUTSIDE_BODY_SPANS = frozenset({
    "knie", "mijn knie", "haar knie", "zijn knie", "mijn knieen", "knieschijf", "mijn knieschijf", "knieband",
    "mijn knieband", "mijn kniebanden", "rug", "mijn rug", "onderrug", "mijn onderrug", "lage rug", "spit",
    "spit in mijn onderrug", "schouder", "mijn schouder", "enkel", "mijn enkel", "nek", "mijn nek", "mijn arm",
    "mijn pols", "lies", "mijn lies", "kuitkramp", "kuitkrampen", "kramp in mijn kuit", "kramp in haar kuit",
    "kramp in zijn kuit", "een kramp in mijn kuit", "nachtelijke kramp", "mijn elleboog", "mijn hoofd", "hoofdpijn",
    "mijn scheenbeen", "scheenbeenvliesontsteking", "mijn achillespees", "achillespees", "hielspoor", "mijn hiel",
    "voorkant van mijn bovenbeen", "de voorkant van mijn bovenbeen", "scheenbenen", "mijn scheenbenen",
    "haar scheenbenen", "zijn scheenbenen", "haar scheenbeen", "zijn scheenbeen", "schenen", "mijn schenen",
    "haar schenen", "kruisband", "mijn kruisband", "haar kruisband", "zijn kruisband", "meniscus", "mijn meniscus",
    "enkelband", "mijn enkelband", "mijn enkels", "haar enkel", "zijn enkel", "mijn schouders", "bovenrug",
    "mijn bovenrug", "haar rug", "zijn rug", "rugpijn", "lage rugpijn", "hernia", "nekpijn", "tennisarm",
    "tenniselleboog", "golfarm", "liesblessure", "liespijn", "haar lies", "zijn lies", "mijn buik", "buikpijn",
    "mijn tenen", "mijn hand", "mijn vingers", "voorkant van haar bovenbeen", "voorkant van zijn bovenbeen",
    "mijn bovenarm", "verzwikte enkel", "kniepijn", "pijn in mijn knie", "voetzool", "mijn voetzool", "mijn voetzolen"})
# How a spoken question starts when it has no question word: "mag ik", "kan ik", "is het", "helpt ...".
QUESTION_STARTS = frozenset({"mag", "kan", "moet", "mogen", "kunnen", "moeten", "zal", "zou", "is", "helpt", "werkt",
                             "heeft", "hebben", "ben"})
# A story, then a question: "ik heb ... , hoe kan dat". The question counts when it starts after at
# least STORY_WORDS words, fits an intent at least this well, and the story names no warning sign.
MIN_WORDS_FOR_STORY_AND_QUESTION = 7
STORY_WORDS = 4
QUESTION_AT_END = 0.35
STORY_WITHOUT_SIGNS = frozenset({"sudden_sport", "gradual", "previous_injury", "long_time"})   # KLACHT ids
NOT_A_QUESTION = frozenset({"StartTriageIntent", "DontKnowIntent", "NumberAnswerIntent", "DurationAnswerIntent",
                            "ChoiceAnswerIntent", "EmergencyIntent", "EasierIntent", "SkipIntent", "DeleteDataIntent",
                            "OutOfScopeIntent"})      # with every AMAZON.* intent: commands and answers, not questions
BARE_QUESTION = QUESTION_WORDS | QUESTION_STARTS | SUBJECTS | frozenset({
    "dat", "dit", "er", "nou", "dan", "wel", "nog", "toch", "verstandig", "slim", "goed", "erg", "normaal", "kan",
    "mag", "moet", "zijn", "komt", "gebeurt", "doen", "me", "mij", "daarmee", "daar", "aan", "mee", "van", "zo"})
BARE_QUESTION_AT_END = 0.55         # "..., hoe komt dat": only a question that is nearly a sample by itself
CLEAR_QUESTION = 0.9                 # a question at the end that is a sample itself ("..., hoe ontstaat dat")
UNSURE = 0.4                         # below this, a whole sentence's nearest intent yields to its clear last question
# A complaint told in a sentence: where (the back of the thigh) and what was felt.
MIN_WORDS_FOR_A_STORY = 5
STATING_VERBS = frozenset({"is", "ben", "heeft", "hebben"})   # start a question only when a subject follows
INVERTED_VERBS = frozenset({"zijn", "doet", "gaat", "wordt", "hoort", "klopt", "komt"})   # "zijn dat symptomen"
TELLERS = SUBJECTS | frozenset({"mijn", "zijn", "haar", "mn"})         # someone tells: "ik", "mijn been", "hij"
MODALS = frozenset({"mag", "mogen", "moet", "moeten", "zou", "zal", "zouden", "wil", "wilde"})   # asking or wishing
WHERE_IT_HURTS = HAMSTRING_WORDS | frozenset({"been", "benen", "dijbeen", "achterin", "zitbeen", "zitbenen", "bil",
                                              "billen", "achterbeen", "zitbeenknobbel", "knieholte"})
WHAT_WAS_FELT = frozenset({"pijn", "zeer", "trekt", "trekken", "trekkend", "schoot", "schiet", "steek", "steken", "knap",
                           "knak", "blauwe", "stijf", "last", "klacht", "klachten", "verrekt", "verrekking", "gevoeld",
                           "voelde", "scheurde", "pijnlijk", "beurs", "kramp", "geknapt", "gescheurd", "opgelopen",
                           "zeurende", "zeurt", "zeurend", "zeuren", "schieten", "trok", "getrokken", "knapte",
                           "strak", "stekende", "stekend", "gevoelig", "klapte", "verrekte", "verrekken", "pijnlijke",
                           "scheurtje", "geblesseerd", "blessure", "spierpijn", "knappen", "scheuren", "klappen",
                           "voelen", "tintelt", "tintelen", "tinteling", "tintelingen", "straalt", "uitstraalt",
                           "doof", "slaapt"})
# A sudden feeling during sport tells a complaint even without naming the place: "ik voelde iets
# schieten bij het sprinten".
SUDDEN_FEELING = frozenset({"schoot", "schiet", "schieten", "knap", "knapte", "geknapt", "scheurde", "klapte", "trok",
                            "knappen", "scheuren", "klappen",
                            "steek", "knak", "verrekt", "getrokken"})
DURING_SPORT = frozenset({"sprinten", "sprint", "sprintje", "voetballen", "voetbal", "hardlopen", "hardloop", "rennen",
                          "training", "trainen", "wedstrijd", "hockey", "hockeyen", "tennis", "tennissen", "dansen",
                          "sporten", "schieten", "springen", "uitvallen", "lopen", "atletiek", "korfbal",
                          "liep", "rende", "rennend", "sprintte", "bukte", "bukken", "tillen", "tilde", "trapte"})
ROUTINE_VERBS = frozenset({"doe", "doen", "start", "starten", "begin", "beginnen", "leid", "begeleid", "oefenen",
                           "helpen", "help", "leiden", "begeleiden"})
FOR_ME = frozenset({("voor", "mij"), ("voor", "me"), ("met", "me"), ("met", "mij"), ("heeft", "u"), ("heb", "je"),
                    ("voor", "mijn"), ("met", "mijn"), ("voor", "haar"), ("voor", "hem"), ("voor", "ons"),
                    ("met", "haar"), ("met", "hem"), ("met", "ons"),
                    ("hebt", "u"), ("hebt", "je")})        # "heeft u een cooling-down voor mij"
ROUTINE_ONLY_WITH = ARTICLES | POLITE | frozenset({"snel", "gauw", "nu", "maar", "meteen", "direct", "nog", "een"})
ASKING_ABOUT = frozenset({"weten", "vragen", "horen", "helpt", "werkt", "nut", "zin", "waarom", "uitleg"})
ABOUT_A_ROUTINE = frozenset({"is", "helpt", "werkt", "waarom", "wat", "hoe", "heeft", "moet", "moeten", "hoelang",
                             "hoeveel", "welke", "wanneer"})
# Commands that, said at the end of a story, are what the listener asks for.
COMMAND_INTENTS = frozenset({"StartRoutineIntent", "ResumeRoutineIntent", "AMAZON.StartOverIntent"})
STRONG_ENOUGH = 0.5                  # how well a sentence must fit once the intent it was nearest is ruled out
ASKING_ONLY_AS_COMMAND = frozenset({"ReturnToSportCheckIntent"})
BECAUSE = frozenset({"want", "omdat", "aangezien", "hoewel", "alhoewel"})
MIN_WORDS_BEFORE_BECAUSE = 3
LONG_FOR_A_COMMAND = 7               # words from which a sentence near a command word may tell something else
LONG_FOR_AN_ANSWER = 8               # words from which a hedge inside a sentence no longer makes it an answer
SUBJECT_OVER_HEDGE = 0.75            # how close the best other intent must come to the answer's score
MIN_WORDS_FOR_A_REQUEST = 5          # "nee, alleen een beetje stijf" explains the answer; longer may ask something
REQUEST_AFTER_ANSWER = 0.3           # how clearly the rest must fit another intent to count as a request
# What may follow "ja" or "nee" as its explanation rather than as a request of its own: "ja, al twee weken".
EXPLANATIONS = frozenset({"DurationAnswerIntent", "NumberAnswerIntent", "ChoiceAnswerIntent", "DontKnowIntent"})

PAIN_GONE = re.compile(r"\b(?:geen|niks|niets|nauwelijks) (?:meer )?(?:pijn|last)\b"
                       r"|\b(?:pijn|last|trekkende gevoel|trekkend gevoel)\b(?: \w+){0,5} (?:is|zijn) (?:weg|over|verdwenen)\b")
SADDLE_WORDS = re.compile(r"\btussen (?:mijn|m'n|mn|haar|zijn|de|je) (?:benen|billen)\b")
# A parent asks for a child as a listener asks for themself: compared as the first person.
SPEAKER = {"hij": "ik", "ze": "ik", "zij": "ik", "haar": "mijn", "hem": "me", "mn": "mijn"}
A_LITTLE = frozenset({"alleen", "nog", "ook", "wel", "best", "maar", "iets", "toch", "heel", "een", "beetje", "soms"})
ORDINALS = {"eerste": "1", "tweede": "2", "derde": "3", "vierde": "4"}

_SLOT_REF = re.compile(r"\{(\w+)\}")


def normalize(text: str) -> str:
    """Lower case, accents and punctuation folded; apostrophes in "m'n" and "'t" kept."""
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("`", "'")
    text = re.sub(r"[^a-z0-9'{} ]+", " ", text.replace("-", " "))
    text = re.sub(r"(?<![a-z])'(?![nts]\b)|'(?![a-z])", " ", text)  # quotes, not m'n / 't / z'n
    words = [CONTRACTIONS.get(word, word) for word in text.split()]
    text = " ".join(words)
    text = re.sub(r"\b(of zo|ofzo|zo ongeveer)$", "", text)          # "zes of zo": a hedge, not content
    text = re.sub(r"\b(fase|onderdeel|deel) een\b", r"\1 1", text)   # "fase een": Alexa hears "fase 1"
    return " ".join(text.split())


def _asks(text: str) -> bool:
    """A question of at least four words: a question word anywhere, or a verb first ("mag ik ...")."""
    words = text.split()
    return len(words) >= 4 and (words[0] in QUESTION_STARTS or any(w in QUESTION_WORDS for w in words))


def drop_fillers(text: str) -> str:
    words = [t for t in text.split() if t not in FILLERS]
    while len(words) > 1 and words[-1] in POLITE:      # "minder zwaar graag", "wis het alsjeblieft"
        words.pop()
    return " ".join(words)


@dataclass(frozen=True)
class SlotValue:
    id: str
    name: str


@dataclass
class SlotFill:
    name: str
    value: str | None = None          # what was heard
    resolved: str | None = None       # canonical value (custom types)
    id: str | None = None             # canonical id (custom types)
    type: str = ""
    matched: bool = False             # entity resolution succeeded
    partial: bool = False             # the value was found inside a longer stretch of words

    def envelope(self, authority: str) -> dict[str, Any]:
        slot: dict[str, Any] = {"name": self.name, "confirmationStatus": "NONE"}
        if self.value is None:
            return slot
        slot["value"] = self.value
        slot["source"] = "USER"
        if not self.type.startswith("AMAZON."):
            status = "ER_SUCCESS_MATCH" if self.matched else "ER_SUCCESS_NO_MATCH"
            per_authority: dict[str, Any] = {"authority": f"{authority}.{self.type}", "status": {"code": status}}
            if self.matched:
                per_authority["values"] = [{"value": {"name": self.resolved, "id": self.id}}]
            slot["resolutions"] = {"resolutionsPerAuthority": [per_authority]}
        return slot


@dataclass
class Understanding:
    kind: str                              # "launch", "intent" or "empty"
    intent: str | None = None
    slots: dict[str, SlotFill] = field(default_factory=dict)
    one_shot: bool = False                 # the utterance named the skill
    confidence: float = 0.0
    method: str = ""                       # "exact", "similar", "fallback"


@dataclass
class _Sample:
    intent: str
    text: str                              # normalised, fillers removed, slots as {name}
    slots: tuple[str, ...]
    pattern: re.Pattern | None
    literal_tokens: int
    vector: dict[str, float] = field(default_factory=dict)


class SlotTypes:
    """Custom slot types with their values and synonyms, and the built-in types we understand."""

    def __init__(self, types: list[dict]):
        self.values: dict[str, dict[str, SlotValue]] = {}
        for slot_type in types:
            table: dict[str, SlotValue] = {}
            for value in slot_type.get("values", []):
                name = value["name"]["value"]
                entry = SlotValue(value.get("id") or name, name)
                for phrase in [name] + list(value["name"].get("synonyms", [])):
                    table[drop_fillers(normalize(phrase))] = entry
            self.values[slot_type["name"]] = table

    def resolve(self, type_name: str, spoken: str, fuzzy: bool = True) -> SlotValue | None:
        """The value the words stand for. Without `fuzzy`, only values and synonyms with modifiers around them
        ("echt plotseling"), no other words and no spelling slips."""
        table = self.values.get(type_name, {})
        key = drop_fillers(normalize(spoken))
        if key in table:
            return table[key]
        words = key.split()
        if len(words) > 1 and words[0] in ARTICLES and " ".join(words[1:]) in table:
            return table[" ".join(words[1:])]
        composed = self._compose(table, words, MAX_UNKNOWN_IN_VALUE if fuzzy else 0)
        if composed is not None or not fuzzy:
            return composed
        if table and len(key) >= 4:
            best = process.extractOne(key, list(table), scorer=fuzz.ratio, score_cutoff=86)
            if best:
                return table[best[0]]
        return None

    @staticmethod
    def _compose(table: dict[str, SlotValue], words: list[str], max_unknown: int) -> SlotValue | None:
        """"plotseling tijdens het sprinten", "steeds een beetje erger geworden": phrases of one value, with
        modifiers, and at most one other word in three."""
        found: list[SlotValue] = []
        i = unknown = 0
        while i < len(words):
            for size in range(min(6, len(words) - i), 0, -1):
                phrase = " ".join(words[i:i + size])
                if phrase in table:
                    found.append(table[phrase])
                    i += size
                    break
            else:
                if words[i] not in MODIFIERS:
                    unknown += 1
                i += 1
        if found and len({v.id for v in found}) == 1 and unknown <= max_unknown and unknown * 3 <= len(words):
            return found[0]
        return None

    def find_in(self, type_name: str, utterance: str, fuzzy: bool = True) -> tuple[str, SlotValue] | None:
        """The longest phrase of this type that occurs in the utterance, as a whole-word span."""
        words = utterance.split()
        table = self.values.get(type_name, {})
        for size in range(min(len(words), 6), 0, -1):
            for start in range(len(words) - size + 1):
                span = " ".join(words[start:start + size])
                if span in table:
                    return span, table[span]
        if not fuzzy:
            return None
        for size in range(min(len(words), 4), 0, -1):
            for start in range(len(words) - size + 1):
                span = " ".join(words[start:start + size])
                if len(span) >= 6:
                    best = process.extractOne(span, list(table), scorer=fuzz.ratio, score_cutoff=90)
                    if best:
                        return span, table[best[0]]
        return None


@lru_cache(maxsize=8192)
def parse_number(spoken: str) -> int | None:
    text = spoken.strip()
    if re.fullmatch(r"\d+", text):
        return int(text)
    text = drop_fillers(text)
    for prefix in ("ongeveer ", "zo'n ", "zon ", "een stuk of ", "een ", "rond de ", "rond ", "bijna ", "zeker "):
        if text.startswith(prefix) and len(text) > len(prefix):
            number = parse_number(text[len(prefix):])
            if number is not None:
                return number
    for candidate in (text.replace(" ", ""), re.sub(r"([ie]e)en", r"\1ën", text.replace(" ", ""))):
        try:                     # normalising dropped the diaeresis: tweeenveertig -> tweeënveertig
            return int(text2num(candidate, "nl"))
        except (ValueError, TypeError):
            pass
    try:
        return int(text2num(text, "nl"))
    except (ValueError, TypeError):
        return None


class Nlu:
    def __init__(self, model: dict, builtins: dict[str, list[str]] | None = None, *,
                 accept: float = 0.3, margin: float = 0.0):
        language = model["interactionModel"]["languageModel"]
        self.invocation = normalize(language["invocationName"])
        self.types = SlotTypes(language.get("types", []))
        self.intent_slots: dict[str, dict[str, str]] = {}
        self.accept, self.margin = accept, margin
        self.neighbours, self.weights = 3, (1.0, 0.5, 0.25)
        samples: list[_Sample] = []
        for intent in language["intents"]:
            slots = {s["name"]: s["type"] for s in intent.get("slots", [])}
            self.intent_slots[intent["name"]] = slots
            for text in intent.get("samples", []):
                samples.append(self._sample(intent["name"], text))
        for name, phrases in (builtins or {}).items():
            self.intent_slots.setdefault(name, {})
            for text in phrases:
                samples.append(self._sample(name, text))
        self.samples = samples
        self.answer_words = {text: name for name in ("AMAZON.YesIntent", "AMAZON.NoIntent")
                             for text in (builtins or {}).get(name, []) if len(text.split()) == 1}
        self._last_found: dict = {}
        self._last_text = ""
        self.vocabulary = sorted({tok for s in samples for tok in s.text.split() if not tok.startswith("{")}
                                 | {w for table in self.types.values.values() for phrase in table for w in phrase.split()}
                                 | set(self.invocation.split()))
        self._vocab_set = set(self.vocabulary)
        self._idf = self._fit_idf()
        # An inverted index (feature -> samples that have it) scores an utterance against every sample
        # by touching only the features it has; samples indexed by their first word let a pattern be
        # tried only where it can match. Both give exactly what a scan of every sample would.
        self._postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        self._by_first: dict[str, list[int]] = defaultdict(list)
        self._slot_first: list[int] = []
        for index, sample in enumerate(samples):
            sample.vector = self._vector(self._placeholders(sample.text))
            for feature, weight in sample.vector.items():
                self._postings[feature].append((index, weight))
            first = sample.text.split()[0] if sample.text else ""
            if _SLOT_REF.fullmatch(first) or not first:
                self._slot_first.append(index)
            else:
                self._by_first[first].append(index)

    # ------------------------------------------------------------------ building

    def _sample(self, intent: str, text: str) -> _Sample:
        norm = drop_fillers(normalize(text))
        slots = tuple(_SLOT_REF.findall(norm))
        literal = [t for t in norm.split() if not _SLOT_REF.fullmatch(t)]
        regex = ""
        for token in norm.split():
            ref = _SLOT_REF.fullmatch(token)
            part = f"(?P<{ref.group(1)}>.+?)" if ref else re.escape(token)
            regex += (r"\s+" if regex else "") + part
        return _Sample(intent, norm, slots, re.compile(f"^{regex}$"), len(literal))

    @staticmethod
    def _placeholders(text: str) -> str:
        return _SLOT_REF.sub(lambda m: f"slot{m.group(1)}", text)

    @staticmethod
    def _features(text: str) -> Counter:
        words = [SPEAKER.get(w, w) for w in text.split()]    # "mag ze blijven trainen" is "mag ik ..."
        feats: Counter = Counter()
        for w in words:
            feats["w:" + w] += 1.0
            if not w.startswith("slot"):
                padded = f"<{w}>"
                for i in range(max(1, len(padded) - 3)):
                    feats["c:" + padded[i:i + 4]] += 0.75
        for a, b in zip(words, words[1:]):
            feats[f"b:{a}_{b}"] += 0.5
        if any(w in QUESTION_WORDS for w in words):
            feats["q:question"] += QUESTION_WEIGHT      # asking something, or stating something
        else:
            feats["q:statement"] += QUESTION_WEIGHT
        return feats

    def _fit_idf(self) -> dict[str, float]:
        df: Counter = Counter()
        for sample in self.samples:
            df.update(set(self._features(self._placeholders(sample.text))))
        n = len(self.samples)
        return {f: math.log((1 + n) / (1 + d)) + 1.0 for f, d in df.items()}

    def _vector(self, text: str) -> dict[str, float]:
        default = math.log(1 + len(self.samples)) + 1.0
        vec = {f: c * self._idf.get(f, default) for f, c in self._features(text).items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        return {f: v / norm for f, v in vec.items()}

    # ------------------------------------------------------------------ understanding

    def correct(self, text: str) -> str:
        """Maps unknown words to the nearest vocabulary word: 'hamstrig' -> 'hamstring'."""
        out = []
        for token in text.split():
            if token in self._vocab_set or len(token) < 5 or token.isdigit() or parse_number(token) is not None:
                out.append(token)
                continue
            best = process.extractOne(token, self.vocabulary, scorer=fuzz.ratio, score_cutoff=84)
            out.append(best[0] if best else token)
        return " ".join(out)

    def split_invocation(self, text: str) -> tuple[str, str | None]:
        """Returns ("launch", None), ("one_shot", rest) or ("none", text)."""
        words = text.split()
        target = self.invocation.replace(" ", "")
        for start in range(0, min(4, len(words))):
            for size in (1, 2, 3):
                if start + size > len(words):
                    break
                candidate = "".join(words[start:start + size])
                if fuzz.ratio(candidate, target) >= 85:
                    before = " ".join(words[:start])
                    rest = words[start + size:]
                    if before and not any(before == v or before.endswith(" " + v) or before.startswith(v) for v in ASK_VERBS + LAUNCH_VERBS):
                        continue
                    while rest and rest[0] in CONNECTORS:
                        rest = rest[1:]
                    if not rest or rest == ["op"]:        # "start hamstring hulp op"
                        return "launch", None
                    return "one_shot", " ".join(rest)
        return "none", text

    def understand(self, utterance: str) -> Understanding:
        text = drop_fillers(normalize(utterance))
        if not text:
            return Understanding("empty")
        mode, rest = self.split_invocation(text)
        if mode == "launch":
            return Understanding("launch", confidence=1.0, one_shot=True, method="exact")
        result = self.classify(rest if rest is not None else text)
        result.one_shot = mode == "one_shot"
        return result

    def classify(self, text: str) -> Understanding:
        text = drop_fillers(normalize(text))
        sign = (self._emergency_sign(text) or self._emergency_sign(self.correct(text))
                or self._emergency_concept(text))
        if sign is not None:
            return sign
        closing = self._closing(text)
        if closing is not None:
            return closing
        outside = self._out_of_scope(text)
        if outside is not None:
            return outside
        result = self._classify(text)
        if result.intent in ANSWER_INTENTS and result.method == "similar":
            # "mijn kuit is heel dik, rood en warm": a complaint told, not a bare yes or no.
            told = self._complaint(text)
            if told is not None:
                return told
        if result.intent == EMERGENCY_INTENT and any(
                NEGATIONS & set((f.value or "").split()) for f in result.slots.values()):
            # "nee, ik heb geen moeite met ademen": a carrier phrase around a denied sign.
            first = text.split()[0]
            if first in self.answer_words:
                return Understanding("intent", self.answer_words[first], {}, confidence=1.0, method="answer word")
            return self._similar(self.correct(text), exclude=frozenset({EMERGENCY_INTENT}))
        if result.intent == EMERGENCY_INTENT and not _resolved_any(result):
            # A carrier phrase without a sign in it ("mijn kuit is niet dik"): no emergency was named.
            # It may still tell a complaint ("ik heb een zeurende pijn bij mijn zitbeen").
            told = self._complaint_statement(text)
            if told is not None:
                return told
            return Understanding("intent", FALLBACK, self._empty_slots(FALLBACK), confidence=result.confidence,
                                 method="fallback")
        return result

    def _classify(self, text: str) -> Understanding:
        result = self._classify_whole(text)
        long = len(text.split()) >= LONG_FOR_A_COMMAND
        if result.method in ("similar", "fallback") and (result.intent == FALLBACK or not (
                result.intent.startswith("AMAZON.") and not (long and result.intent not in ANSWER_INTENTS)
                or result.intent in NOT_A_QUESTION | COMMAND_INTENTS)):
            # a long sentence near a command ("ik ben vorige week uitgegleden en nu doet ... zeer" is
            # near "vorige") may still tell a complaint
            told = self._complaint_statement(text)
            if told is not None:
                return told
        if result.intent not in COMMAND_INTENTS and (result.method != "exact" or result.intent in EXPLANATIONS):
            wanted = self._routine_request(text)
            if wanted is not None:
                return wanted
        if result.intent in EXPLANATIONS and _asks(text) and len(text.split()) >= MIN_WORDS_FOR_STORY_AND_QUESTION:
            asked = self._question_at_end(text, bare_ok=False)    # "ik denk dat het meevalt, wat kan ik zelf doen"
            if asked is not None:
                return asked
        if ((result.intent in ("StartTriageIntent", FALLBACK) or result.method == "similar")
                and len(text.split()) >= MIN_WORDS_FOR_STORY_AND_QUESTION):
            asked = self._question_at_end(text, bare_ok=result.intent in ("StartTriageIntent", FALLBACK))
            if asked is not None and (result.intent in ("StartTriageIntent", FALLBACK)
                                      or asked.confidence > result.confidence and result.confidence < UNSURE
                                      or asked.confidence >= CLEAR_QUESTION and result.method == "similar"):
                return asked
        if (result.intent in ("AMAZON.StopIntent", "AMAZON.CancelIntent") and result.method == "similar"
                and {"niet", "geen"} & set(text.split()) and not THANKS & set(text.split())):
            # "ik wil er niet mee stoppen", "ik hoef niet te stoppen": stopping denied is no goodbye
            other = self._similar(self.correct(text), exclude=frozenset({"AMAZON.StopIntent", "AMAZON.CancelIntent"}))
            return other if other.intent not in ANSWER_INTENTS and other.confidence >= STRONG_ENOUGH else Understanding(
                "intent", FALLBACK, self._empty_slots(FALLBACK), confidence=other.confidence, method="fallback")
        if (result.intent in ASKING_ONLY_AS_COMMAND and result.method == "similar"
                and text.split()[0] in QUESTION_WORDS):
            # "hoe weet ik of ik weer veilig kan voetballen" asks how one knows (the topic); the check is
            # asked for as a command ("check of ik weer mag voetballen")
            other = self._similar(self.correct(text), exclude=ASKING_ONLY_AS_COMMAND)
            if other.intent != FALLBACK:
                return other
        if result.method in ("similar", "fallback"):
            # "en hoe komt zoiets eigenlijk, want ik doe toch niks geks": the question, then why it is asked
            words = text.split()
            cut = next((i for i, w in enumerate(words) if w in BECAUSE and i >= MIN_WORDS_BEFORE_BECAUSE), None)
            told = self._complaint(" ".join(words[cut + 1:])) if cut is not None else None
            if told is not None and told.slots and next(iter(told.slots.values())).id not in STORY_WITHOUT_SIGNS:
                return told           # "mag ik nog sporten, want mijn kuit is dik, rood en warm": the sign first
            if cut is not None and (QUESTION_WORDS & set(words[:cut]) or words[0] in QUESTION_STARTS):
                head = self._classify_whole(" ".join(words[:cut]))
                if (head.intent != FALLBACK and not head.intent.startswith("AMAZON.") and head.intent not in NOT_A_QUESTION
                        and (result.intent == FALLBACK or head.confidence > result.confidence)):
                    return head
        return result

    def _complaint_statement(self, text: str) -> Understanding | None:
        """"ik voelde een knap in mijn hamstring tijdens het voetballen", "ik heb pijn aan de achterkant
        van mijn dijbeen": a complaint told, not asked about (no question in it), names where and what
        was felt. Its nearest topic ("symptoms", "overload or tear") would answer a question nobody
        asked; the questions start, with what was told filled in where the model knows it."""
        words = text.split()
        inverted = any(_inverted(a, b) for a, b in zip(words, words[1:]))
        if (len(words) < MIN_WORDS_FOR_A_STORY or _asks(text) or QUESTION_WORDS & set(words) or inverted
                or MODALS & set(words) or NEGATIONS & set(words)
                or not (WHERE_IT_HURTS & set(words) or SUDDEN_FEELING & set(words) and DURING_SPORT & set(words))
                or not (WHAT_WAS_FELT & set(words)) or not (TELLERS & set(words) or DURING_SPORT & set(words))):
            return None       # "..., kan dat daardoor komen", "of ik mag blijven lopen als het trekt": asked
        told = self._complaint(text)
        if told is not None:
            return told
        return Understanding("intent", "StartTriageIntent", self._empty_slots("StartTriageIntent"), confidence=0.9,
                             method="complaint told")

    def _routine_request(self, text: str) -> Understanding | None:
        """"kun je een warming-up met mijn zoon doen", "of ik de warming-up kan doen, maar rustig aan":
        a routine named with a verb of doing, and not asked about ("helpt een warming-up", "moet ik een
        warming-up doen" ask whether, which the prevention answer covers) or denied."""
        if "ROUTINE" not in self.types.values or "routine" not in self.intent_slots.get("StartRoutineIntent", {}):
            return None
        hit = self.types.find_in("ROUTINE", text, fuzzy=False)
        if hit is None:
            return None
        words, said = text.split(), set(text.split())
        wished = bool(WANTING & said) and not (ASKING_ABOUT & said or QUESTION_WORDS & said)
        short = not said - set(hit[0].split()) - ROUTINE_ONLY_WITH             # "snel de warming-up graag"
        for_me = any(pair in FOR_ME for pair in zip(words, words[1:]))
        at = len(text[:text.find(hit[0])].split())
        # "een cooling-down na het fietsen": the routine first, then when or why, and nothing asked about it
        leading = (not set(words[:at]) - ROUTINE_ONLY_WITH - {"voor", "om"}
                   and not (ABOUT_A_ROUTINE | ASKING_ABOUT | QUESTION_STARTS | NEGATIONS) & said)
        if not (ROUTINE_VERBS & said or wished or short or for_me or leading) or words[0] in ABOUT_A_ROUTINE:
            return None
        if NEGATIONS & set(words[max(0, at - NEGATION_WINDOW):at]):
            return None
        asked = self._with_slot("StartRoutineIntent", hit[0], hit[1], "routine asked for")
        number = parse_number(self._find_number(text) or "") if "fase" in said and "fase" in asked.slots else None
        if number is not None:
            asked.slots["fase"].value = str(number)       # "revalidatie fase drie"
        return asked

    def _question_at_end(self, text: str, bare_ok: bool) -> Understanding | None:
        """"ik zit de hele dag in de cabine en nu heb ik pijn achter mijn bovenbeen, hoe kan dat": a
        story, then a question the article answers. The question is what was asked; the story alone
        tells no warning sign (then the questions, which answer it for this listener, stay first)."""
        words = text.split()
        if QUESTION_WORDS & set(words[:STORY_WORDS]):
            return None               # "ik wil weten wanneer ik weer kan sprinten": one question, no story
        for i in range(STORY_WORDS, len(words) - 1):
            starts = (words[i] in QUESTION_WORDS or words[i] in QUESTION_STARTS - STATING_VERBS
                      or _inverted(words[i], words[i + 1]))
            if not starts or words[i] == "wat" and words[i - 1] in A_LITTLE:
                continue            # "alleen wat stijf": "wat" is "a little" there, not a question
            bare = not set(words[i:]) - BARE_QUESTION   # "is dat verstandig": about the story, no subject of its own
            if bare and not bare_ok:
                continue
            story, question = " ".join(words[:i]), " ".join(words[i:])
            told = self.types.find_in("KLACHT", story, fuzzy=False) if "KLACHT" in self.types.values else None
            if told is not None and told[1].id not in STORY_WITHOUT_SIGNS:
                return None
            found = self._exact(question)
            if found is None or not _resolved(found):
                found = self._similar(self.correct(question))
            if (found.intent in NOT_A_QUESTION or found.intent.startswith("AMAZON.")
                    or found.confidence < (BARE_QUESTION_AT_END if bare else QUESTION_AT_END)):
                return None
            return Understanding("intent", found.intent, found.slots, confidence=found.confidence,
                                 method="question at end")
        return None

    def _classify_whole(self, text: str) -> Understanding:
        exact = self._exact(text) or self._exact(self.correct(text))
        if exact and exact.intent in (OUT_OF_SCOPE_INTENT, EMERGENCY_INTENT, "StartRoutineIntent") and _unmatched(exact):
            exact = None           # "mijn dochter heeft {buiten}", "ik heb {teken}" around no sign: not matched
        if exact is None or exact.intent not in COMMAND_INTENTS:
            command = self._command_at_end(text)
            if command is not None:
                return command
        if exact and _resolved(exact):
            return exact
        answer = self._yes_no_first(text) or self._value_first(text)
        if answer is not None and exact is None:
            return answer
        similar = self._similar(self.correct(text))
        answers = ANSWER_INTENTS | {"DontKnowIntent"}
        if similar.intent in answers | EXPLANATIONS and _asks(text) and len(text.split()) >= 6:
            # "mag ik dan wel een beetje blijven fietsen": a question that shares a hedge with the
            # answers ("een beetje") asks something; it is not a yes.
            other = self._similar(self.correct(text), exclude=answers | EXPLANATIONS)
            if other.intent != FALLBACK:
                similar = other
        elif similar.intent in answers and len(text.split()) >= LONG_FOR_AN_ANSWER:
            # "of ijs wel helpt, ik weet niet of het bij mij zin heeft": a long sentence that names a
            # subject says more than a hedge it happens to contain.
            other = self._similar(self.correct(text), exclude=answers)
            if other.intent != FALLBACK and other.confidence >= similar.confidence * SUBJECT_OVER_HEDGE:
                similar = other
        if exact and similar.intent in (exact.intent, FALLBACK):
            return exact           # a carrier phrase with a value the type does not know, as Alexa sends it
        if exact is None or similar.confidence >= STRONG:
            if similar.intent == FALLBACK and exact is None:
                return self._value_alone(similar) or similar
            return similar         # the words fit another intent much better than the carrier phrase
        return exact

    def _command_at_end(self, text: str) -> Understanding | None:
        """"ik heb net drie uur gedanst en mijn hamstrings voelen strak, doe even de cooling-down": a
        command said at the end of a story ("doe de {routine}", "ga verder met de {routine}") is what
        the listener asks for. Only a carrier phrase of two or more words with its slot resolved, and
        not denied ("ik wil vandaag niet de warming-up doen")."""
        words = text.split()
        for start in range(1, len(words) - 1):
            if words[start] in CLAUSE_BREAKS | SUBJECTS:
                continue            # the command starts at its verb, not at "en" or "ik"
            found = self._exact(" ".join(words[start:]), only=COMMAND_INTENTS)
            if found is None or not _resolved(found) or (found.slots and not _resolved_any(found)):
                continue
            sample_words = max(s.literal_tokens for s in self.samples if s.intent == found.intent
                               and s.pattern.match(" ".join(words[start:])))
            if sample_words < 2 or (NEGATIONS - {"nee"}) & set(words[max(0, start - NEGATION_WINDOW):start]):
                continue          # "ik wil niet de warming-up doen"; a "nee" before is an answer word
            return Understanding("intent", found.intent, found.slots, confidence=1.0, method="command at end")
        return None

    def _with_slot(self, intent: str, spoken: str, value: SlotValue, method: str, confidence: float = 1.0) -> Understanding:
        """`intent` with its first slot filled and resolved to `value`, as Alexa sends a matched synonym."""
        slots = self._empty_slots(intent)
        fill = next(iter(slots.values()))
        fill.value, fill.resolved, fill.id, fill.matched = spoken, value.name, value.id, True
        return Understanding("intent", intent, slots, confidence=confidence, method=method)

    @cached_property
    def _signs(self) -> dict[str, SlotValue]:
        """Every emergency sign by id, as the model's NOODSIGNAAL type names it."""
        slots = self.intent_slots.get(EMERGENCY_INTENT) or {}
        table = self.types.values.get(next(iter(slots.values()), ""), {})
        return {value.id: value for value in table.values()}

    def _emergency_sign(self, text: str) -> Understanding | None:
        """An emergency sign named anywhere in the utterance, and not denied around it ("ik ben ineens
        heel benauwd", "nee, en pijn op de borst"; not "benauwd ben ik niet"): EmergencyIntent first,
        whatever else was said, as the model's many "{teken}" carrier phrases mean for Alexa."""
        slots = self.intent_slots.get(EMERGENCY_INTENT)
        if not slots:
            return None
        type_name = next(iter(slots.values()))
        table = self.types.values.get(type_name, {})
        words = [w for w in text.split() if w not in SIGN_FILLERS]        # "ik hoest wel bloed op"
        if "112" in words or "honderdtwaalf" in words:
            words = ["bel", "het", "alarmnummer"]
        for size in range(min(len(words), 8), 0, -1):
            for start in range(len(words) - size + 1):
                span = " ".join(words[start:start + size])
                if span not in table:
                    continue
                if _denied(words, start, start + size):
                    continue
                return self._with_slot(EMERGENCY_INTENT, span, table[span], "emergency sign")
        return None

    def _emergency_concept(self, text: str) -> Understanding | None:
        """A sign said in words no synonym lists ("ik zit te stikken", "mijn been is koud en wit
        geworden"): the words that make up a sign, anywhere in the sentence and not denied. This stands
        in for how Alexa's statistical model generalises from the "{teken}" samples; where it is unsure,
        the skill's answer is the careful one (EMERGENCY_CONCEPTS lists what counts)."""
        signs = self._signs
        text = SADDLE_WORDS.sub("kruis", text)           # "tussen mijn benen" is the crotch
        words = [w for w in text.split() if w not in SIGN_FILLERS]
        said = " ".join(words)
        for sign_id, pattern in NEGATED_SIGNS:
            found = pattern.search(said)
            if found and sign_id in signs:
                return self._with_slot(EMERGENCY_INTENT, found.group(0), signs[sign_id], "emergency words", 0.9)
        for sign_id, groups, deniable in EMERGENCY_CONCEPTS:
            if sign_id not in signs:
                continue
            positions = []
            for group in groups:
                hit = next((i for i, w in enumerate(words) if w in group), None)
                if hit is None:
                    break
                positions.append(hit)
            else:
                if deniable and any(_denied(words, i, i + 1) for i in positions):
                    continue
                if "voel" in groups[0] and PAIN_GONE.search(" ".join(words)):
                    continue          # "de pijn in mijn billen is weg": pain gone, not feeling gone
                spoken = " ".join(words[min(positions):max(positions) + 1])
                return self._with_slot(EMERGENCY_INTENT, spoken, signs[sign_id], "emergency words", 0.9)
        return None

    def _closing(self, text: str) -> Understanding | None:
        """"nee dat was het doei", "oke dan bel ik de huisarts wel stop": a goodbye at the end of a
        sentence ends the session, as the model's StopIntent samples "doei" and "tot ziens" mean."""
        for opening in ("weet je wat", "weet u wat", "weet jij wat"):
            if text.startswith(opening + " "):
                text = text[len(opening) + 1:]        # "weet u wat, ik stop ermee": no question
        words = text.split()
        if len(words) < 2 or _asks(text):
            return None
        ending = next((n for n in (4, 3, 2, 1) if n <= len(words) and " ".join(words[-n:]) in CLOSING_WORDS), 0)
        if (ending and "stoppen" in words[-ending:]
                and NOT_STOPPING_NOW & set(words[max(0, len(words) - ending - NEGATION_WINDOW - 1):len(words) - ending])):
            ending = 0                # "ik wil nog niet stoppen", "je hoeft niet te stoppen"; not "niet, stop maar"
        said = " ".join(words)
        if (not ending and any(f" {phrase} " in f" {said} " for phrase in STOPPING_NOW) and not _asks(text)
                and self._complaint(text) is None and not (WHAT_WAS_FELT | SIGN_WORDS) & set(words)):
            ending = 1                # "weet u wat, ik stop er even mee, mijn kleinzoon staat voor de deur"
        if (ending
                or (words[0] == "stop" and words[1] in ("maar", "ik", "dan", "het", "nu", "hoor"))):
            # "stop maar, ik bel morgen de fysiotherapeut": the goodbye first, then why.
            return Understanding("intent", "AMAZON.StopIntent", {}, confidence=1.0, method="closing")
        while len(words) > 2 and words[-1] in TRAILING_GOODBYE and THANKS & set(words[:-1]):
            words = words[:-1]        # "nee dank u, verder niets, dag hoor"
        said = " ".join(words)
        thanked = any(said == ending or said.endswith(" " + ending) for ending in THANKS_ENDINGS) or (
            bool(THANKS & set(words)) and any(said.endswith(" " + e) for e in NOTHING_MORE))
        if thanked and words[0] not in YES_FIRST:
            # "nee dank u wel, dat was het", "stop, dankjewel", "nou mooi, dan weet ik genoeg".
            return Understanding("intent", "AMAZON.StopIntent", {}, confidence=1.0, method="closing")
        return None

    def _out_of_scope(self, text: str) -> Understanding | None:
        """A body part, medicine or tape named anywhere ("nee, ik wil iets vragen over mijn knie"): the
        skill says what it covers. Not the back of the knee, and not when the hamstring is named too."""
        slots = self.intent_slots.get(OUT_OF_SCOPE_INTENT)
        if not slots:
            return None
        words = text.split()
        about_hamstring = bool(HAMSTRING_WORDS & set(words)) or any(w.startswith(("hamstring", "knieholte")) for w in words)
        type_name = next(iter(slots.values()))
        table = self.types.values.get(type_name, {})
        for size in range(min(len(words), 6), 0, -1):
            for start in range(len(words) - size + 1):
                span = " ".join(words[start:start + size])
                value = table.get(span)
                if value is None or (value.id == "body" and span not in OUTSIDE_BODY_SPANS) or (
                        value.id in ("body", "other") and about_hamstring):
                    continue                  # medicines and tape are out of scope even for the hamstring
                before = [w for w in words[max(0, start - 2):start] if w not in ARTICLES | {"haar", "zijn"}]
                if before and before[-1] in NEAR_WORDS:
                    continue          # "achter mijn knie", "het blijft boven mijn knie": where the hamstring pain is
                if _denied(words, start, start + size):
                    continue          # "nee, ik gebruik geen medicijnen"
                return self._with_slot(OUT_OF_SCOPE_INTENT, span, value, "out of scope")
        return None

    def _complaint(self, text: str) -> Understanding | None:
        slots = self.intent_slots.get("StartTriageIntent")
        if not slots or NEGATIONS & set(text.split()):
            return None
        type_name = next(iter(slots.values()))
        hit = (self.types.find_in(type_name, text, fuzzy=False)
               or self.types.find_in(type_name, " ".join(w for w in text.split() if w not in SIGN_FILLERS), fuzzy=False))
        if hit is None:
            return None
        return self._with_slot("StartTriageIntent", hit[0], hit[1], "complaint")

    def _yes_no_first(self, text: str) -> Understanding | None:
        """"ja, ik ben benauwd", "nee, alleen in mijn bovenbeen": an answer word first, then an explanation.

        Listeners explain their ja or nee; what they explain does not change the answer. Unless the
        rest is itself a request ("ja, stop maar"), the first word decides."""
        words = text.split()
        if len(words) < 2 or words[0] not in self.answer_words:
            return None
        after_but = words[words.index("maar") + 1:] if "maar" in words else []
        if (self.answer_words[words[0]] == "AMAZON.NoIntent" and "wel" in after_but
                and SIGN_WORDS & set(after_but[after_but.index("wel"):])):
            # "nee, het is niet rood, maar ik heb wel koorts": part of the question holds, and a sign
            # half-confirmed counts as there (the hedge policy: toward yes is yes).
            return Understanding("intent", "AMAZON.YesIntent", {}, confidence=1.0, method="but yes")
        command = (self._command_at_end(text) or self._routine_request(" ".join(words[1:]))
                   or (self._question_at_end(" ".join(words[1:]), bare_ok=False)
                       if len(words) > MIN_WORDS_FOR_STORY_AND_QUESTION else None))
        if command is not None:
            # "ja eh nee wacht, opnieuw beginnen", "nee dank je, ik wil gewoon een goeie warming-up":
            # what the listener asks for after the answer word is what counts.
            return command
        request = self._exact(" ".join(words[1:]))
        if (request is not None and request.intent != self.answer_words[words[0]] and _resolved(request)
                and request.intent not in EXPLANATIONS):
            # "ja, ik gebruik sintrom", "ja, ik ben benauwd": the rest says more than the answer word.
            return request if any(f.value for f in request.slots.values()) or request.intent == "EmergencyIntent" else None
        rest = " ".join(words[1:])
        asks = any(w in QUESTION_WORDS or w in WANTING or w in DOING for w in words[1:])
        if ((request is None or not _resolved(request) or request.intent in EXPLANATIONS)
                and len(words) > MIN_WORDS_FOR_A_REQUEST and asks):
            # "nee, ik wil alleen weten hoe lang herstel duurt", "nee, doe maar meteen de warming-up":
            # a request of its own after the answer word. A complaint told after "nee" stays the answer.
            similar = self._similar(self.correct(rest), exclude=ANSWER_INTENTS | EXPLANATIONS)
            if (similar.intent not in {FALLBACK, "StartTriageIntent"} | EXPLANATIONS
                    and similar.confidence >= REQUEST_AFTER_ANSWER):
                return similar
        return Understanding("intent", self.answer_words[words[0]], {}, confidence=1.0, method="answer word")

    def _value_first(self, text: str) -> Understanding | None:
        """"plotseling, toen ik me bukte", "gewoon lopen, alleen stijf": like an answer word, a value said
        first and then explained. The intent that takes that value on its own ("{keuze}") gets it,
        unless the rest is itself a request."""
        words = text.split()
        for size in range(min(6, len(words) - 1), 0, -1):
            head, rest = " ".join(words[:size]), " ".join(words[size:])
            for sample in self.samples:
                if sample.literal_tokens or len(sample.slots) != 1 or sample.intent not in EXPLANATIONS:
                    continue              # answers only: "massage helpt" stays a question about massage
                type_name = self.intent_slots[sample.intent].get(sample.slots[0], "")
                value = self.types.values.get(type_name, {}).get(head)
                if value is None:
                    continue
                request = self._exact(rest)
                if request is not None and _resolved(request):
                    return None
                slots = self._empty_slots(sample.intent)
                fill = slots[sample.slots[0]]
                fill.value, fill.resolved, fill.id, fill.matched = head, value.name, value.id, True
                return Understanding("intent", sample.intent, slots, confidence=1.0, method="value first")
        return None

    def _value_alone(self, similar: Understanding) -> Understanding | None:
        """A short utterance that fits no intent but names a value ("plotseling bij het tillen", "een stuk
        of acht"): the intent that accepts that value on its own ("{keuze}", "{getal}") gets it."""
        spotted = self._last_found
        if (not spotted or len(self._last_text.split()) > MAX_WORDS_FOR_VALUE_ALONE
                or self._last_text.split()[0] in ("wie", "wat", "waar", "welke", "waarom")):
            return None            # "wie heeft er gisteren gewonnen": a question of its own, not an answer
        best = None
        for sample in self.samples:
            if sample.literal_tokens or len(sample.slots) != 1 or sample.slots[0] not in spotted:
                continue
            span, value, type_name = spotted[sample.slots[0]]
            if value is None and type_name != "AMAZON.NUMBER":
                continue
            if type_name != "AMAZON.NUMBER" and self.types.find_in(type_name, self._last_text, fuzzy=False) is None:
                continue           # only a value heard as it is, not one guessed from a near word
            if type_name == "AMAZON.NUMBER" and len(self._last_text.split()) > MAX_WORDS_FOR_NUMBER_ALONE:
                continue
            if best is None or len(span) > len(best[1]):
                best = (sample, span, value, type_name)
        if best is None:
            return None
        sample, span, value, type_name = best
        slots = self._empty_slots(sample.intent)
        fill = slots[sample.slots[0]]
        fill.value = span
        if type_name == "AMAZON.NUMBER":
            fill.value = str(parse_number(span))
        else:
            fill.resolved, fill.id, fill.matched = value.name, value.id, True
        return Understanding("intent", sample.intent, slots, confidence=similar.confidence, method="value alone")

    def _exact(self, text: str, only: frozenset[str] | None = None) -> Understanding | None:
        best: tuple[int, Understanding] | None = None
        first = text.split()[0] if text else ""
        for index in sorted(self._by_first.get(first, []) + self._slot_first):
            sample = self.samples[index]
            if only is not None and sample.intent not in only:
                continue
            match = sample.pattern.match(text)
            if not match:
                continue
            slots = self._fill(sample, match.groupdict(), require_resolution=sample.literal_tokens < 2)
            if slots is None:
                continue
            resolved = all(f.matched or f.value is None or f.type.startswith("AMAZON.") for f in slots.values())
            whole = not any(f.partial for f in slots.values())
            rank = resolved * 1000 + whole * 500 + sample.literal_tokens * 10 - len(sample.slots)
            if best is None or rank > best[0]:
                best = (rank, Understanding("intent", sample.intent, slots, confidence=1.0, method="exact"))
        return best[1] if best else None

    def _fill(self, sample: _Sample, spans: dict[str, str], require_resolution: bool) -> dict[str, SlotFill] | None:
        slots = self._empty_slots(sample.intent)
        for name, spoken in spans.items():
            type_name = self.intent_slots[sample.intent].get(name, "")
            fill = slots[name]
            fill.value = spoken
            if type_name == "AMAZON.NUMBER":
                number = parse_number(spoken)
                if number is None:
                    return None
                fill.value = str(number)
            elif type_name in self.types.values:
                # A sample that is nothing but a slot accepts only a value of the type as it is,
                # else every utterance would match it.
                value = self.types.resolve(type_name, spoken, fuzzy=sample.literal_tokens > 0)
                if value is None and sample.literal_tokens > 0:
                    inside = self.types.find_in(type_name, spoken, fuzzy=False)
                    if inside is not None:       # "doe de warmingup maar met me": the value is in there
                        fill.value, value = inside
                        fill.partial = True
                if value is None and require_resolution:
                    return None
                if value is not None:
                    fill.resolved, fill.id, fill.matched = value.name, value.id, True
            else:
                return None   # a built-in type this simulator does not know
        return slots

    def _empty_slots(self, intent: str) -> dict[str, SlotFill]:
        return {name: SlotFill(name, type=type_name) for name, type_name in self.intent_slots.get(intent, {}).items()}

    def _similar(self, text: str, exclude: frozenset[str] = frozenset()) -> Understanding:
        # Variant of the utterance with recognised slot values replaced by placeholders, so that
        # "vertel iets over massage" is compared with "vertel iets over {onderwerp}".
        found: dict[str, tuple[str, SlotValue | None, str]] = {}
        variant = text
        # In the model's own order, so the result never depends on hashing: two slots of one custom type
        # ("klacht", "extra") take two different phrases; every number slot sees the same number.
        pairs = dict.fromkeys((n, t) for slots in self.intent_slots.values() for n, t in slots.items())
        number_span = None
        named_slots: set[str] = set()     # number slots whose number was said next to their name
        for name, type_name in pairs:
            if type_name in self.types.values:
                hit = self.types.find_in(type_name, variant)
                if hit:
                    found[name] = (hit[0], hit[1], type_name)
                    variant = re.sub(rf"\b{re.escape(hit[0])}\b", "{" + name + "}", variant, count=1)
            elif type_name == "AMAZON.NUMBER":
                named = _named_number(text, name)       # "fase twee, onderdeel drie": each its own number
                if named is not None:
                    found[name] = (named, None, type_name)
                    named_slots.add(name)
                    continue
                if number_span is None:
                    number_span = self._find_number(variant)
                    if number_span:
                        variant = re.sub(rf"\b{re.escape(number_span)}\b", "{" + name + "}", variant, count=1)
                if number_span:
                    found[name] = (number_span, None, type_name)
        self._last_found, self._last_text = found, text
        plain = self._scores(text)
        with_slots = self._scores(self._placeholders(variant)) if variant != text else plain
        per_intent: dict[str, list[float]] = defaultdict(list)
        for index, sample in enumerate(self.samples):
            if sample.intent in exclude:
                continue
            usable = all(s in found for s in sample.slots)
            score = (with_slots if sample.slots and usable else plain)[index]
            if sample.slots and not usable:
                score *= 0.5
            per_intent[sample.intent].append(score)
        # The nearest sample decides most; the next nearest samples of the same intent confirm it,
        # so one sample that happens to share a phrase does not outweigh an intent that fits better.
        scores = {}
        for intent, values in per_intent.items():
            top = sorted(values, reverse=True)[:self.neighbours]
            scores[intent] = sum(w * v for w, v in zip(self.weights, top)) / sum(self.weights[:len(top)])
        ranked = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)
        if not ranked:
            return Understanding("intent", FALLBACK, method="fallback")
        (top, top_score), second = ranked[0], (ranked[1][1] if len(ranked) > 1 else 0.0)
        if top == FALLBACK or top_score < self.accept or top_score - second < self.margin:
            return Understanding("intent", FALLBACK, self._empty_slots(FALLBACK),
                                 confidence=round(top_score, 3), method="fallback")
        slots = self._empty_slots(top)
        numbered = named_slots & set(slots)
        for name, fill in slots.items():
            if name in found and not (numbered and name not in numbered and found[name][2] == "AMAZON.NUMBER"):
                # "fase twee" fills the phase, not every number slot the intent has
                spoken, value, type_name = found[name]
                fill.value = spoken
                if type_name == "AMAZON.NUMBER":
                    fill.value = str(parse_number(spoken))
                elif value is not None:
                    fill.resolved, fill.id, fill.matched = value.name, value.id, True
        return Understanding("intent", top, slots, confidence=round(top_score, 3), method="similar")

    @lru_cache(maxsize=256)
    def _scores(self, text: str) -> tuple[float, ...]:
        """Cosine similarity of `text` with every sample, in sample order."""
        totals = [0.0] * len(self.samples)
        for feature, weight in self._vector(text).items():
            for index, value in self._postings.get(feature, ()):
                totals[index] += weight * value
        return tuple(totals)

    @staticmethod
    def _find_number(text: str) -> str | None:
        words = text.split()
        for i, word in enumerate(words[:-1]):        # "drie weken bezig, ik wil fase een": the phase's number
            if word in ("fase", "onderdeel") and parse_number(words[i + 1]) is not None:
                return words[i + 1]
            if word in ORDINALS and words[i + 1] in ("fase", "onderdeel"):
                return ORDINALS[word]                  # "de eerste fase van de revalidatie"
        for size in range(min(len(words), 3), 0, -1):
            for start in range(len(words) - size + 1):
                span = " ".join(words[start:start + size])
                if span not in {"een", "de", "het"} and parse_number(span) is not None:
                    return span
        return None


def _named_number(text: str, name: str) -> str | None:
    """The number said right after a slot's own name ("fase twee", "onderdeel 3") or as an ordinal
    right before it ("de tweede fase"), else None."""
    words = text.split()
    for i, word in enumerate(words):
        if word != name:
            continue
        if i + 1 < len(words) and parse_number(words[i + 1]) is not None:
            return words[i + 1]
        if i and words[i - 1] in ORDINALS:
            return ORDINALS[words[i - 1]]
    return None


def _inverted(verb: str, after: str) -> bool:
    """A verb before its subject, as a Dutch question goes: "kan dat", "zijn dat", "mag ik"."""
    return verb in QUESTION_STARTS | INVERTED_VERBS and after in SUBJECTS | {"dat", "dit"}


def _denied(words: list[str], start: int, end: int) -> bool:
    """Whether the words around words[start:end] deny it, within its own clause: "benauwd ben ik niet"
    and "ik ben niet benauwd" do; "nee, maar wel pijn op de borst" and "nee, en ik hoest bloed op" do
    not (the answer word and what stands before "maar" or "en" belong to something else)."""
    before: list[str] = []
    for word in reversed(words[max(0, start - NEGATION_WINDOW):start]):
        if word in CLAUSE_BREAKS:
            break
        before.append(word)
    if before and before[0] == "wel":
        return False
    if start - len(before) == 0 and before and before[-1] in ("nee", "ja"):
        before.pop()                      # the answer word at the start answers the question, not this
    after: list[str] = []
    reach = NEGATION_WINDOW
    for k, word in enumerate(words[end:end + NEGATION_WINDOW + 1]):
        if k >= reach or word in CLAUSE_BREAKS:
            break
        if word in NEGATIONS and words[end + k + 1:end + k + 2] and words[end + k + 1] in PLACE_WORDS:
            break             # "last van mijn onderrug, niks in mijn been": a denial of something else
        if word == "dat":
            if words[end + k + 1:end + k + 2] and words[end + k + 1] in SUBJECTS:
                break         # "zo kortademig dat ik niet kan praten": a clause of its own, not a denial
            reach += 1        # "benauwd, dat ben ik niet": "dat" only points back at the sign
        after.append(word)
    return bool(NEGATIONS & (set(before) | set(after)))


def _unmatched(understanding: Understanding) -> bool:
    """A carrier phrase whose only filled slots hold words no slot value knows ("ik wil graag {routine}"
    around "weten wat ik heb"); a number or a resolved value makes it a match ("start fase {fase}")."""
    filled = [f for f in understanding.slots.values() if f.value]
    return bool(filled) and not any(f.matched or f.type == "AMAZON.NUMBER" for f in filled)


def _resolved_any(understanding: Understanding) -> bool:
    return any(f.matched for f in understanding.slots.values())


def _resolved(understanding: Understanding) -> bool:
    """Every custom slot that was filled resolved to a value of its type."""
    return all(f.matched or f.value is None or f.type.startswith("AMAZON.") for f in understanding.slots.values())


def load_builtins(path: Path = BUILTINS_FILE) -> dict[str, list[str]]:
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return {name: list(phrases) for name, phrases in data["intents"].items()}


def load_model(path: Path | None = None) -> dict:
    return json.loads(Path(path or paths.model_file()).read_text(encoding="utf-8"))


@lru_cache(maxsize=4)
def default_nlu(model_path: str | None = None) -> Nlu:
    return Nlu(load_model(Path(model_path) if model_path else None), load_builtins())
