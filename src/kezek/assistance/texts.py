"""Texts of housing-assistance notices, SMS / e-mail and the commission protocol in kk, ru and en.

Domain code stores codes; these tables turn them into the family's language for the PDF notice,
the protocol and the short messages (the pages translate their own strings with gettext).
"""

from __future__ import annotations

from typing import Any

T = dict[str, dict[str, str]]

TITLES: T = {
    "assistance_assigned": {
        "kk": "Тұрғын үй көмегін тағайындау туралы хабарлама",
        "ru": "Уведомление о назначении жилищной помощи",
        "en": "Notice of assignment of housing assistance",
    },
    "assistance_refused": {
        "kk": "Тұрғын үй көмегін тағайындаудан бас тарту туралы дәлелді хабарлама",
        "ru": "Мотивированный отказ в назначении жилищной помощи",
        "en": "Motivated refusal of housing assistance",
    },
    "protocol": {
        "kk": "Тұрғын үй көмегі жөніндегі комиссия отырысының хаттамасы",
        "ru": "Протокол заседания комиссии по жилищной помощи",
        "en": "Minutes of the housing assistance commission session",
    },
}

LABELS: T = {
    "claim": {"kk": "Өтініш", "ru": "Заявление", "en": "Claim"},
    "applicant": {"kk": "Өтініш беруші", "ru": "Заявитель", "en": "Applicant"},
    "iin": {"kk": "ЖСН", "ru": "ИИН", "en": "IIN"},
    "address": {"kk": "Тұрғын үй мекенжайы", "ru": "Адрес жилища", "en": "Address of the dwelling"},
    "quarter": {"kk": "Тоқсан", "ru": "Квартал", "en": "Quarter"},
    "amount_month": {"kk": "Айына сомасы", "ru": "Сумма в месяц", "en": "Amount per month"},
    "months": {"kk": "Төленетін айлар", "ru": "Месяцы выплаты", "en": "Months paid"},
    "total": {"kk": "Барлығы", "ru": "Итого", "en": "Total"},
    "account": {"kk": "Төлем шоты", "ru": "Счёт для выплаты", "en": "Account for payment"},
    "reason": {"kk": "Бас тарту себебі", "ru": "Причина отказа", "en": "Reason for refusal"},
    "reference": {"kk": "Құқықтық негіз", "ru": "Правовое основание", "en": "Legal basis"},
    "calculation": {"kk": "Нормативтік есеп", "ru": "Нормативный расчёт", "en": "Normative calculation"},
    "income": {
        "kk": "Алдыңғы тоқсандағы отбасы табысы",
        "ru": "Доход семьи за предыдущий квартал",
        "en": "Family income of the previous quarter",
    },
    "share": {
        "kk": "Шекті үлес (айына)",
        "ru": "Предельная доля расходов (в месяц)",
        "en": "Permitted share of income (per month)",
    },
    "costs": {
        "kk": "Норма шегіндегі шығыстар",
        "ru": "Расходы в пределах норм",
        "en": "Costs within the norms",
    },
    "line": {
        "kk": "нақты {actual}, норма бойынша {allowed}, норма шегінде {within}",
        "ru": "фактически {actual}, по норме {allowed}, в пределах нормы {within}",
        "en": "actual {actual}, allowed by the norm {allowed}, within the norm {within}",
    },
    "decided": {"kk": "Комиссия шешімі", "ru": "Решение комиссии", "en": "Decision of the commission"},
    "session": {"kk": "Отырыс", "ru": "Заседание", "en": "Session"},
    "held_on": {"kk": "Өткізілген күні", "ru": "Дата заседания", "en": "Held on"},
    "chair": {"kk": "Төраға", "ru": "Председатель", "en": "Chair"},
    "members": {"kk": "Комиссия мүшелері", "ru": "Члены комиссии", "en": "Members"},
    "agenda": {"kk": "Қаралған өтініштер", "ru": "Рассмотренные заявления", "en": "Claims decided"},
    "bulk": {
        "kk": "топтамамен ұсынылды, жеке тіркелді",
        "ru": "предложено пакетом, записано отдельно",
        "en": "proposed in bulk, recorded individually",
    },
    "appeal": {
        "kk": "Шешімге әкімшілік тәртіппен немесе сотқа шағымдануға болады.",
        "ru": "Решение может быть обжаловано в административном или судебном порядке.",
        "en": "The decision may be appealed administratively or in court.",
    },
    "footer": {
        "kk": "Kezek · тұрғын үй көмегі",
        "ru": "Kezek · жилищная помощь",
        "en": "Kezek · housing assistance",
    },
    "summary": {"kk": "Қорытынды", "ru": "Итог", "en": "Summary"},
    "assigned_count": {"kk": "Тағайындалды", "ru": "Назначено", "en": "Assigned"},
    "refused_count": {"kk": "Бас тартылды", "ru": "Отказано", "en": "Refused"},
}

