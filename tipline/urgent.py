"""Words that make a pupil's report urgent (SPEC R6; UA I.3: self-harm and suicidal signs; weapons).

SPEC R6: "signs such as suicidal manifestations or self-harm must mark the case urgent";
UA I.3 lists them among the manifestations of violence. A report that speaks of a weapon is
a threat to life and goes to the head and coordinator at once too (KZ §9: aggressive
behaviour is reported to the school management at once). The match is on word stems, in
the four languages of the public page, so inflected forms match ("вешаться", "повешусь").
A false alarm costs a look; a missed one may cost a life: the list errs on the wide side.
"""

import re
import unicodedata

# Stems, lower case, each matched at the start of a word; one ending in "!" only as a whole word
# (Ukrainian "ніж" is a knife, "ніжний" is gentle).
URGENT_STEMS = {
    "en": [
        "suicid", "kill myself", "killing myself", "end my life", "want to die", "wanna die", "self-harm",
        "self harm", "selfharm", "cut myself", "cutting myself", "hurt myself", "hang myself", "overdose",
        "weapon", "gun!", "guns!", "knife", "knives", "pistol", "rifle", "shoot", "bomb", "explosive",
    ],
    "ru": [
        "суицид", "самоубий", "покончить с собой", "покончу с собой", "убить себя", "убью себя", "убьет себя",
        "убьешь себя", "убиться", "не хочу жить", "не хочет жить", "не хочется жить", "порез",
        "хочу умереть", "повеш", "вешаться", "вскрыть вены", "вскрою вены", "режу себя", "порезать себя",
        "порежу себя", "самоповрежд", "оружи", "пистолет", "ружь", "нож!", "ножом", "ножи!", "ножа!", "стрелять",
        "застрел", "взорв", "бомб",
    ],
    "uk": [
        "суїцид", "самогуб", "покінчити з собою", "покінчу з собою", "вбити себе", "вб'ю себе", "не хочу жити",
        "не хоче жити", "не хочеться жити", "поріз",
        "хочу померти", "повіс", "вішатися", "різати себе", "ріжу себе", "порізати себе", "самоушкодж",
        "зброя", "зброю", "зброї", "пістолет", "рушниц", "ніж!", "ножем", "ножа!", "ножі!", "стріляти", "застрел",
        "підірв", "бомб",
    ],
    "kk": [
        "суицид", "өзін-өзі өлтір", "өзімді өлтір", "өзін өлтір", "өлгім келеді", "өмір сүргім келмейді",
        "асылып", "асылам", "өзіме зиян", "өзін-өзі жарақаттау", "өзімді кес", "тамырымды кес",
        "қару", "пышақ", "тапанша", "мылтық", "ату!", "атамын", "жарыл", "бомба",
    ],
}


def _alternative(stem: str) -> str:
    return re.escape(stem[:-1]) + r"(?!\w)" if stem.endswith("!") else re.escape(stem)


_PATTERN = re.compile(
    r"(?<!\w)(?:" + "|".join(_alternative(s) for s in sorted(
        {s for stems in URGENT_STEMS.values() for s in stems}, key=len, reverse=True)) + r")",
    re.IGNORECASE,
)


def _normal(text: str) -> str:
    # Apostrophe variants (Ukrainian "вб’ю") and letter case do not hide a word.
    text = unicodedata.normalize("NFKC", text).casefold()
    # Russian "ё" is often typed as "е": the stems use "е".
    return text.replace("’", "'").replace("ʼ", "'").replace("`", "'").replace("ё", "е")


def is_urgent(*texts: str) -> bool:
    """Whether any of the texts contains an urgent word (self-harm, suicide, weapons)."""
    return any(_PATTERN.search(_normal(t)) for t in texts if t)
