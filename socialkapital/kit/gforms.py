"""The kit as a Google Apps Script (.gs) that builds the form in Google Forms (FormApp).

Run once at script.google.com; it makes the form and logs its links. Each part is a page
(a section) with its introduction and a grid: the statements are its rows, the scale and
"don't know" its columns. The responses export names each grid column
``Title [statement]``, and the department question is titled with the department word, so
the import recognises every column by itself.
"""

from __future__ import annotations

import json

from socialkapital.kit import Kit


def _js(value: object) -> str:
    """A JavaScript literal (JSON is one; the two line separators JSON allows are escaped)."""
    literal = json.dumps(value, ensure_ascii=False)
    return literal.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def build(kit: Kit) -> bytes:
    """The .gs script of the kit (UTF-8 JavaScript)."""
    columns = [label for _, label in kit.answers]
    description = f"{kit.subtitle}\n\n{kit.welcome}"
    free = f"{kit.department_question} {kit.department_free}"
    invitation = f"{kit.invitation_subject}\n\n{kit.invitation}".split("\n")
    # The department question's title is the word itself ("Afdeling"): the import knows it.
    department_title = kit.t("col_department")
    lines = [
        f"// {kit.title}: {kit.workplace}, {kit.round}",
        "// Made by socialkapital (kit). Open script.google.com, make a new project, paste this",
        "// file in place of Code.gs and run lavSkema. The form's links are written to the log.",
        "",
        "function lavSkema() {",
        f"  var form = FormApp.create({_js(f'{kit.title}: {kit.workplace}')});",
        f"  form.setTitle({_js(kit.title)});",
        f"  form.setDescription({_js(description)});",
        f"  form.setConfirmationMessage({_js(kit.thanks)});",
        "  form.setCollectEmail(false);  // the answers are anonymous",
        "  form.setProgressBar(true);",
        "",
    ]
    if kit.departments:
        lines += [
            "  form.addMultipleChoiceItem()",
            f"    .setTitle({_js(department_title)})",
            f"    .setHelpText({_js(kit.department_question)})",
            f"    .setChoiceValues({_js(list(kit.departments))})",
            "    .setRequired(true);",
        ]
    else:
        lines += [
            "  form.addTextItem()",
            f"    .setTitle({_js(department_title)})",
            f"    .setHelpText({_js(free)})",
            "    .setRequired(true);",
        ]
    lines.append(f"  var columns = {_js(columns)};")
    for part in kit.parts:
        heading = kit.t("part", number=part.number, name=part.name)
        lines += [
            "",
            f"  form.addPageBreakItem().setTitle({_js(heading)}).setHelpText({_js(part.intro)});",
            "  form.addGridItem()",
            f"    .setTitle({_js(kit.scale_question)})",
            f"    .setRows({_js([s.text for s in part.statements])})",
            "    .setColumns(columns);",
        ]
    lines += [
        "",
        "  Logger.log('Link til besvarelse / link to answer: ' + form.getPublishedUrl());",
        "  Logger.log('Link til redigering / link to edit: ' + form.getEditUrl());",
        "}",
        "",
        "// Invitation (e-mail text):",
        *[f"// {line}".rstrip() for line in invitation],
        "",
    ]
    return "\n".join(lines).encode("utf-8")
