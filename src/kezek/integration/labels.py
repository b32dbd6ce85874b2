"""What citizens and officials read about state data, in Kazakh, Russian and English.

Kept beside the codes they name so a new system or status cannot ship without its three labels
(tests check completeness). The web layer picks the language; the API returns the codes.
"""

from __future__ import annotations

from typing import Literal

from kezek.integration.systems import Purpose, System

Language = Literal["kk", "ru", "en"]
LANGUAGES: tuple[Language, ...] = ("kk", "ru", "en")

SYSTEM_NAMES: dict[System, dict[Language, str]] = {
    System.PERSONS: {
        "kk": "«Жеке тұлғалар» мемлекеттік дерекқоры",
        "ru": "ГБД «Физические лица»",
        "en": "Individuals state database",
    },
    System.CIVIL: {
        "kk": "АХАЖ ақпараттық жүйесі",
        "ru": "ИС ЗАГС",
        "en": "civil registry",
    },
    System.ADDRESS: {"kk": "Мекенжай тіркелімі", "ru": "Адресный регистр", "en": "address register"},
    System.PROPERTY: {
        "kk": "Жылжымайтын мүлікке құқықтар тізілімі",
        "ru": "Регистр прав на недвижимое имущество",
        "en": "property register",
    },
    System.EMERGENCY: {
        "kk": "Апатты тұрғын үй тізілімі",
        "ru": "Реестр аварийного жилья",
        "en": "emergency-dwelling register",
    },
    System.STATE_HOUSING: {
        "kk": "Мемлекеттік тұрғын үй қоры",
        "ru": "Государственный жилищный фонд",
        "en": "state housing fund",
    },
    System.PROGRAMMES: {
        "kk": "Жеңілдікті тұрғын үй бағдарламалары",
        "ru": "Льготные жилищные программы",
        "en": "preferential housing programmes",
    },
    System.PENSION: {
        "kk": "БЖЗҚ және МЗТМО (зейнетақы жарналары мен төлемдері)",
        "ru": "ЕНПФ и ГЦВП (пенсионные взносы и выплаты)",
        "en": "pension contributions and payments",
    },
    System.TAX: {
        "kk": "Мемлекеттік кірістер комитеті",
        "ru": "Комитет государственных доходов",
        "en": "tax income register",
    },
    System.SOCIAL_PAYMENTS: {
        "kk": "Әлеуметтік төлемдер",
        "ru": "Социальные выплаты",
        "en": "social payments",
    },
    System.DISABILITY: {
        "kk": "Мүгедектік дерекқоры",
        "ru": "База данных по инвалидности",
        "en": "disability database",
    },
    System.SOCIAL_STATUS: {
        "kk": "Әлеуметтік мәртебелер",
        "ru": "Социальные статусы",
        "en": "social statuses",
    },
    System.EMPLOYMENT: {"kk": "Жұмыспен қамту", "ru": "Занятость", "en": "employment register"},
    System.BANK: {"kk": "Банк шоттары", "ru": "Банковские счета", "en": "bank accounts"},
    System.MOBILE: {
        "kk": "Мобильді азаматтар базасы",
        "ru": "База мобильных граждан",
        "en": "mobile-citizens base",
    },
    System.UTILITIES: {
        "kk": "Коммуналдық шоттар мен тарифтер",
        "ru": "Коммунальные счета и тарифы",
        "en": "utility bills and tariffs",
    },
}

FETCH_STATUS: dict[str, dict[Language, str]] = {
    "pending": {"kk": "Сұрау жіберілді", "ru": "Запрос отправлен", "en": "Request sent"},
    "waiting": {
        "kk": "Жауап күтілуде: {systems}",
        "ru": "Ожидается ответ: {systems}",
        "en": "Waiting for the {systems}",
    },
    "complete": {"kk": "Деректер алынды", "ru": "Данные получены", "en": "Data received"},
    "cancelled": {"kk": "Сұрау тоқтатылды", "ru": "Запрос отменён", "en": "Request cancelled"},
}

PURPOSES: dict[Purpose, dict[Language, str]] = {
    Purpose.QUEUE_REGISTRATION: {
        "kk": "Кезекке қою",
        "ru": "Постановка в очередь",
        "en": "Registration in the queue",
    },
    Purpose.REVERIFICATION: {
        "kk": "Кезектегілерді тексеру",
        "ru": "Проверка состоящих в очереди",
        "en": "Re-verification of the queue",
    },
    Purpose.HOUSING_ASSISTANCE: {
        "kk": "Тұрғын үй көмегі",
        "ru": "Жилищная помощь",
        "en": "Housing assistance",
    },
    Purpose.ALLOCATION: {
        "kk": "Тұрғын үй бөлу",
        "ru": "Распределение жилья",
        "en": "Distribution of housing",
    },
}

