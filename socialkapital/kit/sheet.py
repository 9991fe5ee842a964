"""The kit as an Excel workbook for setting a form up by hand (SurveyXact, Microsoft Forms):
the statements in order with their codes, the answer scale, the departments and the texts."""

from __future__ import annotations

import io

import xlsxwriter

from socialkapital.kit import Kit


def build(kit: Kit) -> bytes:
    """The .xlsx workbook of the kit."""
    buffer = io.BytesIO()
    # Names and texts are written as text, never as formulas or links.
    options = {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    with xlsxwriter.Workbook(buffer, options) as book:
        bold = book.add_format({"bold": True, "bg_color": "#E8EEF4", "text_wrap": True})
        wrap = book.add_format({"text_wrap": True, "valign": "top"})
        top = book.add_format({"valign": "top"})

        def sheet(name: str, header: list[str], rows: list[list], widths: list[int]) -> None:
            ws = book.add_worksheet(name[:31])
            for col, width in enumerate(widths):
                ws.set_column(col, col, width, wrap if width > 30 else top)
            ws.write_row(0, 0, header, bold)
            for r, row in enumerate(rows, start=1):
                for c, value in enumerate(row):
                    if isinstance(value, int):
                        ws.write_number(r, c, value)
                    else:
                        ws.write_string(r, c, value)
            ws.freeze_panes(1, 0)

        sheet(
            kit.t("sheet_items"),
            [kit.t("col_number"), kit.t("col_code"), kit.t("col_part"), kit.t("col_statement")],
            [
                [s.number, s.code, kit.t("part", number=p.number, name=p.name), s.text]
                for p in kit.parts
                for s in p.statements
            ],
            [6, 8, 28, 90],
        )
        sheet(
            kit.t("sheet_scale"),
            [kit.t("col_label"), kit.t("col_value")],
            [[label, int(code)] for code, label in kit.scale]
            + [[kit.dont_know[1], kit.t("missing_value")]],
            [28, 24],
        )
        departments = [[name] for name in kit.departments] or [[kit.t("free_text")]]
        sheet(kit.t("sheet_departments"), [kit.t("col_department")], departments, [50])
        texts = [
            [kit.t("text_title"), f"{kit.title}: {kit.subtitle}"],
            [kit.t("text_welcome"), kit.welcome],
            [kit.t("text_department"), kit.department_question],
            [kit.t("text_scale"), kit.scale_question],
            *[[kit.t("part", number=p.number, name=p.name), p.intro] for p in kit.parts],
            [kit.t("text_thanks"), kit.thanks],
            [kit.t("text_invitation"), f"{kit.invitation_subject}\n\n{kit.invitation}"],
        ]
        sheet(kit.t("sheet_texts"), [kit.t("col_what"), kit.t("col_text")], texts, [34, 100])
    return buffer.getvalue()
