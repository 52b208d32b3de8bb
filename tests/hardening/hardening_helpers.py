"""Hostile files for the hardening tests: zip bombs, wide files, random bytes, truncated files."""

from __future__ import annotations

import random
import zipfile
from pathlib import Path

CONTENT_TYPES = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                 'content-types"><Default Extension="xml" ContentType="application/xml"/><Default Extension="rels" '
                 'ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Override '
                 'PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
                 'spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType='
                 '"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
WORKBOOK = ('<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
            '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
            '<sheet name="participants" sheetId="1" r:id="rId1"/></sheets></workbook>')
WORKBOOK_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                 'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                 'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')


VALUES = ("0", "1", "2", "3", "5", "8", "13", "21")


def xlsx_bomb(path: Path, rows: int = 1_500_000, columns: int = 20) -> Path:
    """A real XLSX of ``rows`` × ``columns`` numeric cells, as the probe of the issue sent (1.5 M × 20).

    The sheet repeats one block of 1 000 rows of pseudo-random numbers: it compresses like a real export
    (the block is larger than deflate's window), and it is quick to build.
    """
    rng = random.Random(20)
    header = "".join(f'<c t="inlineStr"><is><t>col{j}</t></is></c>' for j in range(columns))
    block = "".join("<row>" + "".join(f"<c><v>{rng.choice(VALUES)}</v></c>" for _ in range(columns)) + "</row>"
                    for _ in range(1000)).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                        b'spreadsheetml/2006/main">')
            sheet.write(f'<dimension ref="A1:{_letters(columns)}{rows + 1}"/>'.encode())
            sheet.write(f"<sheetData><row>{header}</row>".encode())
            for _ in range(rows // 1000):
                sheet.write(block)
            sheet.write(b"</sheetData></worksheet>")
    return path


def wide_csv(path: Path, columns: int = 10_000, rows: int = 3) -> Path:
    lines = [";".join(f"colonne_{j}" for j in range(columns))]
    lines += [";".join(str(i * j % 97) for j in range(columns)) for i in range(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def random_bytes(n: int = 6000, seed: int = 20) -> bytes:
    return random.Random(seed).randbytes(n)


def truncated(data: bytes) -> bytes:
    return data[: len(data) // 2]


def _letters(n: int) -> str:
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out
