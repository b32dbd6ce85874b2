"""Kazakh and Russian name lists from mimesis, loaded once and sampled with numpy.

Per-person mimesis calls are far too slow for a million people, so the lists are read from mimesis's
own locale data (``Locale.KK``, ``Locale.RU``) once, turned into numpy arrays, and every person is
an index into them. Female surnames and patronymics are derived from the male forms so that a
family's members share a surname in the right gender and children carry their father's name.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt
from mimesis.constants import DATADIR
from mimesis.locales import Locale

ObjArray = npt.NDArray[np.object_]


def _person_data(locale: Locale) -> dict[str, Any]:
    with (DATADIR / locale.value / "person.json").open(encoding="utf-8") as fh:
        return json.load(fh)  # type: ignore[no-any-return]


def female_surname(male: str) -> str:
    """The female form of a surname (Абенов → Абенова, Ерғалиев → Ерғалиева, Жуковский → Жуковская)."""
    if male.endswith(("ский", "цкий")):
        return male[:-2] + "ая"
    if male.endswith(("ов", "ев", "ёв", "ин", "ын", "ін")):
        return male + "а"
    if male.endswith(("ой", "ый", "ий")):
        return male[:-2] + "ая"
    return male  # -ұлы, -улы, foreign forms: the same for both sexes


def russian_patronymic(father: str) -> tuple[str, str]:
    """Patronymic of a son and of a daughter, Russian form (Андрей → Андреевич / Андреевна)."""
    if father.endswith("ий"):
        stem = father[:-2]
        return stem + "ьевич", stem + "ьевна"
    if father.endswith("й"):
        stem = father[:-1]
        return stem + "евич", stem + "евна"
    if father.endswith("ь"):
        stem = father[:-1]
        return stem + "евич", stem + "евна"
    if father.endswith(("а", "я")):
        stem = father[:-1]
        return stem + "ич", stem + "ична"
    if father.endswith(("и", "у", "ы", "ә", "е", "о", "і", "ұ", "ү")):
        return father + "евич", father + "евна"
    return father + "ович", father + "овна"


def kazakh_patronymic(father: str) -> tuple[str, str]:
    """Patronymic of a son and of a daughter, Kazakh form (Нұрлан → Нұрланұлы / Нұрланқызы)."""
    return father + "ұлы", father + "қызы"


@dataclass(frozen=True)
class NameBank:
    """Name arrays. Kazakh entries come first, Russian ones after; ``*_ru_start`` marks the boundary."""

    male: ObjArray
    female: ObjArray
    male_ru_start: int
    female_ru_start: int
    surname_male: ObjArray
    surname_female: ObjArray
    surname_ru_start: int
    # Patronymics aligned with ``male`` (the father's name): [son, daughter] in each form.
    patronymic_ru_form: ObjArray  # shape (len(male), 2)
    patronymic_kk_form: ObjArray  # shape (len(male), 2); for Russian names equal to the Russian form
    streets: ObjArray  # street names for addresses (mimesis Kazakh address data)

    def pick(
        self, rng: np.random.Generator, russian: npt.NDArray[np.bool_], kind: str
    ) -> npt.NDArray[np.int64]:
        """Random indices into ``male``, ``female`` or ``surname_*`` by each row's name origin."""
        total, start = {
            "male": (len(self.male), self.male_ru_start),
            "female": (len(self.female), self.female_ru_start),
            "surname": (len(self.surname_male), self.surname_ru_start),
        }[kind]
        u = rng.random(len(russian))
        kk = (u * start).astype(np.int64)
        ru = start + (u * (total - start)).astype(np.int64)
        return np.where(russian, ru, kk)


def _unique(values: list[str]) -> list[str]:
    return sorted({v.strip() for v in values if v and v.strip()})


@lru_cache(maxsize=1)
def name_bank() -> NameBank:
    kk, ru = _person_data(Locale.KK), _person_data(Locale.RU)
    kk_m, ru_m = _unique(kk["names"]["male"]), _unique(ru["names"]["male"])
    kk_f, ru_f = _unique(kk["names"]["female"]), _unique(ru["names"]["female"])
    kk_s, ru_s = _unique(kk["surnames"]["male"]), _unique(ru["surnames"]["male"])
    male = kk_m + ru_m
    surnames = kk_s + ru_s
    patr_ru = [russian_patronymic(n) for n in male]
    patr_kk = [kazakh_patronymic(n) for n in kk_m] + [russian_patronymic(n) for n in ru_m]
    with (DATADIR / Locale.KK.value / "address.json").open(encoding="utf-8") as fh:
        streets = _unique(json.load(fh)["street"]["name"])
    return NameBank(
        male=np.array(male, dtype=object),
        female=np.array(kk_f + ru_f, dtype=object),
        male_ru_start=len(kk_m),
        female_ru_start=len(kk_f),
        surname_male=np.array(surnames, dtype=object),
        surname_female=np.array([female_surname(s) for s in surnames], dtype=object),
        surname_ru_start=len(kk_s),
        patronymic_ru_form=np.array(patr_ru, dtype=object).reshape(len(male), 2),
        patronymic_kk_form=np.array(patr_kk, dtype=object).reshape(len(male), 2),
        streets=np.array(streets, dtype=object),
    )
