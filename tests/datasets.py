"""A small, realistic output directory built from hand-made records.

Two plans and one failure, written with :class:`pipeline.store.DatasetStore` exactly as
``kalplan ingest`` would: an election calendar (publication and voting-day anchors, dated
``by``/``range``/``date``/``from`` items, times, a monthly recurring item, undated
``on_event``/``ongoing`` items, warnings, definitions) and a work plan with month ranges.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from pydantic import BaseModel

from pipeline.store import Batch, DatasetStore
from schemas import Definition, DocumentRecord, FailureRecord, ItemRecord, LegalRef

CAL_ID = hashlib.sha256(b"kalplan-test-election-calendar").hexdigest()
WORK_ID = hashlib.sha256(b"kalplan-test-work-plan").hexdigest()
BROKEN_ID = hashlib.sha256(b"kalplan-test-broken-file").hexdigest()

PUBLICATION = date(2026, 6, 12)
VOTING_DAY = date(2026, 9, 20)
CAL_INGESTED = datetime(2026, 5, 4, 10, 30, 0, tzinfo=UTC)
WORK_INGESTED = datetime(2026, 5, 4, 10, 31, 15, tzinfo=UTC)

LAW = "Закон Энской области «О выборах депутатов Энской областной Думы»"
FEDERAL = "Федеральный закон «Об основных гарантиях избирательных прав»"
TIK = "Территориальная избирательная комиссия Энского района"
IKSO = "Избирательная комиссия Энской области"


def _ref(act: str, article: str, part: str | None = None, short: str = "") -> LegalRef:
    text = f"ст. {article}" + (f" ч. {part}" if part else "") + (f" {short}" if short else "")
    return LegalRef(act=act, article=article, part=part, text=text.strip())


def _item(doc_id: str, ordinal: int, **fields: object) -> ItemRecord:
    fields.setdefault("item_no", str(ordinal))
    return ItemRecord(doc_id=doc_id, ordinal=ordinal, **fields)  # type: ignore[arg-type]


def calendar_items() -> list[ItemRecord]:
    """The election calendar's rows (publication 2026-06-12, voting day 2026-09-20)."""
    d = CAL_ID
    return [
        _item(
            d,
            1,
            section="Назначение выборов",
            action="Официальное опубликование решения о назначении выборов",
            deadline_text="не позднее чем через 5 дней со дня принятия решения",
            deadline_kind="date",
            deadline_start=PUBLICATION,
            deadline_end=PUBLICATION,
            anchor="publication",
            offset_days=0,
            date_source="stated",
            executors=["Энская областная Дума"],
            executors_canonical=["Энская областная Дума"],
            legal_refs=[_ref(LAW, "10", "7", "Закона")],
            page=1,
        ),
        _item(
            d,
            2,
            section="Избирательные участки",
            action="Опубликование списков избирательных участков с указанием их границ, "
            "номеров, мест нахождения участковых комиссий и помещений для голосования",
            deadline_text="не позднее 10 августа 2026 года",
            deadline_kind="by",
            deadline_end=date(2026, 8, 10),
            anchor="voting_day",
            offset_days=-40,
            date_source="both",
            executors=["Главы местных администраций"],
            executors_canonical=["Главы местных администраций"],
            legal_refs=[_ref(FEDERAL, "19", "7", "ФЗ")],
            page=1,
        ),
        _item(
            d,
            3,
            section="Выдвижение и регистрация кандидатов",
            action="Приём документов для регистрации кандидатов",
            deadline_text="с 15 июля по 5 августа 2026 года до 18 часов",
            deadline_kind="range",
            deadline_start=date(2026, 7, 15),
            deadline_end=date(2026, 8, 5),
            deadline_end_time="18:00",
            date_source="stated",
            executors=["ИКСО", "ТИК"],
            executors_canonical=[IKSO, TIK],
            legal_refs=[_ref(LAW, "34", "1"), _ref(LAW, "35")],
            page=2,
        ),
        _item(
            d,
            4,
            section="Выдвижение и регистрация кандидатов",
            action="Выдвижение кандидатов и представление документов",
            deadline_text="в течение 20 дней со дня официального опубликования решения",
            deadline_kind="range",
            deadline_start=date(2026, 6, 13),
            deadline_end=date(2026, 7, 2),
            anchor="publication",
            offset_days=20,
            date_source="computed",
            executors=["Избирательные объединения", "Граждане РФ"],
            executors_canonical=["Избирательные объединения", "Граждане РФ"],
            legal_refs=[_ref(LAW, "30", "2")],
            page=2,
        ),
        _item(
            d,
            5,
            section="Агитация",
            action="Агитационный период в периодических печатных изданиях",
            deadline_text="не ранее 22 августа 2026 года",
            deadline_kind="from",
            deadline_start=date(2026, 8, 22),
            anchor="voting_day",
            offset_days=-29,
            date_source="both",
            executors=["Кандидаты", "Избирательные объединения"],
            executors_canonical=["Кандидаты", "Избирательные объединения"],
            legal_refs=[_ref(FEDERAL, "49", "2", "ФЗ")],
            page=3,
        ),
        _item(
            d,
            6,
            section="Финансирование выборов",
            action="Представление в ИКСО сведений о поступлении средств на специальные "
            "избирательные счета кандидатов",
            deadline_text="ежемесячно, с июля по сентябрь 2026 года",
            deadline_kind="recurring",
            deadline_start=date(2026, 7, 1),
            deadline_end=date(2026, 9, 30),
            recurrence="FREQ=MONTHLY",
            date_source="stated",
            executors=["Кредитные организации"],
            executors_canonical=["Кредитные организации"],
            legal_refs=[_ref(LAW, "58", "7")],
            page=3,
        ),
        _item(
            d,
            7,
            section="Голосование",
            action="Проведение голосования в помещениях для голосования",
            deadline_text="20 сентября 2026 года с 8 до 20 часов",
            deadline_kind="date",
            deadline_start=VOTING_DAY,
            deadline_end=VOTING_DAY,
            deadline_start_time="08:00",
            deadline_end_time="20:00",
            anchor="voting_day",
            offset_days=0,
            date_source="stated",
            executors=["УИК"],
            executors_canonical=["Участковые избирательные комиссии"],
            legal_refs=[_ref(LAW, "63", "1")],
            page=4,
        ),
        _item(
            d,
            8,
            section="Голосование",
            action="Передача протоколов об итогах голосования в ТИК",
            deadline_text="незамедлительно после подписания протокола",
            deadline_kind="on_event",
            anchor="подписание протокола",
            executors=["УИК"],
            executors_canonical=["Участковые избирательные комиссии"],
            legal_refs=[_ref(LAW, "70", "29")],
            page=4,
        ),
        _item(
            d,
            9,
            section="Финансирование выборов",
            action="Контроль за порядком формирования и расходования средств избирательных фондов",
            deadline_text="постоянно",
            deadline_kind="ongoing",
            executors=["ИКСО", "ТИК"],
            executors_canonical=[IKSO, TIK],
            page=4,
        ),
        _item(
            d,
            10,
            section="Итоги выборов",
            action="Определение результатов выборов",
            deadline_text="не позднее 30 сентября 2026 года",
            deadline_kind="by",
            deadline_end=date(2026, 9, 30),
            anchor="voting_day",
            offset_days=10,
            date_source="both",
            executors=["ИКСО"],
            executors_canonical=[IKSO],
            legal_refs=[_ref(LAW, "72", "1")],
            warnings=["STATED_DATE_MISMATCH: rule gives 2026-09-30, text says 2026-09-29"],
            page=5,
        ),
        _item(
            d,
            11,
            section="Итоги выборов",
            action="Опубликование результатов выборов",
            deadline_text="в течение одного месяца со дня голосования",
            deadline_kind="on_event",
            anchor="voting_day",
            executors=["ИКСО"],
            executors_canonical=[IKSO],
            warnings=["UNRESOLVED_RULE: no offset for 'в течение одного месяца'"],
            page=5,
        ),
    ]