OUTCOMES: T = {
    "assigned": {"kk": "тағайындалды", "ru": "назначена", "en": "assigned"},
    "refused": {"kk": "бас тартылды", "ru": "отказано", "en": "refused"},
}

REASONS: T = {
    "false_data": {
        "kk": "жалған немесе толық емес мәліметтер ұсынылды",
        "ru": "представлены недостоверные или неполные сведения",
        "en": "false or incomplete data were given",
    },
    "more_than_one_dwelling": {
        "kk": "отбасының бірден артық тұрғын үйі бар",
        "ru": "у семьи более одного жилища",
        "en": "the family has more than one dwelling",
    },
    "private_rent": {
        "kk": "жеке тұрғын үй қорынан жалға алынған тұрғын үйге көмек көрсетілмейді",
        "ru": "жильё, арендуемое в частном жилищном фонде, не покрывается",
        "en": "housing rented in the private fund is not covered",
    },
    "nothing_due": {
        "kk": "норма шегіндегі шығыстар табыстың шекті үлесінен аспайды (сома нөлге тең)",
        "ru": "расходы в пределах норм не превышают предельной доли дохода (сумма равна нулю)",
        "en": "costs within the norms do not exceed the permitted share of income (the amount is zero)",
    },
}

# The legal reference of each refusal (domain.md §7.1, §7.4).
LEGAL: dict[str, str] = {
    "false_data": "MIC Order No. 117 of 08.12.2023 (Rules of housing assistance), grounds of refusal: "
    "false or incomplete data; Tselinograd decision No. 283/41-5 item 9-4",
    "more_than_one_dwelling": "Law No. 94 of 16.04.1997 Art. 97; MIC Order No. 117 of 08.12.2023: "
    "assistance for the only dwelling",
    "private_rent": "MIC Order No. 117 of 08.12.2023: owners of their only dwelling and tenants of the state "
    "fund or of housing leased by the local executive body only",
    "nothing_due": "MIC Order No. 117 of 08.12.2023: assistance = costs within the norms minus the permitted "
    "share of family income, never negative",
    "assigned": "Law No. 94 of 16.04.1997 Art. 97; MIC Order No. 117 of 08.12.2023 (as amended 19.11.2025)",
}

