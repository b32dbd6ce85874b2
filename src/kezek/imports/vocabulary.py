"""The words akimats write in their files: column headers and list names, in Kazakh and Russian.

Matching is on a normal form (lower case, ё → е, Latin look-alike letters inside Cyrillic words
turned Cyrillic, punctuation dropped), then exact, then containment, then a fuzzy ratio for typos.
List names map to the six akimat lists of Law No. 94 Art. 74 p.2 (domain.md §1.1) and a category.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

# Latin letters that look like Cyrillic ones (typed on the wrong keyboard layout).
_LOOKALIKE = str.maketrans("aceopxykmthb", "асеорхукмтнв")
_CYRILLIC = re.compile(r"[а-яёәғқңөұүһі]")
_NON_WORD = re.compile(r"[^\w№]+")


def norm(text: object) -> str:
    """The normal form used for every comparison of words."""
    value = str(text or "").strip().lower().replace("ё", "е").replace("\u00a0", " ")
    words = []
    for word in _NON_WORD.sub(" ", value).split():
        if _CYRILLIC.search(word):
            word = word.translate(_LOOKALIKE)
        words.append(word)
    return " ".join(words).replace("_", " ").strip()


# --- Column headers -------------------------------------------------------------------------------

QUEUE_FIELDS: dict[str, tuple[str, ...]] = {
    "seq": ("№ п п", "п п", "р с", "реттік нөмірі", "рет саны", "№ р с", "n п п", "порядковый номер строки"),
    "legacy_number": (
        "номер очереди", "№ очереди", "очередь", "номер в очереди", "очередность", "очередной номер",
        "порядковый номер в очереди", "номер учета", "учетный номер", "кезек нөмірі", "кезектегі нөмірі",
        "кезек", "кезектілік", "есеп нөмірі", "queue number", "old number", "номер", "№",
    ),
    "iin": ("иин", "жсн", "iin", "индивидуальный идентификационный номер", "жеке сәйкестендіру нөмірі"),
    "full_name": (
        "фио", "ф и о", "фамилия имя отчество", "фамилия имя отчество заявителя", "фио заявителя",
        "аты жөні", "тегі аты әкесінің аты", "тегі аты жөні", "аты жони", "full name", "заявитель",
        "өтініш беруші",
    ),
    "surname": ("фамилия", "тегі", "surname", "last name"),
    "given_name": ("имя", "аты", "given name", "first name"),
    "patronymic": ("отчество", "әкесінің аты", "әкесінің есімі", "patronymic"),
    "birth_date": ("дата рождения", "туған күні", "туылған күні", "туған жылы", "год рождения", "birth date"),
    "sex": ("пол", "жынысы", "sex"),
    "registered_at": (
        "дата постановки на учет", "дата принятия на учет", "дата подачи заявления", "дата учета",
        "дата и время постановки на учет", "дата и время подачи заявления", "дата постановки",
        "есепке қойылған күні", "есепке алынған күні", "есепке алу күні", "өтініш берген күні",
        "есепке қою күні", "registered at", "registration date",
    ),
    "registered_time": ("время", "время подачи", "время постановки", "уақыты", "уақыт", "time"),
    "list": ("список", "тізім", "тізімі", "наименование списка", "номер списка", "list"),
    "category": (
        "категория", "санаты", "санат", "категория очередника", "льготная категория", "category",
        "социальный статус", "әлеуметтік мәртебесі",
    ),
    "phone": ("телефон", "контактный телефон", "тел", "байланыс телефоны", "телефоны", "phone"),
    "family_size": (
        "состав семьи", "количество членов семьи", "кол во членов семьи", "отбасы құрамы",
        "отбасы мүшелерінің саны", "family size",
    ),
    "address": ("адрес", "мекенжай", "мекен жайы", "адрес проживания", "address"),
    "kato": ("като", "код като", "kato"),
    "citizenship": ("гражданство", "азаматтығы", "citizenship"),
    "note": ("примечание", "ескерту", "ескертпе", "note", "комментарий"),
}  # fmt: skip

STOCK_FIELDS: dict[str, tuple[str, ...]] = {
    "external_ref": (
        "инвентарный номер", "код", "номер квартиры в реестре", "реестровый номер", "тізілім нөмірі",
        "№", "номер", "id",
    ),
    "address": ("адрес", "мекенжай", "мекен жайы", "адрес квартиры", "address"),
    "kato": ("като", "код като", "kato"),
    "rooms": ("количество комнат", "комнат", "кол во комнат", "бөлме саны", "бөлмелер саны", "rooms"),
    "area_m2": (
        "площадь", "общая площадь", "полезная площадь", "площадь м2", "ауданы", "жалпы ауданы",
        "пайдалы ауданы", "area", "area m2",
    ),
    "floor": ("этаж", "қабат", "қабаты", "floor"),
    "floors_total": ("этажность", "этажей в доме", "қабаттылығы", "floors total", "floors"),
    "kind": ("вид жилья", "тип жилья", "вид", "тип", "түрі", "тұрғын үй түрі", "kind"),
    "programme": ("программа", "бағдарлама", "источник", "programme", "program"),
    "wheelchair": (
        "для колясочников", "доступность", "приспособлено для инвалидов", "пандус",
        "мүгедектер арбасы", "қолжетімділік", "wheelchair",
    ),
    "holder": ("балансодержатель", "держатель", "holder"),
}  # fmt: skip

FIELDS_BY_KIND = {"queue": QUEUE_FIELDS, "stock": STOCK_FIELDS}


@dataclass(frozen=True)
class HeaderMatch:
    field: str
    score: float  # 1.0 exact, 0.9 containment, fuzzy ratio below


@lru_cache(maxsize=4096)
def match_header(text: str, kind: str = "queue") -> HeaderMatch | None:
    """The field a header cell names, or None."""
    value = norm(text)
    if not value:
        return None
    fields = FIELDS_BY_KIND[kind]
    best: HeaderMatch | None = None
    for field_name, phrases in fields.items():
        for phrase in phrases:
            p = norm(phrase)
            if value == p:
                score = 1.0
            elif (
                len(p) >= 4
                and (value.startswith(p + " ") or f" {p} " in f" {value} ")
                and len(p) * 2 >= len(value)
            ):
                score = 0.9
            elif len(p) >= 5 and len(value) >= 5:
                score = SequenceMatcher(None, value, p).ratio()
                if score < 0.84:
                    continue
                score *= 0.95
            else:
                continue
            if best is None or score > best.score:
                best = HeaderMatch(field_name, score)
    return best


# --- List names -----------------------------------------------------------------------------------

# (list, category code) -> phrases. Categories follow the status codes of kezek.rules.
LIST_WORDS: dict[tuple[str, str], tuple[str, ...]] = {
    ("L1", "wwii_veteran"): (
        "участники вов", "участник вов", "ветераны вов", "ветеран вов", "инвалиды вов",
        "участники и инвалиды великой отечественной войны", "ветераны великой отечественной войны",
        "ұлы отан соғысының ардагерлері", "ұос ардагерлері", "ұос қатысушылары", "wwii veterans",
    ),
    ("L2", "orphan"): (
        "дети сироты", "сироты", "детей сирот", "дети оставшиеся без попечения родителей",
        "дети сироты и дети оставшиеся без попечения родителей", "жетім балалар", "жетімдер",
        "ата анасының қамқорлығынсыз қалған балалар", "orphans",
    ),
    ("L3", "large_family"): (
        "многодетные семьи", "многодетные", "многодетные матери", "алтын алка", "кумис алка",
        "мать героиня", "матери героини", "көп балалы отбасылар", "көп балалы", "көп балалы аналар",
        "алтын алқа", "күміс алқа", "батыр ана", "ана даңқы", "large families",
    ),
    ("L4", "socially_vulnerable"): (
        "социально уязвимые слои населения", "социально уязвимые", "социально незащищенные",
        "уязвимые слои", "инвалиды", "инвалиды 1 2 группы", "пенсионеры", "кандасы", "оралманы",
        "неполные семьи", "семьи с детьми инвалидами", "әлеуметтік осал топтар", "әлеуметтік осал",
        "халықтың әлеуметтік осал топтары", "мүгедектер", "зейнеткерлер", "толық емес отбасылар",
        "socially vulnerable",
    ),
    ("L5", "state_employee"): (
        "государственные служащие", "госслужащие", "работники бюджетных организаций", "бюджетники",
        "военнослужащие", "государственные служащие работники бюджетных организаций военнослужащие",
        "мемлекеттік қызметшілер", "бюджеттік ұйымдардың қызметкерлері", "әскери қызметшілер",
        "state employees", "civil servants",
    ),
    ("L6", "sole_emergency"): (
        "аварийное жилье", "граждане жилище которых признано аварийным", "аварийное", "аварийный",
        "апатты тұрғын үй", "апатты деп танылған", "апатты", "emergency dwelling",
    ),
}  # fmt: skip

DEFAULT_CATEGORY = {lst: cat for (lst, cat) in LIST_WORDS}
_NUMBERED = re.compile(
    r"^(?:l|л|список|тізім|тізімі|list|категория|санат|группа)?\s*(\d)\s*(?:список|тізім|тізімі|list)?$"
)
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6}


@lru_cache(maxsize=4096)
def match_list(text: str) -> tuple[str, str] | None:
    """``(list code, category)`` for a list name in words or numbers, or None when unknown."""
    value = norm(text)
    if not value:
        return None
    value = value.replace("-", " ")
    compact = value.replace(" ", "")
    if compact.startswith("l") and compact[1:].isdigit() and len(compact) == 2:
        value = compact[1:]
    numbered = _NUMBERED.match(value)
    if numbered is None and value in _ROMAN:
        number = _ROMAN[value]
    elif numbered is not None:
        number = int(numbered.group(1))
    else:
        number = 0
    if 1 <= number <= 6:
        code = f"L{number}"
        return code, DEFAULT_CATEGORY[code]
    best: tuple[float, tuple[str, str]] | None = None
    for key, phrases in LIST_WORDS.items():
        for phrase in phrases:
            p = norm(phrase)
            if value == p:
                return key
            if len(p) >= 6 and (p in value or value in p) and min(len(p), len(value)) >= 6:
                score = 0.95
            else:
                score = SequenceMatcher(None, value, p).ratio()
            if score >= 0.8 and (best is None or score > best[0]):
                best = (score, key)
    return best[1] if best else None