def work_items() -> list[ItemRecord]:
    """The work plan's rows: month ranges and a few deadlines, year 2026."""
    d = WORK_ID
    return [
        _item(
            d,
            1,
            section="Организационные мероприятия",
            action="Обучение членов участковых избирательных комиссий",
            deadline_text="март-июнь",
            deadline_kind="range",
            deadline_start=date(2026, 3, 1),
            deadline_end=date(2026, 6, 30),
            date_source="stated",
            executors=["ТИК", "Отдел по работе с кадрами"],
            executors_canonical=[TIK, "Отдел по работе с кадрами"],
        ),
        _item(
            d,
            2,
            section="Организационные мероприятия",
            action="Проверка готовности помещений для голосования",
            deadline_text="август",
            deadline_kind="range",
            deadline_start=date(2026, 8, 1),
            deadline_end=date(2026, 8, 31),
            date_source="stated",
            executors=["ТИК"],
            executors_canonical=[TIK],
        ),
        _item(
            d,
            3,
            section="Информационно-разъяснительная деятельность",
            action="Выпуск информационных материалов для избирателей",
            deadline_text="июль",
            deadline_kind="range",
            deadline_start=date(2026, 7, 1),
            deadline_end=date(2026, 7, 31),
            date_source="stated",
            executors=["Пресс-служба ТИК"],
            executors_canonical=["Пресс-служба " + TIK],
        ),
        _item(
            d,
            4,
            section="Информационно-разъяснительная деятельность",
            action="Отчёт о проделанной работе",
            deadline_text="до 15 октября",
            deadline_kind="by",
            deadline_end=date(2026, 10, 15),
            date_source="stated",
            executors=["Председатель ТИК"],
            executors_canonical=["Председатель " + TIK],
        ),
        _item(
            d,
            5,
            section=None,
            action="Участие в семинарах ИКСО",
            deadline_text="по отдельному плану",
            deadline_kind="separate_plan",
            executors=["ТИК"],
            executors_canonical=[TIK],
        ),
    ]


