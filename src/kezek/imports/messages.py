"""What the import report says, in Kazakh, Russian and English.

The report is a file an official downloads (CSV or XLSX), written in their language; the codes stay
in the database so the same report can be rendered again in another language. A test checks that
every code has its three texts.
"""

from __future__ import annotations

from typing import Any

LANGUAGES = ("kk", "ru", "en")

REASONS: dict[str, dict[str, str]] = {
    "iin_missing": {
        "kk": "ЖСН көрсетілмеген: жол адамның тексеруіне қалдырылды (ЖСН-ді анықтап, файлды қайта жүктеңіз)",
        "ru": "ИИН не указан: строка оставлена для проверки человеком (уточните ИИН и загрузите файл снова)",
        "en": "The IIN is missing: the line is kept for a person to check (find the IIN and import again)",
    },
    "iin_length": {
        "kk": "ЖСН 12 цифрдан тұрады (мұнда {length})",
        "ru": "ИИН состоит из 12 цифр (здесь {length})",
        "en": "An IIN has 12 digits (this one has {length})",
    },
    "iin_digits": {
        "kk": "ЖСН тек цифрлардан тұрады",
        "ru": "ИИН содержит только цифры",
        "en": "An IIN has digits only",
    },
    "iin_century": {
        "kk": "ЖСН-нің 7-цифры (ғасыр мен жыныс) 1-ден 6-ға дейін болуы керек",
        "ru": "7-я цифра ИИН (век и пол) должна быть от 1 до 6",
        "en": "The 7th digit of the IIN (century and sex) must be 1 to 6",
    },
    "iin_date": {
        "kk": "ЖСН-нің алғашқы алты цифры нақты туған күн емес",
        "ru": "Первые шесть цифр ИИН не являются реальной датой рождения",
        "en": "The first six digits of the IIN are not a real birth date",
    },
    "iin_not_issued": {
        "kk": "Мұндай алғашқы 11 цифрмен ЖСН берілмейді",
        "ru": "ИИН с такими первыми 11 цифрами не выдаётся",
        "en": "No IIN is issued with these first 11 digits",
    },
    "iin_check_digit": {
        "kk": "ЖСН-нің бақылау цифры сәйкес келмейді: нөмірді тексеріңіз",
        "ru": "Контрольная цифра ИИН не совпадает: проверьте номер",
        "en": "The check digit of the IIN does not match: check the number",
    },
    "iin_scientific": {
        "kk": "Кесте ЖСН-ді санға айналдырып, цифрларын жоғалтқан ({value}): бағанды мәтін ретінде сақтаңыз",
        "ru": "Таблица превратила ИИН в число и потеряла цифры ({value}): сохраните столбец как текст",
        "en": "The spreadsheet made the IIN a number and lost digits ({value}): keep the column as text",
    },
    "iin_zero_restored": {
        "kk": "ЖСН-нің басындағы нөл қалпына келтірілді",
        "ru": "Восстановлен ведущий ноль ИИН",
        "en": "The leading zero of the IIN was restored",
    },
    "iin_birth_mismatch": {
        "kk": "Туған күні ({row_date}) ЖСН-дегі күнмен ({iin_date}) сәйкес келмейді",
        "ru": "Дата рождения ({row_date}) не совпадает с датой в ИИН ({iin_date})",
        "en": "The birth date ({row_date}) differs from the one in the IIN ({iin_date})",
    },
    "iin_sex_mismatch": {
        "kk": "Жынысы ЖСН-дегі жыныспен сәйкес келмейді",
        "ru": "Пол не совпадает с полом в ИИН",
        "en": "The sex differs from the one encoded in the IIN",
    },
    "iin_future": {
        "kk": "ЖСН болашақтағы туған күнді береді",
        "ru": "ИИН даёт дату рождения в будущем",
        "en": "The IIN gives a birth date in the future",
    },
    "name_missing": {"kk": "Аты-жөні көрсетілмеген", "ru": "ФИО не указано", "en": "The name is missing"},
    "name_incomplete": {
        "kk": "Аты-жөнінде кемінде тегі мен аты болуы керек",
        "ru": "В ФИО должны быть как минимум фамилия и имя",
        "en": "The name needs at least a surname and a given name",
    },
    "name_characters": {
        "kk": "Аты-жөнінде цифрлар немесе рұқсат етілмеген белгілер бар",
        "ru": "В ФИО есть цифры или недопустимые знаки",
        "en": "The name contains digits or characters that a name cannot have",
    },
    "name_differs": {
        "kk": "Осы ЖСН бойынша Kezek-тегі адамның аты-жөні басқа ({known}): адам тексеруі керек",
        "ru": "У человека с этим ИИН в Kezek другое ФИО ({known}): нужна проверка человеком",
        "en": "The person with this IIN in Kezek has another name ({known}): a person must check",
    },
    "date_missing": {"kk": "Күні көрсетілмеген", "ru": "Дата не указана", "en": "The date is missing"},
    "date_invalid": {
        "kk": "Мұндай күн жоқ ({value})",
        "ru": "Такой даты не существует ({value})",
        "en": "This date does not exist ({value})",
    },
    "date_unreadable": {
        "kk": "Күнді оқу мүмкін емес ({value}): кк.аа.жжжж немесе жжжж-аа-кк түрінде жазыңыз",
        "ru": "Дату невозможно прочитать ({value}): пишите дд.мм.гггг или гггг-мм-дд",
        "en": "The date cannot be read ({value}): write dd.mm.yyyy or yyyy-mm-dd",
    },
    "date_future": {
        "kk": "Күн болашақта ({value})",
        "ru": "Дата в будущем ({value})",
        "en": "The date is in the future ({value})",
    },
    "date_too_old": {
        "kk": "Күн тым ерте ({value})",
        "ru": "Слишком ранняя дата ({value})",
        "en": "The date is too early ({value})",
    },
    "time_invalid": {
        "kk": "Уақытты оқу мүмкін емес ({value})",
        "ru": "Время невозможно прочитать ({value})",
        "en": "The time cannot be read ({value})",
    },
    "registered_before_birth": {
        "kk": "Есепке қою күні туған күннен бұрын",
        "ru": "Дата постановки на учёт раньше даты рождения",
        "en": "The registration date is before the birth date",
    },
    "sex_unreadable": {
        "kk": "Жынысын оқу мүмкін емес ({value}): ЖСН бойынша алынды",
        "ru": "Пол невозможно прочитать ({value}): взят из ИИН",
        "en": "The sex cannot be read ({value}): taken from the IIN",
    },
    "list_missing": {
        "kk": "Тізім көрсетілмеген",
        "ru": "Список не указан",
        "en": "The list is missing",
    },
    "list_unknown": {
        "kk": "Тізім танылмады ({value}): 1–6 тізімдердің бірін жазыңыз",
        "ru": "Список не распознан ({value}): укажите один из списков 1–6",
        "en": "The list is not recognised ({value}): name one of the lists 1 to 6",
    },
    "list_category_conflict": {
        "kk": "Санат ({value}) басқа тізімге жатады; тізім бағаны бойынша алынды",
        "ru": "Категория ({value}) относится к другому списку; взят список из столбца списка",
        "en": "The category ({value}) belongs to another list; the list column was used",
    },
    "legacy_number_missing": {
        "kk": "Кезектегі ескі нөмір көрсетілмеген",
        "ru": "Не указан старый номер очереди",
        "en": "The old queue number is missing",
    },
    "phone_invalid": {
        "kk": "Телефон нөмірі танылмады, сақталмады",
        "ru": "Номер телефона не распознан и не сохранён",
        "en": "The phone number is not recognised and was not kept",
    },
    "family_size_invalid": {
        "kk": "Отбасы құрамы сан емес ({value})",
        "ru": "Состав семьи не является числом ({value})",
        "en": "The family size is not a number ({value})",
    },
    "kato_invalid": {
        "kk": "ӘАОЖ коды 9 цифрдан тұрады ({value})",
        "ru": "Код КАТО состоит из 9 цифр ({value})",
        "en": "A KATO code has 9 digits ({value})",
    },
    "not_a_row": {
        "kk": "Бұл жол деректер жолына ұқсамайды (жазба, қорытынды немесе қолтаңба?)",
        "ru": "Строка не похожа на строку данных (надпись, итог или подпись?)",
        "en": "This line does not look like a data line (a title, a total or a signature?)",
    },
    "header_repeated": {
        "kk": "Бұл жол тақырыпты қайталайды",
        "ru": "Строка повторяет заголовок",
        "en": "This line repeats the header",
    },
    "encoding_damaged": {
        "kk": "Жолда оқылмайтын таңбалар бар (файлдың кодтамасы бұзылған)",
        "ru": "В строке есть нечитаемые символы (повреждена кодировка файла)",
        "en": "The line has unreadable characters (the file's encoding is damaged)",
    },
    "duplicate_in_file": {
        "kk": "{ref_line}-жолдың қайталануы: біріктірілді",
        "ru": "Повтор строки {ref_line}: объединено",
        "en": "Repeats line {ref_line}: merged",
    },
    "duplicate_in_file_differs": {
        "kk": "Осы ЖСН {ref_line}-жолда басқа деректермен бар: бір адам — бір кезек, адам тексеруі керек",
        "ru": "ИИН есть в строке {ref_line} с другими данными: один человек — одна очередь, нужна проверка",
        "en": "This IIN is on line {ref_line} with other data: one person, one queue; a person must check",
    },
    "already_in_queue": {
        "kk": "Бұл адам Kezek кезегінде бұрыннан тұр (жазба {entry_id})",
        "ru": "Этот человек уже состоит в очереди Kezek (запись {entry_id})",
        "en": "This person is already in the Kezek queue (entry {entry_id})",
    },
    "registered_elsewhere": {
        "kk": "Бұл адам басқа әкімдіктің тізімінде тұр (ӘАОЖ {kato}): адам тексеруі керек",
        "ru": "Этот человек состоит в списке другого акимата (КАТО {kato}): нужна проверка",
        "en": "This person is on another akimat's list (KATO {kato}): a person must check",
    },
    "possible_duplicate": {
        "kk": "ЖСН жоқ; аты-жөні мен туған күні {where} сәйкес келеді: адам тексеруі керек",
        "ru": "ИИН нет; ФИО и дата рождения совпадают с {where}: нужна проверка человеком",
        "en": "No IIN; the name and birth date match {where}: a person must check",
    },
    "registered_changed": {
        "kk": "Түзетілген файл есепке қою күнін өзгертеді: бұл кезектегі орынды ауыстырады, шешім қажет",
        "ru": "Исправленный файл меняет дату постановки: это меняет место в очереди, нужно решение",
        "en": "The corrected file changes the registration date: that moves the place, a decision is needed",
    },
    "legacy_number_changed": {
        "kk": "Түзетілген файл ескі нөмірді өзгертеді ({old} → {new}): адам тексеруі керек",
        "ru": "Исправленный файл меняет старый номер ({old} → {new}): нужна проверка",
        "en": "The corrected file changes the old number ({old} → {new}): a person must check",
    },
    "name_changed": {
        "kk": "Түзетілген файл аты-жөнін немесе туған күнін өзгертеді: адам тексеруі керек",
        "ru": "Исправленный файл меняет ФИО или дату рождения: нужна проверка",
        "en": "The corrected file changes the name or birth date: a person must check",
    },
    "entry_not_active": {
        "kk": "Бұл жолдың кезектегі жазбасы енді белсенді емес ({status}): өзгеріс қолданылмады",
        "ru": "Запись очереди этой строки уже не активна ({status}): изменение не применено",
        "en": "The queue entry of this line is no longer active ({status}): the change was not applied",
    },
    "landing_failed": {
        "kk": "Жол жүктелмеді: {detail}",
        "ru": "Строка не загружена: {detail}",
        "en": "The line did not land: {detail}",
    },
    "dwelling_invalid": {
        "kk": "Тұрғын үй деректері қате: {detail}",
        "ru": "Ошибка в данных жилья: {detail}",
        "en": "The dwelling's data are wrong: {detail}",
    },
    "dwelling_duplicate": {
        "kk": "Бұл тұрғын үй бұрын енгізілген",
        "ru": "Это жильё уже внесено",
        "en": "This dwelling is already entered",
    },
    "dwelling_changed": {
        "kk": "Түзетілген файл енгізілген тұрғын үйді өзгертеді: қолмен түзетіңіз",
        "ru": "Исправленный файл меняет уже внесённое жильё: исправьте вручную",
        "en": "The corrected file changes a dwelling already entered: correct it by hand",
    },
    "value_missing": {
        "kk": "Мәні көрсетілмеген",
        "ru": "Значение не указано",
        "en": "The value is missing",
    },
    "value_invalid": {
        "kk": "Мәні қате немесе рұқсат етілген шектен тыс",
        "ru": "Значение неверно или вне допустимых пределов",
        "en": "The value is wrong or out of the allowed range",
    },
    "area_out_of_range": {
        "kk": "Ауданы 10 және 1000 м² аралығында болуы керек ({value})",
        "ru": "Площадь должна быть от 10 до 1000 м² ({value})",
        "en": "The area must be between 10 and 1000 m² ({value})",
    },
    "dwelling_kind_unknown": {
        "kk": "Тұрғын үй түрі танылмады ({value}): жалдамалы, несиелік 2% немесе 5%, субсидиялау",
        "ru": "Вид жилья не распознан ({value}): арендное, кредитное 2% или 5%, субсидирование",
        "en": "The kind of dwelling is not recognised ({value}): rental, credit 2% or 5%, rent subsidy",
    },
}

