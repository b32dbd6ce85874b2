"""The wording of notices in Kazakh, Russian and English.

A notice is a legal document in the language of correspondence, rendered the same way as HTML and as
PDF outside any web request, so its wording lives here as data rather than in the web catalogs.
Reason codes and categories fall back to the code itself if a label is missing (never a blank).
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
    "receipt": {
        "kk": "Өтінішті қабылдау туралы қолхат",
        "ru": "Расписка о приёме заявления",
        "en": "Receipt of the application",
    },
    "registration": {
        "kk": "Тұрғын үйге мұқтаж ретінде есепке қою туралы хабарлама",
        "ru": "Уведомление о постановке на учёт нуждающихся в жилище",
        "en": "Notice of registration in the housing queue",
    },
    "refusal": {
        "kk": "Есепке қоюдан бас тарту туралы дәлелді жауап",
        "ru": "Мотивированный ответ об отказе в постановке на учёт",
        "en": "Motivated refusal of registration in the housing queue",
    },
    "document_request": {
        "kk": "Құжат ұсыну туралы сұрау",
        "ru": "Запрос документа",
        "en": "Request for a document",
    },
    "removal": {
        "kk": "Есептен шығару туралы хабарлама",
        "ru": "Уведомление о снятии с учёта",
        "en": "Notice of removal from the queue",
    },
    "restoration": {
        "kk": "Есепке қалпына келтіру туралы хабарлама",
        "ru": "Уведомление о восстановлении в очереди",
        "en": "Notice of restoration in the queue",
    },
    "migration": {
        "kk": "Ұлттық кезекке ауыстыру туралы хабарлама",
        "ru": "Уведомление о переводе в национальную очередь",
        "en": "Notice of transfer to the national queue",
    },
}

LABELS: T = {
    "number": {"kk": "Нөмірі", "ru": "Номер", "en": "Number"},
    "issued": {"kk": "Берілген күні", "ru": "Дата выдачи", "en": "Issued on"},
    "application": {"kk": "Өтініш", "ru": "Заявление", "en": "Application"},
    "received_at": {"kk": "Қабылданған күні мен уақыты", "ru": "Дата и время приёма", "en": "Received on"},
    "applicant": {"kk": "Өтініш беруші", "ru": "Заявитель", "en": "Applicant"},
    "iin": {"kk": "ЖСН", "ru": "ИИН", "en": "IIN"},
    "jurisdiction": {
        "kk": "Әкімшілік-аумақтық бірлік",
        "ru": "Административно-территориальная единица",
        "en": "Jurisdiction",
    },
    "service": {
        "kk": "Мемлекеттік қызмет: тұрғын үйге мұқтаж азаматтарды есепке қою",
        "ru": "Государственная услуга: постановка на учёт граждан, нуждающихся в жилище",
        "en": "State service: registration of citizens in need of housing",
    },
    "channel": {"kk": "Қабылдау арнасы", "ru": "Канал приёма", "en": "Channel"},
    "documents": {"kk": "Қоса берілген құжаттар", "ru": "Приложенные документы", "en": "Documents attached"},
    "no_documents": {
        "kk": "Жоқ: мәліметтер мемлекеттік ақпараттық жүйелерден алынады",
        "ru": "Нет: сведения получаются из государственных информационных систем",
        "en": "None: the data are obtained from the state information systems",
    },
    "deadline": {
        "kk": "Қызмет көрсету мерзімі",
        "ru": "Срок оказания услуги",
        "en": "Deadline of the service",
    },
    "result_by": {"kk": "Нәтиже берілетін күн", "ru": "Дата выдачи результата", "en": "Result due by"},
    "list": {"kk": "Кезек тізімі", "ru": "Список очереди", "en": "List"},
    "position": {"kk": "Кезектегі реттік нөмірі", "ru": "Порядковый номер в очереди", "en": "Queue number"},
    "registered_at": {
        "kk": "Есепке қойылған күні мен уақыты",
        "ru": "Дата и время постановки на учёт",
        "en": "Registered on",
    },
    "category": {"kk": "Санаты", "ru": "Категория", "en": "Category"},
    "decision": {"kk": "Шешім", "ru": "Решение", "en": "Decision"},
    "decided_at": {"kk": "Шешім қабылданған күні", "ru": "Дата решения", "en": "Decided on"},
    "decided_by": {"kk": "Шешім қабылдаған", "ru": "Решение принял", "en": "Decided by"},
    "automatic": {
        "kk": "Автоматты түрде (ақпараттық жүйе)",
        "ru": "Автоматически (информационная система)",
        "en": "Automatically (information system)",
    },
    "reasons": {"kk": "Бас тарту себептері", "ru": "Причины отказа", "en": "Reasons for the refusal"},
    "legal_basis": {"kk": "Құқықтық негіз", "ru": "Правовое основание", "en": "Legal basis"},
    "data_used": {"kk": "Негізге алынған деректер", "ru": "Использованные сведения", "en": "Data relied on"},
    "system": {"kk": "Жүйе", "ru": "Система", "en": "System"},
    "as_of": {"kk": "Күні", "ru": "На дату", "en": "As of"},
    "appeal": {"kk": "Шағымдану тәртібі", "ru": "Порядок обжалования", "en": "How to appeal"},
    "appeal_until": {"kk": "Шағымдану мерзімі", "ru": "Срок обжалования", "en": "Appeal by"},
    "appeal_text": {
        "kk": (
            "Шешімге жоғары тұрған әкімшілік органға (лауазымды адамға) немесе мемлекеттік қызметтер "
            "көрсету сапасын бағалау жөніндегі уәкілетті органға шағым берілуі мүмкін, ал одан кейін — сотқа."
        ),
        "ru": (
            "Решение может быть обжаловано в вышестоящий административный орган (должностному лицу) или в "
            "уполномоченный орган по оценке качества оказания государственных услуг, а затем — в суд."
        ),
        "en": (
            "The decision can be appealed to the higher administrative body (official) or to the authority "
            "that assesses the quality of state services, and then in court."
        ),
    },
    "requested": {"kk": "Сұралатын құжат", "ru": "Запрашиваемый документ", "en": "Document requested"},
    "answer_by": {"kk": "Ұсыну мерзімі", "ru": "Срок представления", "en": "Provide by"},
    "paused": {
        "kk": "Құжат ұсынылғанға дейін қызмет көрсету мерзімі тоқтатыла тұрады.",
        "ru": "Срок оказания услуги приостанавливается до представления документа.",
        "en": "The deadline of the service is paused until the document is provided.",
    },
    "registered_text": {
        "kk": "Сіз тұрғын үйге мұқтаж азаматтардың есебіне қойылдыңыз.",
        "ru": "Вы поставлены на учёт граждан, нуждающихся в жилище.",
        "en": "You have been registered in the housing queue.",
    },
    "refused_text": {
        "kk": "Сізге тұрғын үйге мұқтаж азаматтардың есебіне қоюдан бас тартылды.",
        "ru": "Вам отказано в постановке на учёт граждан, нуждающихся в жилище.",
        "en": "Your registration in the housing queue has been refused.",
    },
    "position_note": {
        "kk": "Кезектегі нөмір алдыңғы кезектегілер тұрғын үй алған немесе есептен шығарылған сайын "
        "өзгереді; әр өзгерістің себебі жеке кабинетте көрсетіледі.",
        "ru": "Номер в очереди меняется, когда стоящие впереди получают жильё или снимаются с учёта; "
        "причина каждого изменения показана в личном кабинете.",
        "en": "The queue number changes when those ahead are housed or removed; the reason for every change "
        "is shown in your cabinet.",
    },
    "regime": {"kk": "Кезек жүргізу тәртібі", "ru": "Режим ведения очереди", "en": "Queue regime"},
    "old_number": {"kk": "Бұрынғы нөмір", "ru": "Прежний номер", "en": "Old number"},
    "new_number": {"kk": "Жаңа нөмір", "ru": "Новый номер", "en": "New number"},
    "reason": {"kk": "Себебі", "ru": "Причина", "en": "Reason"},
    "page": {"kk": "Бет", "ru": "Страница", "en": "Page"},
    "footer": {
        "kk": "Kezek ақпараттық жүйесі қалыптастырған құжат.",
        "ru": "Документ сформирован информационной системой Kezek.",
        "en": "Document produced by the Kezek information system.",
    },
}

REGIMES: T = {
    "akimat": {
        "kk": "Әкімдік тізімдері (2025 жылғы 24 мамырға дейін)",
        "ru": "Списки акимата (до 24 мая 2025 года)",
        "en": "Akimat lists (until 24 May 2025)",
    },
    "national": {
        "kk": "Ұлттық кезек (Тұрғын үймен қамтамасыз ету орталығы)",
        "ru": "Национальная очередь (Центр обеспечения жилищем)",
        "en": "National queue (Housing Provision Center)",
    },
}

CHANNELS: T = {
    "portal": {"kk": "Портал", "ru": "Портал", "en": "Portal"},
    "psc": {"kk": "ХҚКО", "ru": "ЦОН", "en": "Public service centre"},
    "akimat": {"kk": "Әкімдік", "ru": "Акимат", "en": "Akimat"},
    "representative": {
        "kk": "Сенімхат бойынша өкіл",
        "ru": "Представитель по доверенности",
        "en": "Representative with a power of attorney",
    },
}

LISTS: T = {
    "L1": {
        "kk": "Ұлы Отан соғысының ардагерлері",
        "ru": "Ветераны Великой Отечественной войны",
        "en": "WWII veterans",
    },
    "L2": {
        "kk": "Жетім балалар және ата-анасының қамқорлығынсыз қалған балалар",
        "ru": "Дети-сироты и дети, оставшиеся без попечения родителей",
        "en": "Orphans and children left without parental care",
    },
    "L3": {
        "kk": "Көп балалы отбасылар және көп балалы аналар",
        "ru": "Многодетные семьи и многодетные матери",
        "en": "Large families and mothers of many children",
    },
    "L4": {
        "kk": "Халықтың әлеуметтік осал топтары",
        "ru": "Социально уязвимые слои населения",
        "en": "Socially vulnerable groups",
    },
    "L5": {
        "kk": "Мемлекеттік қызметшілер, бюджеттік ұйымдардың қызметкерлері, әскери қызметшілер",
        "ru": "Государственные служащие, работники бюджетных организаций, военнослужащие",
        "en": "Civil servants, budget-sector employees, military",
    },
    "L6": {
        "kk": "Жалғыз тұрғын үйі апатты деп танылған азаматтар",
        "ru": "Граждане, единственное жилище которых признано аварийным",
        "en": "Citizens whose only dwelling is emergency",
    },
    "priority": {
        "kk": "Бірінші кезектегі құқығы бар санаттар",
        "ru": "Категории с первоочередным правом",
        "en": "Priority categories",
    },
    "general": {"kk": "Жалпы кезек", "ru": "Общая очередь", "en": "General list"},
}

REASONS: T = {
    "age_under_18": {
        "kk": "Өтініш берушіге 18 жас толмаған",
        "ru": "Заявителю не исполнилось 18 лет",
        "en": "The applicant is under 18",
    },
    "not_citizen_or_kandas": {
        "kk": "Өтініш беруші Қазақстан Республикасының азаматы немесе қандас емес",
        "ru": "Заявитель не является гражданином Республики Казахстан или кандасом",
        "en": "The applicant is neither a citizen of Kazakhstan nor a kandas",
    },
    "owned_housing_within_5_years": {
        "kk": "Өтініш берушіде немесе отбасы мүшесінде соңғы 5 жылда меншік құқығында тұрғын үй болған",
        "ru": "Заявитель или член семьи имел жилище на праве собственности в течение последних 5 лет",
        "en": "The applicant or a family member owned housing in the last 5 years",
    },
    "received_state_housing": {
        "kk": "Бұрын мемлекеттік тұрғын үй қорынан немесе кәсіпорынның тұрғын үй қорынан тұрғын үй алынған",
        "ru": "Ранее получено жилище из государственного жилищного фонда или жилищного фонда предприятия",
        "en": "Housing was already received from the state or an enterprise housing fund",
    },
    "preferential_purchase": {
        "kk": "Тұрғын үй жеңілдікті мемлекеттік бағдарлама бойынша сатып алынған",
        "ru": "Жилище приобретено по льготной государственной программе",
        "en": "Housing was bought through a preferential state programme",
    },
    "emergency_dwelling_elsewhere": {
        "kk": "Апатты тұрғын үй басқа елді мекенде орналасқан",
        "ru": "Аварийное жилище находится в другом населённом пункте",
        "en": "The emergency dwelling is in another settlement",
    },
    "registration_under_3_years": {
        "kk": "Астана, Алматы немесе Шымкент қаласында тіркелгеніне 3 жыл толмаған",
        "ru": "Регистрация в городе Астана, Алматы или Шымкент менее 3 лет",
        "en": "Registered in Astana, Almaty or Shymkent for less than 3 years",
    },
    "false_information": {
        "kk": "Ұсынылған деректерде немесе құжаттарда анық емес мәліметтер бар",
        "ru": "Недостоверные сведения в представленных данных или документах",
        "en": "False information in the submitted data or documents",
    },
    "deliberate_worsening": {
        "kk": "Соңғы 5 жылда тұрғын үй жағдайын қасақана нашарлату",
        "ru": "Преднамеренное ухудшение жилищных условий в течение последних 5 лет",
        "en": "Housing conditions were deliberately worsened within the last 5 years",
    },
    "income_above_limit": {
        "kk": "Отбасы мүшесіне шаққандағы орташа айлық табыс ең төменгі күнкөріс деңгейінің 3,1 еселенген "
        "мөлшерінен төмен емес",
        "ru": "Среднемесячный доход на члена семьи не ниже 3,1-кратного прожиточного минимума",
        "en": "Average monthly income per family member is not below 3.1 subsistence minimums",
    },
    "not_resident": {
        "kk": "Елді мекенде тұрақты тіркеуі жоқ",
        "ru": "Нет постоянной регистрации в населённом пункте",
        "en": "Not permanently registered in the settlement",
    },
    "no_eligible_category": {
        "kk": "Отбасы Заңның 67-бабындағы санаттардың ешқайсысына жатпайды",
        "ru": "Семья не относится ни к одной из категорий статьи 67 Закона",
        "en": "The family belongs to none of the categories of Art. 67 of the Law",
    },
    "deceased": {"kk": "Өтініш беруші қайтыс болған", "ru": "Заявитель умер", "en": "The applicant has died"},
    "officer_decision": {
        "kk": "Лауазымды адамның шешімі",
        "ru": "Решение должностного лица",
        "en": "Decision of the official",
    },
    # removal grounds (Law Art. 73)
    "grounds_ceased": {
        "kk": "Тұрғын үй беру үшін негіздер тоқтатылды",
        "ru": "Отпали основания для предоставления жилища",
        "en": "The grounds for being provided housing have ceased",
    },
    "moved_away": {
        "kk": "Басқа елді мекенге тұрақты тұруға көшу",
        "ru": "Выезд на постоянное жительство в другой населённый пункт",
        "en": "Moved to permanent residence in another settlement",
    },
    "untrue_information": {
        "kk": "Мұқтаждық туралы шындыққа сәйкес келмейтін мәліметтер",
        "ru": "Представлены не соответствующие действительности сведения о нуждаемости",
        "en": "Untrue information about the need was given",
    },
    "acquired_housing": {
        "kk": "Тұрғын үй сатып алынды немесе салынды",
        "ru": "Приобретено или построено жилище",
        "en": "Housing was acquired or built",
    },
    "death_no_successor": {
        "kk": "Қайтыс болды, отбасы мүшелері қалмады",
        "ru": "Смерть, членов семьи не осталось",
        "en": "Died, no family member remains",
    },
    "own_request": {"kk": "Өз өтініші бойынша", "ru": "По собственному заявлению", "en": "At own request"},
    "registered_elsewhere": {
        "kk": "Басқа өңірде тіркелген",
        "ru": "Зарегистрирован в другом регионе",
        "en": "Registered in another region",
    },
    "not_citizen": {"kk": "Азаматтығы жоқ", "ru": "Не является гражданином", "en": "Not a citizen"},
    "duplicate": {"kk": "Қайталанған жазба", "ru": "Дублирующая запись", "en": "Duplicate record"},
    "housed": {"kk": "Тұрғын үй берілді", "ru": "Предоставлено жильё", "en": "Housed"},
}

CATEGORIES: T = {
    "general": {"kk": "Жалпы негізде", "ru": "На общих основаниях", "en": "General"},
    "large_family": {"kk": "Көп балалы отбасы", "ru": "Многодетная семья", "en": "Large family"},
    "altyn_alqa": {"kk": "«Алтын алқа» иегері", "ru": "Награждена «Алтын алқа»", "en": "Altyn alqa holder"},
    "kumis_alqa": {"kk": "«Күміс алқа» иегері", "ru": "Награждена «Күміс алқа»", "en": "Kumis alqa holder"},
    "mother_heroine": {"kk": "Батыр ана", "ru": "Мать-героиня", "en": "Mother-heroine"},
    "orphan": {"kk": "Жетім бала", "ru": "Ребёнок-сирота", "en": "Orphan"},
    "wwii_veteran": {
        "kk": "Ұлы Отан соғысының ардагері",
        "ru": "Ветеран Великой Отечественной войны",
        "en": "WWII veteran",
    },
    "combat_veteran": {
        "kk": "Ұрыс қимылдарының ардагері",
        "ru": "Ветеран боевых действий",
        "en": "Combat veteran",
    },
    "veteran_equated": {
        "kk": "Соғыс ардагерлеріне теңестірілген",
        "ru": "Приравненный к ветеранам войны",
        "en": "Equated to war veterans",
    },
    "disability": {
        "kk": "1 немесе 2 топтағы мүгедектігі бар адам",
        "ru": "Лицо с инвалидностью 1 или 2 группы",
        "en": "Disability of group 1 or 2",
    },
    "disabled_child": {
        "kk": "Мүгедек бала тәрбиелеп отырған отбасы",
        "ru": "Семья, воспитывающая ребёнка с инвалидностью",
        "en": "Family raising a disabled child",
    },
    "widow": {"kk": "Жесір", "ru": "Вдова (вдовец)", "en": "Widow or widower"},
    "emergency_dwelling": {
        "kk": "Жалғыз тұрғын үйі апатты",
        "ru": "Единственное жилище аварийное",
        "en": "Only dwelling is emergency",
    },
    "socially_vulnerable": {
        "kk": "Әлеуметтік осал топ",
        "ru": "Социально уязвимые слои",
        "en": "Socially vulnerable group",
    },
    "civil_servant": {"kk": "Мемлекеттік қызметші", "ru": "Государственный служащий", "en": "Civil servant"},
    "budget_worker": {
        "kk": "Бюджеттік ұйым қызметкері",
        "ru": "Работник бюджетной организации",
        "en": "Budget-sector employee",
    },
    "military": {"kk": "Әскери қызметші", "ru": "Военнослужащий", "en": "Military serviceman"},
    "pensioner": {"kk": "Зейнеткер", "ru": "Пенсионер", "en": "Pensioner"},
    "single_parent": {"kk": "Толық емес отбасы", "ru": "Неполная семья", "en": "Single-parent family"},
    "kandas": {"kk": "Қандас", "ru": "Кандас", "en": "Kandas"},
    "chronic_disease": {
        "kk": "Созылмалы аурудың ауыр түрі",
        "ru": "Тяжёлая форма хронического заболевания",
        "en": "Severe chronic disease",
    },
}

SYSTEMS: T = {
    "persons": {"kk": "«Жеке тұлғалар» МДҚ", "ru": "ГБД «Физические лица»", "en": "Individuals register"},
    "civil": {"kk": "АХАЖ", "ru": "ЗАГС", "en": "Civil registry"},
    "address": {"kk": "Мекенжай тіркелімі", "ru": "Адресный регистр", "en": "Address register"},
    "property": {
        "kk": "Жылжымайтын мүлік тіркелімі",
        "ru": "Регистр недвижимости",
        "en": "Real-estate register",
    },
    "emergency": {
        "kk": "Апатты тұрғын үй тізілімі",
        "ru": "Реестр аварийного жилья",
        "en": "Emergency-dwelling register",
    },
    "state_housing": {
        "kk": "Мемлекеттік тұрғын үй қоры",
        "ru": "Государственный жилищный фонд",
        "en": "State housing fund",
    },
    "programmes": {
        "kk": "Жеңілдікті бағдарламалар",
        "ru": "Льготные программы",
        "en": "Preferential programmes",
    },
    "pension": {"kk": "БЖЗҚ / МЗТО", "ru": "ЕНПФ / ГЦВП", "en": "Pension fund"},
    "tax": {
        "kk": "Мемлекеттік кірістер комитеті",
        "ru": "Комитет государственных доходов",
        "en": "Tax authority",
    },
    "social_payments": {"kk": "Әлеуметтік төлемдер", "ru": "Социальные выплаты", "en": "Social payments"},
    "disability": {
        "kk": "Мүгедектік деректер қоры",
        "ru": "База данных об инвалидности",
        "en": "Disability register",
    },
    "social_status": {"kk": "Әлеуметтік мәртебелер", "ru": "Социальные статусы", "en": "Social statuses"},
    "employment": {"kk": "Жұмыспен қамту тіркелімі", "ru": "Регистр занятости", "en": "Employment register"},
    "mobile": {
        "kk": "Мобильді азаматтар базасы",
        "ru": "База мобильных граждан",
        "en": "Mobile-citizens base",
    },
}

SHORT: T = {
    "receipt": {
        "kk": "Өтініш {application} қабылданды. Нәтиже мерзімі: {due}.",
        "ru": "Заявление {application} принято. Срок результата: {due}.",
        "en": "Application {application} received. Result due by {due}.",
    },
    "registration": {
        "kk": "Сіз кезекке қойылдыңыз: тізім {list}, нөмір {position}.",
        "ru": "Вы поставлены в очередь: список {list}, номер {position}.",
        "en": "You are registered in the queue: list {list}, number {position}.",
    },
    "refusal": {
        "kk": "Өтініш {application} бойынша бас тарту. Себептері жеке кабинетте.",
        "ru": "По заявлению {application} отказ. Причины в личном кабинете.",
        "en": "Application {application} refused. The reasons are in your cabinet.",
    },
    "document_request": {
        "kk": "Өтініш {application}: құжат ұсыну қажет, мерзімі {due}.",
        "ru": "Заявление {application}: нужно представить документ до {due}.",
        "en": "Application {application}: please provide a document by {due}.",
    },
    "removal": {
        "kk": "Сіз кезектен шығарылдыңыз. Толығырақ жеке кабинетте.",
        "ru": "Вы сняты с учёта. Подробности в личном кабинете.",
        "en": "You have been removed from the queue. Details are in your cabinet.",
    },
    "restoration": {
        "kk": "Сіз кезекке қалпына келтірілдіңіз.",
        "ru": "Вы восстановлены в очереди.",
        "en": "You have been restored in the queue.",
    },
    "migration": {
        "kk": "Сіздің кезегіңіз ұлттық кезекке ауыстырылды: жаңа нөмір {position}.",
        "ru": "Ваша очередь переведена в национальную: новый номер {position}.",
        "en": "Your registration moved to the national queue: new number {position}.",
    },
}


def pick(table: T, key: str | None, language: str) -> str:
    if not key:
        return ""
    entry = table.get(key)
    if entry is None:
        return key
    return entry.get(language) or entry.get("ru") or key


def label(key: str, language: str) -> str:
    return pick(LABELS, key, language)


def short_message(kind: str, language: str, number: str, payload: dict[str, Any]) -> tuple[str, str]:
    """Subject and body of an SMS / e-mail: numbers only, no names or IINs (they travel in the clear)."""
    fields = {
        "application": payload.get("application_number", ""),
        "due": payload.get("due_on") or payload.get("answer_due_on") or "",
        "list": pick(LISTS, payload.get("list_code"), language),
        "position": payload.get("position", ""),
    }
    body = pick(SHORT, kind, language).format(**fields)
    return f"Kezek {number}: {pick(TITLES, kind, language)}", f"Kezek: {body} ({number})"