def documents() -> list[DocumentRecord]:
    """Both plans' document rows."""
    return [
        DocumentRecord(
            doc_id=CAL_ID,
            source="plans/calendar_2026.docx",
            format="docx",
            method="docx",
            title="Календарный план мероприятий по подготовке и проведению выборов депутатов "
            "Энской областной Думы",
            kind="election_calendar",
            issuer=IKSO,
            act_date=date(2026, 6, 15),
            act_number="12/345-7",
            publication_date=PUBLICATION,
            voting_day=VOTING_DAY,
            year=2026,
            definitions=[
                Definition(term="ИКСО", meaning=IKSO),
                Definition(term="ТИК", meaning=TIK),
            ],
            items=len(calendar_items()),
            warnings=["ROW_MERGED: rows 8 and 9 shared a cell"],
            pipeline_version="0.1.0",
            ingested_at=CAL_INGESTED,
        ),
        DocumentRecord(
            doc_id=WORK_ID,
            source="plans/work_plan.pdf",
            format="pdf",
            method="text_layer",
            title="План работы территориальной избирательной комиссии на 2026 год",
            kind="work_plan",
            issuer=TIK,
            act_date=date(2026, 2, 10),
            year=2026,
            items=len(work_items()),
            pipeline_version="0.1.0",
            ingested_at=WORK_INGESTED,
        ),
    ]


def failures() -> list[FailureRecord]:
    """One unreadable input."""
    return [
        FailureRecord(
            source="plans/broken.pdf",
            doc_id=BROKEN_ID,
            format="pdf",
            stage="read",
            error="The file is damaged and could not be opened.",
            detail="PdfReadError: EOF marker not found",
            ingested_at=WORK_INGESTED,
        ),
    ]


@dataclass(frozen=True)
class Expected:
    """Counts the fixture holds, for assertions."""

    documents: int = 2
    items: int = 16
    failures: int = 1
    dated: int = 12  # items with a start or end date (the recurring one included)


def models(records: Sequence[BaseModel]) -> list[BaseModel]:
    """Records as the list type Batch expects."""
    return list(records)


def build_output(out: Path) -> Path:
    """Write the fixture datasets under ``out`` (two ingest batches) and return it."""
    store = DatasetStore(str(out))
    store.write(Batch(documents=models(documents()[:1]), items=models(calendar_items())))
    store.write(
        Batch(
            documents=models(documents()[1:]),
            items=models(work_items()),
            failures=models(failures()),
        )
    )
    return out