SMS: T = {
    "consent_request": {
        "kk": "Kezek: {number} тұрғын үй көмегі өтінішіне келісіміңіз сұралады. Жеке кабинетте {until} "
        "дейін жауап беріңіз.",
        "ru": "Kezek: просим ваше согласие по заявлению {number} на жилищную помощь. Ответьте в личном "
        "кабинете до {until}.",
        "en": "Kezek: your consent is asked for housing assistance claim {number}. Answer in your cabinet "
        "by {until}.",
    },
    "assistance_assigned": {
        "kk": "Kezek: тұрғын үй көмегі тағайындалды, айына {amount}. Хабарлама {number}.",
        "ru": "Kezek: жилищная помощь назначена, {amount} в месяц. Уведомление {number}.",
        "en": "Kezek: housing assistance assigned, {amount} a month. Notice {number}.",
    },
    "assistance_refused": {
        "kk": "Kezek: тұрғын үй көмегінен бас тартылды. Себебі жеке кабинетте, хабарлама {number}.",
        "ru": "Kezek: в жилищной помощи отказано. Причина в личном кабинете, уведомление {number}.",
        "en": "Kezek: housing assistance refused. The reason is in your cabinet, notice {number}.",
    },
    "claim_ended": {
        "kk": "Kezek: {number} тұрғын үй көмегі өтініші тоқтатылды: {reason}.",
        "ru": "Kezek: заявление {number} на жилищную помощь прекращено: {reason}.",
        "en": "Kezek: housing assistance claim {number} ended: {reason}.",
    },
}

END_REASONS: T = {
    "consent_declined": {
        "kk": "отбасының ересек мүшесі келісім беруден бас тартты",
        "ru": "совершеннолетний член семьи отказался дать согласие",
        "en": "an adult family member declined to consent",
    },
    "consent_expired": {
        "kk": "ересек мүшелердің келісімі мерзімінде берілмеді",
        "ru": "согласие совершеннолетних членов семьи не получено в срок",
        "en": "the consent of every adult member did not come in time",
    },
}

SERVICES: T = {
    "rent": {"kk": "Жалдау ақысы", "ru": "Плата за наём", "en": "Rent"},
    "condominium": {"kk": "ПИК/ТСЖ жарналары", "ru": "Взносы ОСИ/КСК", "en": "Condominium fees"},
    "heat_area": {"kk": "Жылу (м² үшін)", "ru": "Отопление (за м²)", "en": "Heat (per m²)"},
    "heat_metered": {"kk": "Жылу (есептегіш)", "ru": "Отопление (по счётчику)", "en": "Heat (metered)"},
    "gas": {"kk": "Газ", "ru": "Газ", "en": "Gas"},
    "gas_heating": {"kk": "Газбен жылыту", "ru": "Газ на отопление", "en": "Gas heating"},
    "cold_water": {"kk": "Суық су", "ru": "Холодная вода", "en": "Cold water"},
    "hot_water": {"kk": "Ыстық су", "ru": "Горячая вода", "en": "Hot water"},
    "electricity": {"kk": "Электр энергиясы", "ru": "Электроэнергия", "en": "Electricity"},
    "solid_fuel": {"kk": "Қатты отын", "ru": "Твёрдое топливо", "en": "Solid fuel"},
    "lift": {"kk": "Лифт", "ru": "Лифт", "en": "Lift"},
    "phone": {
        "kk": "Телефон абоненттік ақысы",
        "ru": "Абонентская плата за телефон",
        "en": "Phone subscription",
    },
    "sewerage": {"kk": "Су бұру", "ru": "Водоотведение", "en": "Sewerage"},
    "waste": {"kk": "Қоқыс шығару", "ru": "Вывоз мусора", "en": "Waste removal"},
    "assessed": {"kk": "Бағаланған шығыстар", "ru": "Оценённые расходы", "en": "Assessed costs"},
}


def pick(table: T, key: str | None, language: str) -> str:
    if not key:
        return ""
    row = table.get(key)
    if row is None:
        return key
    return row.get(language) or row["ru"]


def label(key: str, language: str) -> str:
    return pick(LABELS, key, language)


def money(tiyn: int) -> str:
    """'12 345,67 ₸' in every language (tenge with a thin grouping, tiyn when there are any)."""
    tenge, rest = divmod(abs(int(tiyn)), 100)
    sign = "-" if tiyn < 0 else ""
    grouped = f"{tenge:,}".replace(",", "\u00a0")
    return f"{sign}{grouped}{',' + f'{rest:02d}' if rest else ''} ₸"


def short(kind: str, language: str, **values: Any) -> str:
    return pick(SMS, kind, language).format(**values)
