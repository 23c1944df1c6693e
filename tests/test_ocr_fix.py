"""Post-correction of OCR'd cell text: each case is a slip tesseract makes on plans."""

from __future__ import annotations

import pytest

from parsers.ocr_fix import ROLES, fix_ocr_text, is_word

pytestmark = pytest.mark.slow  # loads the morphology dictionary

CASES: list[tuple[str, str, str]] = [
    # references: part / article abbreviations
    ("text", "(4. 4 ст. 9 Закона", "(ч. 4 ст. 9 Закона"),
    ("text", "(Ч. 2 ст. 21 закона)", "(ч. 2 ст. 21 закона)"),
    ("deadline", "Ч.16 ст. 7", "ч.16 ст. 7"),
    ("action", "(4.1 статьи 33)", "(ч.1 статьи 33)"),
    ("text", "(ч. 10 cт. 7 закона)", "(ч. 10 ст. 7 закона)"),
    ("deadline", "(ч. б ст. 47 закона)", "(ч. 6 ст. 47 закона)"),
    ("action", "(п. З ч. 2 ст. 5)", "(п. 3 ч. 2 ст. 5)"),
    ("action", "пп. «а» п. З ст. 5", "пп. «а» п. 3 ст. 5"),
    ("action", "п. б и в", "п. б и в"),  # a lettered point stays a letter
    ("text", "ч. 5 ct. 26", "ч. 5 ст. 26"),
    ("text", "{П. п. «в» п. 1 ст. 27", "(п. п. «в» п. 1 ст. 27"),
    ("text", "(ч. 9 ст. 7}", "(ч. 9 ст. 7)"),
    ("text", "от 5 декабря 2012 г. Ne 152/1137-6", "от 5 декабря 2012 г. № 152/1137-6"),
    ("text", "N° 627/74-4", "№ 627/74-4"),
    # Latin look-alikes inside Cyrillic words
    ("text", "Pеспублики", "Республики"),
    ("text", "избиpательной комиссии", "избирательной комиссии"),
    ("text", "ТEРРИТОРИАЛЬНАЯ", "ТЕРРИТОРИАЛЬНАЯ"),
    ("text", "14 июня 2019 roда", "14 июня 2019 года"),
    ("deadline", "c 28.08.2019 по 30.08.2019", "с 28.08.2019 по 30.08.2019"),
    ("text", "Рабочая группа a также штаб", "Рабочая группа а также штаб"),
    ("text", "c 1 to 5", "c 1 to 5"),  # Latin text stays Latin
    ("text", "сети «Интернет» и CMC", "сети «Интернет» и CMC"),
    ("text", "на сайте www.izbirkom.ru", "на сайте www.izbirkom.ru"),
    ("text", "к0миссия", "комиссия"),
    # dates
    ("deadline", "О8.09.2019", "08.09.2019"),
    ("deadline", "08.O9.2019", "08.09.2019"),
    ("deadline", "не позднее 2З.08.2019 г.", "не позднее 23.08.2019 г."),
    ("deadline", "1l.09.2019", "11.09.2019"),
    ("deadline", "до 12.09.2О19", "до 12.09.2019"),
    ("deadline", "8 сентября 2019 r.", "8 сентября 2019 г."),
    ("deadline", "29.07.2019r.", "29.07.2019г."),
    ("deadline", "Не позднее 27.08.2019\nГ.", "Не позднее 27.08.2019\nг."),
    ("deadline", "40.13.2019", "40.13.2019"),  # not a date: left as read
    ("deadline", "в 2О19 году", "в 2019 году"),
    # line ends
    ("action", "избира-\nтельной комиссии", "избирательной комиссии"),
    ("action", "тренеров-\nпреподавателей", "тренеров-преподавателей"),
    ("action", "медиа-\nплана", "медиа-плана"),
    ("action", "№ 152/1137-\n6)", "№ 152/1137-6)"),
    ("text", "Общественной палаты\nХабаровского края", "Общественной палаты\nХабаровского края"),
    ("text", "| Избирательная комиссия |", "Избирательная комиссия"),
    ("text", "комиссия |\n| края", "комиссия\nкрая"),
    ("text", "два  пробела   здесь", "два пробела здесь"),
    ("text", "слово , слово .", "слово, слово."),
    # letters tesseract confuses, repaired when the result is a word
    ("deadline", "Не позлнее 11.09.2019 г.", "Не позднее 11.09.2019 г."),
    ("action", "семинаров для канлилатов", "семинаров для кандидатов"),
    ("action", "Полготовка и утверждение", "Подготовка и утверждение"),
    ("executor", "Кононенко Г.А.", "Кононенко Г.А."),
    ("executor", "Белоглазов А.С.", "Белоглазов А.С."),
    # case slips of small-caps letters
    ("action", "члена участковой КОМИССИИ с правом", "члена участковой комиссии с правом"),
    ("deadline", "ПОСТОЯННО", "постоянно"),
    ("deadline", "ИЮЛЬ", "июль"),
    ("executor", "ТИК Грозненского района", "ТИК Грозненского района"),
    ("text", "УТВЕРЖДАЮ", "УТВЕРЖДАЮ"),
    ("text", "ПЛАН работы штаба", "ПЛАН работы штаба"),
    ("section", "П. Выдвижение и регистрация кандидатов", "Выдвижение и регистрация кандидатов"),
    ("section", "Ш. Голосование", "Голосование"),
    ("section", "УИК. Списки избирателей", "УИК. Списки избирателей"),
    # Roman numerals of quarters and half-years read as look-alike letters
    ("deadline", "Г квартал", "I квартал"),
    ("deadline", "И квартал", "II квартал"),
    ("deadline", "в Ш квартале", "в III квартале"),
    ("deadline", "1V квартал 2027 года", "IV квартал 2027 года"),
    ("text", "И кварталы застройки", "И кварталы застройки"),
    ("deadline", "ГУ квартал", "IV квартал"),
    ("deadline", "с Г апреля по 20 августа", "с 1 апреля по 20 августа"),
    ("text", "г. Москва, 1 апреля", "г. Москва, 1 апреля"),
    # item numbers
    ("item_no", "1О.", "10."),
    ("item_no", "l.", "1."),
    ("item_no", "З.1", "3.1"),
    ("item_no", "| 12 |", "12"),
    ("item_no", "2 .1", "2.1"),
    ("item_no", "б", "6"),
    ("item_no", "Раздел", "Раздел"),
    # nothing to do
    ("text", "", ""),
    ("text", "Территориальная комиссия", "Территориальная комиссия"),
]


@pytest.mark.parametrize(("role", "raw", "want"), CASES)
def test_fix(role: str, raw: str, want: str) -> None:
    assert fix_ocr_text(raw, role) == want


@pytest.mark.parametrize(("role", "raw", "want"), CASES)
def test_fix_is_idempotent(role: str, raw: str, want: str) -> None:
    once = fix_ocr_text(raw, role)
    assert fix_ocr_text(once, role) == once
    if role != "item_no":  # the extractor fixes as "text", the parser again per column
        assert fix_ocr_text(fix_ocr_text(raw, "text"), role) == fix_ocr_text(raw, role)


def test_roles_and_dictionary() -> None:
    assert set(ROLES) == {"action", "deadline", "executor", "item_no", "text"}
    assert is_word("избирательной") and not is_word("позлнее")