ERRORS: dict[str, dict[Language, str]] = {
    "state_system_unavailable": {
        "kk": "«{system}» уақытша қолжетімсіз; сұрау кейінірек қайталанады",
        "ru": "Система «{system}» временно недоступна; запрос будет повторён",
        "en": "The {system} is unavailable; the request will be retried",
    },
    "state_system_timeout": {
        "kk": "«{system}» уақытында жауап бермеді; сұрау кейінірек қайталанады",
        "ru": "Система «{system}» не ответила вовремя; запрос будет повторён",
        "en": "The {system} did not answer in time; the request will be retried",
    },
    "state_system_malformed": {
        "kk": "«{system}» жауабы оқылмады; сұрау кейінірек қайталанады",
        "ru": "Ответ системы «{system}» не прочитан; запрос будет повторён",
        "en": "The answer of the {system} could not be read; the request will be retried",
    },
    "state_system_circuit_open": {
        "kk": "«{system}» бірнеше рет жауап бермеді; сұраулар уақытша тоқтатылды",
        "ru": "Система «{system}» несколько раз не ответила; запросы временно приостановлены",
        "en": "The {system} failed repeatedly; requests are paused for a while",
    },
    "consent_missing": {
        "kk": "Отбасының барлық кәмелетке толған мүшелерінің келісімі қажет",
        "ru": "Нужно согласие всех совершеннолетних членов семьи",
        "en": "The consent of every adult family member is required",
    },
    "state_data_incomplete": {
        "kk": "Мемлекеттік деректер әлі толық алынған жоқ; шешім қабылданбайды",
        "ru": "Данные госсистем ещё не получены полностью; решение не принимается",
        "en": "The state data have not all arrived; nothing is decided yet",
    },
    "person_unknown": {
        "kk": "ЖСН жеке тұлғалар дерекқорында табылмады",
        "ru": "ИИН не найден в ГБД ФЛ",
        "en": "The IIN is not in the individuals database",
    },
}


def system_name(system: System | str, lang: Language = "en") -> str:
    return SYSTEM_NAMES[System(system)][lang]


def fetch_status_text(status: str, waiting_for: list[str], lang: Language = "en") -> str:
    """E.g. "Waiting for the property register" / "Ожидается ответ: Регистр прав ..."."""
    template = FETCH_STATUS[status][lang]
    joiner = {"kk": ", ", "ru": ", ", "en": " and the "}[lang]
    return template.format(systems=joiner.join(system_name(s, lang) for s in waiting_for))


def error_text(code: str, system: System | str | None = None, lang: Language = "en") -> str:
    template = ERRORS[code][lang]
    return template.format(system=system_name(system, lang) if system else "")


ACTORS: dict[str, dict[Language, str]] = {
    "system": {
        "kk": "Kezek жүйесі (автоматты түрде)",
        "ru": "Система Kezek (автоматически)",
        "en": "Kezek (automatic)",
    },
    "official": {"kk": "Лауазымды тұлға", "ru": "Должностное лицо", "en": "Official"},
    "citizen": {"kk": "Азамат", "ru": "Гражданин", "en": "Citizen"},
    "api": {"kk": "Сыртқы жүйе", "ru": "Внешняя система", "en": "External system"},
}

OUTCOMES: dict[str, dict[Language, str]] = {
    "ok": {"kk": "Жауап алынды", "ru": "Ответ получен", "en": "Answered"},
    "not_found": {"kk": "Дерек жоқ", "ru": "Нет сведений", "en": "No record"},
    "pending": {"kk": "Жауап күтілуде", "ru": "Ожидается ответ", "en": "Awaiting an answer"},
}


def actor_text(kind: str, lang: Language = "en") -> str:
    return ACTORS.get(kind, ACTORS["api"])[lang]


def purpose_text(purpose: str, lang: Language = "en") -> str:
    return PURPOSES[Purpose(purpose)][lang]


def outcome_text(outcome: str, lang: Language = "en") -> str:
    if outcome in OUTCOMES:
        return OUTCOMES[outcome][lang]
    if outcome in ERRORS:
        return error_text(outcome, None, lang).replace("«»", "").strip(" ;")
    return outcome
