"""Catalogs: every message translated in kk, ru and en; the template is current with the sources;
the catalogs work without the compiled .mo files."""

from __future__ import annotations

import re
import shutil
from datetime import date
from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from kezek.settings import LANGUAGES, PROJECT_ROOT
from kezek.web import i18n

KAZAKH_LETTERS = set("әғқңөұүһіӘҒҚҢӨҰҮҺІ")


def catalog(lang: str) -> Catalog:
    """All catalogs of one language (``messages.po`` and the areas' ``<area>.po``) read as one."""
    merged = Catalog(locale=lang)
    for path in i18n.catalog_files(lang):
        if not path.exists():
            continue
        with path.open("rb") as fp:
            for message in read_po(fp, locale=lang):
                if message.id:
                    merged[message.id] = message
    return merged


def source_ids() -> set[object]:
    """Every visible string marked in the sources (see babel.cfg)."""
    method_map = [
        ("src/kezek/**.py", "python"),
        ("src/kezek/web/templates/**.html", "jinja2"),
    ]
    options = {"src/kezek/web/templates/**.html": {"extensions": "jinja2.ext.i18n"}}
    found: set[object] = set()
    for _, _, message, _, _ in extract_from_dir(str(PROJECT_ROOT), method_map, options_map=options):
        found.add(message if isinstance(message, str) else tuple(message))
    assert found, "nothing extracted: is babel.cfg's layout still src/kezek/...?"
    return found


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_message_in_the_sources_has_a_translation(lang: str):
    """Fails when someone adds a visible string without translating it in kk, ru and en."""
    po = catalog(lang)
    missing = []
    for msgid in source_ids():
        key = msgid[0] if isinstance(msgid, tuple) else msgid
        message = po.get(key)
        strings = (
            message.string if message and isinstance(message.string, tuple) else (message and message.string,)
        )
        if message is None or not all(strings) or message.fuzzy:
            missing.append(msgid)
    assert sorted(map(str, missing)) == [], f"{lang}: untranslated or fuzzy"
    problems = [(m.id, errors) for m, errors in po.check()]
    assert problems == [], f"{lang}: placeholders or plural forms do not match: {problems}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_message_is_translated_twice_differently(lang: str):
    seen: dict[object, tuple[str, object]] = {}
    clashes = []
    for path in i18n.catalog_files(lang):
        if not path.exists():
            continue
        with path.open("rb") as fp:
            for message in read_po(fp, locale=lang):
                if not message.id:
                    continue
                if message.id in seen and seen[message.id][1] != message.string:
                    clashes.append((message.id, seen[message.id][0], path.name))
                seen[message.id] = (path.name, message.string)
    assert clashes == []


def test_kazakh_is_written_with_kazakh_letters_and_differs_from_russian():
    kk, ru = catalog("kk"), catalog("ru")
    texts = [m.string for m in kk if m.id and isinstance(m.string, str)]
    with_letters = [t for t in texts if KAZAKH_LETTERS & set(t)]
    assert len(with_letters) > len(texts) // 2
    same_as_russian = [
        m.id
        for m in kk
        if m.id and m.string == ru.get(m.id).string and m.string not in {"Аудит", "Аудитор", "Телефон"}
    ]
    assert same_as_russian == []


def test_catalogs_compile_from_po_when_mo_is_missing_or_stale(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    shutil.copytree(i18n.TRANSLATIONS_DIR, tmp_path / "tr", ignore=shutil.ignore_patterns("*.mo"))
    monkeypatch.setattr(i18n, "TRANSLATIONS_DIR", tmp_path / "tr")
    i18n.catalog.cache_clear()
    try:
        assert i18n.catalog("ru").ugettext("Sign in") == "Войти"  # no .mo at all
        # A stale .mo (older than its .po) is ignored in favour of the .po.
        ru_dir = tmp_path / "tr" / "ru" / "LC_MESSAGES"
        stale = Catalog(locale="ru")
        stale.add("Sign in", "УСТАРЕЛО")
        buffer = BytesIO()
        write_mo(buffer, stale)
        (ru_dir / "messages.mo").write_bytes(buffer.getvalue())
        po = ru_dir / "messages.po"
        import os

        os.utime(ru_dir / "messages.mo", (po.stat().st_mtime - 60, po.stat().st_mtime - 60))
        i18n.catalog.cache_clear()
        assert i18n.catalog("ru").ugettext("Sign in") == "Войти"
        # A current .mo is used as it is.
        os.utime(ru_dir / "messages.mo", (po.stat().st_mtime + 60, po.stat().st_mtime + 60))
        i18n.catalog.cache_clear()
        assert i18n.catalog("ru").ugettext("Sign in") == "УСТАРЕЛО"
    finally:
        i18n.catalog.cache_clear()


def test_plural_forms_follow_each_language():
    i18n.set_language("ru")
    forms = [i18n.ngettext("%(num)d person found.", "%(num)d persons found.", n) for n in (1, 3, 5, 21)]
    assert forms == ["Найден 1 человек.", "Найдено 3 человека.", "Найдено 5 человек.", "Найден 21 человек."]
    i18n.set_language("kk")
    assert i18n.ngettext("%(num)d person found.", "%(num)d persons found.", 5) == "5 адам табылды."


def test_dates_are_written_in_the_current_language():
    day = date(1990, 1, 1)
    written = {}
    for lang in LANGUAGES:
        i18n.set_language(lang)
        written[lang] = i18n.format_date(day)
    assert "қаңтар" in written["kk"] and "января" in written["ru"] and "January" in written["en"]
    assert re.search(r"1990", written["kk"])