OUTCOMES: dict[str, dict[str, str]] = {
    "landed": {"kk": "жүктелді", "ru": "загружено", "en": "landed"},
    "updated": {"kk": "жаңартылды", "ru": "обновлено", "en": "updated"},
    "unchanged": {"kk": "өзгеріссіз", "ru": "без изменений", "en": "unchanged"},
    "rejected": {"kk": "қабылданбады", "ru": "отклонено", "en": "rejected"},
    "flagged": {"kk": "тексеруге", "ru": "на проверку", "en": "flagged for a person"},
    "merged": {"kk": "біріктірілді", "ru": "объединено", "en": "merged"},
    "duplicate": {"kk": "қайталанды", "ru": "дубликат", "en": "duplicate"},
}

FIELDS: dict[str, dict[str, str]] = {
    "row": {"kk": "жол", "ru": "строка", "en": "line"},
    "iin": {"kk": "ЖСН", "ru": "ИИН", "en": "IIN"},
    "full_name": {"kk": "аты-жөні", "ru": "ФИО", "en": "full name"},
    "surname": {"kk": "тегі", "ru": "фамилия", "en": "surname"},
    "given_name": {"kk": "аты", "ru": "имя", "en": "given name"},
    "patronymic": {"kk": "әкесінің аты", "ru": "отчество", "en": "patronymic"},
    "birth_date": {"kk": "туған күні", "ru": "дата рождения", "en": "birth date"},
    "sex": {"kk": "жынысы", "ru": "пол", "en": "sex"},
    "registered_at": {"kk": "есепке қою күні", "ru": "дата постановки на учёт", "en": "registration date"},
    "registered_time": {"kk": "уақыты", "ru": "время", "en": "time"},
    "list": {"kk": "тізім", "ru": "список", "en": "list"},
    "category": {"kk": "санаты", "ru": "категория", "en": "category"},
    "legacy_number": {"kk": "кезектегі ескі нөмір", "ru": "старый номер очереди", "en": "old queue number"},
    "phone": {"kk": "телефон", "ru": "телефон", "en": "phone"},
    "family_size": {"kk": "отбасы құрамы", "ru": "состав семьи", "en": "family size"},
    "kato": {"kk": "ӘАОЖ", "ru": "КАТО", "en": "KATO"},
    "address": {"kk": "мекенжай", "ru": "адрес", "en": "address"},
    "rooms": {"kk": "бөлме саны", "ru": "комнат", "en": "rooms"},
    "area_m2": {"kk": "ауданы", "ru": "площадь", "en": "area"},
    "floor": {"kk": "қабат", "ru": "этаж", "en": "floor"},
    "floors_total": {"kk": "қабаттылығы", "ru": "этажность", "en": "floors"},
    "kind": {"kk": "түрі", "ru": "вид", "en": "kind"},
    "programme": {"kk": "бағдарлама", "ru": "программа", "en": "programme"},
    "external_ref": {"kk": "тізілім нөмірі", "ru": "реестровый номер", "en": "register number"},
    "wheelchair": {"kk": "арбаға қолжетімді", "ru": "для колясочников", "en": "wheelchair access"},
    "holder": {"kk": "ұстаушы", "ru": "держатель", "en": "holder"},
}

