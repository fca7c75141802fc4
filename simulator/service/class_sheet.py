"""The sheets a mentor hands out after a class import: a printable PDF and a CSV.

The PDF has one slip per trainee (name, username, one-time password, where to log in) with
cut lines between, so the mentor can print it and hand each person their own slip. The CSV
is for the mentor's records or a mail merge (the optional email column passes through).
Both hold one-time passwords: they are made on request, not stored, and the trainee must
choose a new password at first login. Labels come from the caller (the page translates).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping

from simulator.service._csv import csv_cell
from simulator.service.accounts import ImportedClass
from simulator.service.exports import a4_document

CSV_COLUMNS = ("name", "username", "one_time_password", "email")


def class_csv(imported: ImportedClass) -> str:
    """``name,username,one_time_password,email`` per trainee (spreadsheet-safe cells)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for account in imported.accounts:
        writer.writerow([csv_cell(account.display_name), csv_cell(account.username),
                         csv_cell(account.one_time_password), csv_cell(account.email)])
    return out.getvalue()


def class_pdf(imported: ImportedClass, labels: Mapping[str, str], login_url: str) -> bytes:
    """A4 slips: ``labels`` has ``title``, ``name``, ``username``, ``password``, ``address``, ``note``."""
    from fpdf.enums import XPos, YPos

    pdf, family, clean = a4_document(margin=12)

    title = labels.get("title", "").format(cohort=imported.cohort_name)
    pdf.set_title(clean(title))
    pdf.add_page()
    pdf.set_font(family, "B", 14)
    pdf.multi_cell(pdf.epw, 7, clean(title), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)
    slip_height = 42
    for account in imported.accounts:
        if pdf.get_y() + slip_height > pdf.h - pdf.b_margin:
            pdf.add_page()
        top = pdf.get_y()
        pdf.set_draw_color(150, 150, 150)
        pdf.set_dash_pattern(dash=2, gap=2)
        pdf.line(pdf.l_margin, top, pdf.w - pdf.r_margin, top)  # cut here
        pdf.set_dash_pattern()
        pdf.ln(3)
        pdf.set_font(family, "B", 12)
        pdf.cell(pdf.epw, 7, clean(account.display_name), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font(family, "", 11)
        for key, value in (("username", account.username), ("password", account.one_time_password),
                           ("address", login_url)):
            pdf.cell(45, 6, clean(labels.get(key, key)))
            pdf.set_font("Courier", "B", 12) if key != "address" else pdf.set_font(family, "", 11)
            pdf.cell(pdf.epw - 45, 6, clean(value), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.set_font(family, "", 11)
        pdf.set_font(family, "", 9)
        pdf.multi_cell(pdf.epw, 4.5, clean(labels.get("note", "")), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_y(top + slip_height)
    return bytes(pdf.output())