REPORT_COLUMNS: dict[str, dict[str, str]] = {
    "file": {"kk": "Файл", "ru": "Файл", "en": "File"},
    "sheet": {"kk": "Парақ", "ru": "Лист", "en": "Sheet"},
    "line": {"kk": "Жол", "ru": "Строка", "en": "Line"},
    "outcome": {"kk": "Нәтиже", "ru": "Результат", "en": "Outcome"},
    "field": {"kk": "Өріс", "ru": "Поле", "en": "Field"},
    "reason": {"kk": "Себебі", "ru": "Причина", "en": "Reason"},
    "legacy_number": {"kk": "Ескі нөмір", "ru": "Старый номер", "en": "Old number"},
    "cells": {"kk": "Жолдың мәтіні", "ru": "Содержимое строки", "en": "Line as read"},
}


# The per-akimat reconciliation report as CSV (kezek.imports.pages).
AKIMAT_LABELS: dict[str, dict[str, str]] = {
    "measure": {"kk": "Тізім немесе көрсеткіш", "ru": "Список или показатель", "en": "List or measure"},
    "before": {"kk": "Жүктеуге дейін", "ru": "До загрузки", "en": "Before the import"},
    "after": {"kk": "Қазір", "ru": "Сейчас", "en": "Now"},
    "rows": {"kk": "Оқылған жолдар", "ru": "Прочитано строк", "en": "Lines read"},
    "landed": {"kk": "Жүктелген жолдар", "ru": "Загружено строк", "en": "Lines landed"},
    "rejected": {"kk": "Қабылданбаған жолдар", "ru": "Отклонено строк", "en": "Lines rejected"},
    "flagged": {
        "kk": "Адам тексеруіне қалдырылған жолдар",
        "ru": "Строк на проверку человеком",
        "en": "Lines flagged for a person",
    },
    "merged": {"kk": "Біріктірілген қайталаулар", "ru": "Объединено дубликатов", "en": "Duplicates merged"},
    "proposals_open": {
        "kk": "Шешілмеген түгендеу ұсыныстары",
        "ru": "Открытые предложения инвентаризации",
        "en": "Open inventory proposals",
    },
    "dead": {"kk": "Қайтыс болған", "ru": "Умер", "en": "Dead"},
    "owns_housing": {"kk": "Тұрғын үйі бар", "ru": "Имеет жильё", "en": "Owns housing"},
    "registered_elsewhere": {
        "kk": "Басқа өңірде тіркелген",
        "ru": "Зарегистрирован в другом регионе",
        "en": "Registered in another region",
    },
    "not_citizen": {"kk": "Азамат емес", "ru": "Не гражданин", "en": "Not a citizen"},
    "unknown": {
        "kk": "Жеке тұлғалар базасында жоқ",
        "ru": "Нет в базе физических лиц",
        "en": "Not in the individuals database",
    },
    "family_differs": {
        "kk": "Отбасы құрамы сәйкес келмейді",
        "ru": "Состав семьи не совпадает",
        "en": "Family composition differs",
    },
}


def akimat_label(key: str, language: str) -> str:
    return AKIMAT_LABELS[key][lang_of(language)]


def lang_of(language: str) -> str:
    return language if language in LANGUAGES else "ru"


def reason_text(code: str, language: str, params: dict[str, Any] | None = None) -> str:
    texts = REASONS.get(code)
    if texts is None:
        return code
    template = texts[lang_of(language)]
    try:
        return template.format(**(params or {}))
    except (KeyError, IndexError, ValueError):
        return template


def outcome_text(outcome: str, language: str) -> str:
    return OUTCOMES.get(outcome, {}).get(lang_of(language), outcome)


def field_text(name: str, language: str) -> str:
    return FIELDS.get(name, {}).get(lang_of(language), name)


def column_text(name: str, language: str) -> str:
    return REPORT_COLUMNS[name][lang_of(language)]
